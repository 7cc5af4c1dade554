import * as v from 'valibot';
import { gidSchema } from '../graphql/connection-schemas.ts';

/** The fields `shop.get()` selects (GraphQL Admin `Shop`). Objects are loose: fields Shopify adds are kept. */
export const shopSchema = v.looseObject({
  id: gidSchema,
  name: v.string(),
  email: v.nullish(v.string()),
  myshopifyDomain: v.string(),
  currencyCode: v.string(),
  ianaTimezone: v.nullish(v.string()),
  plan: v.nullish(v.looseObject({ partnerDevelopment: v.boolean(), shopifyPlus: v.boolean(), publicDisplayName: v.nullish(v.string()) })),
});
export type Shop = v.InferOutput<typeof shopSchema>;

export const shopQuerySchema = v.looseObject({ shop: shopSchema });

/** What the credentials check reads: the cheapest authenticated query, `{ shop { name } }` (cost 1). */
export const shopNameQuerySchema = v.looseObject({ shop: v.looseObject({ name: v.string(), myshopifyDomain: v.optional(v.string()) }) });
