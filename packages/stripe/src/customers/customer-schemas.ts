import * as v from 'valibot';
import { metadataSchema } from '../lists/list-schemas.ts';

/**
 * Objects are `looseObject`s: Stripe adds fields in new API versions, and fields this package does
 * not describe are kept in the output, not dropped.
 */
export const addressSchema = v.looseObject({
  city: v.nullable(v.string()),
  country: v.nullable(v.string()),
  line1: v.nullable(v.string()),
  line2: v.nullable(v.string()),
  postal_code: v.nullable(v.string()),
  state: v.nullable(v.string()),
});

export const customerSchema = v.looseObject({
  id: v.string(),
  object: v.literal('customer'),
  address: v.nullish(addressSchema),
  balance: v.number(),
  created: v.number(),
  currency: v.nullish(v.string()),
  delinquent: v.nullish(v.boolean()),
  description: v.nullable(v.string()),
  email: v.nullable(v.string()),
  livemode: v.boolean(),
  metadata: metadataSchema,
  name: v.nullish(v.string()),
  phone: v.nullish(v.string()),
  preferred_locales: v.optional(v.array(v.string())),
});
export type Customer = v.InferOutput<typeof customerSchema>;

/** What `GET /v1/customers/{id}` returns for a deleted customer: a 200, not a 404. */
export const deletedCustomerSchema = v.looseObject({ id: v.string(), object: v.literal('customer'), deleted: v.literal(true) });
export type DeletedCustomer = v.InferOutput<typeof deletedCustomerSchema>;

export const customerOrDeletedSchema = v.union([deletedCustomerSchema, customerSchema]);
