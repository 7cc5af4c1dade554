import * as v from 'valibot';
import { connectionOf, gidSchema, userErrorSchema } from '../graphql/connection-schemas.ts';

/** The fields this package selects on `Customer`. */
export const customerSchema = v.looseObject({
  id: gidSchema,
  firstName: v.nullish(v.string()),
  lastName: v.nullish(v.string()),
  displayName: v.string(),
  defaultEmailAddress: v.nullish(v.looseObject({ emailAddress: v.nullish(v.string()) })),
  defaultPhoneNumber: v.nullish(v.looseObject({ phoneNumber: v.string() })),
  /** `UnsignedInt64` is sent as a string. */
  numberOfOrders: v.union([v.string(), v.number()]),
  tags: v.array(v.string()),
  note: v.nullish(v.string()),
  createdAt: v.string(),
  updatedAt: v.string(),
});
export type Customer = v.InferOutput<typeof customerSchema>;

export const customersQuerySchema = v.looseObject({ customers: connectionOf(customerSchema) });
export const customerQuerySchema = v.looseObject({ customer: v.nullable(customerSchema) });
export const customerCreateSchema = v.looseObject({
  customerCreate: v.looseObject({ customer: v.nullable(customerSchema), userErrors: v.array(userErrorSchema) }),
});
