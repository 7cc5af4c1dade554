import * as v from 'valibot';
import { connectionOf, gidSchema } from '../graphql/connection-schemas.ts';

/** One named quantity of an inventory level (`available`, `on_hand`, `committed`, ...). */
export const inventoryQuantitySchema = v.looseObject({ name: v.string(), quantity: v.number() });

/** The fields this package selects on `InventoryLevel`: stock of one item at one location. */
export const inventoryLevelSchema = v.looseObject({
  id: gidSchema,
  location: v.looseObject({ id: gidSchema, name: v.string() }),
  quantities: v.array(inventoryQuantitySchema),
  updatedAt: v.string(),
});
export type InventoryLevel = v.InferOutput<typeof inventoryLevelSchema>;

export const inventoryLevelsQuerySchema = v.looseObject({
  inventoryItem: v.nullable(v.looseObject({ id: gidSchema, inventoryLevels: connectionOf(inventoryLevelSchema) })),
});
