import * as v from 'valibot';
import { openEnum } from '@connectors/core';
import { expandable, metadataSchema, stripeList, stripeObjectSchema } from '../lists/list-schemas.ts';

export const subscriptionItemSchema = v.looseObject({
  id: v.string(),
  object: v.literal('subscription_item'),
  created: v.number(),
  quantity: v.optional(v.number()),
  price: v.looseObject({ id: v.string(), object: v.literal('price'), currency: v.string(), unit_amount: v.nullable(v.number()), product: expandable(stripeObjectSchema) }),
  // Since API version 2025-03-31 (basil) billing periods are per item.
  current_period_start: v.optional(v.number()),
  current_period_end: v.optional(v.number()),
});

export const subscriptionSchema = v.looseObject({
  id: v.string(),
  object: v.literal('subscription'),
  customer: expandable(stripeObjectSchema),
  status: openEnum(['incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused']),
  items: stripeList(subscriptionItemSchema),
  cancel_at_period_end: v.boolean(),
  cancel_at: v.nullish(v.number()),
  canceled_at: v.nullish(v.number()),
  ended_at: v.nullish(v.number()),
  created: v.number(),
  currency: v.string(),
  start_date: v.number(),
  trial_end: v.nullish(v.number()),
  latest_invoice: v.nullish(expandable(stripeObjectSchema)),
  livemode: v.boolean(),
  metadata: metadataSchema,
});
export type Subscription = v.InferOutput<typeof subscriptionSchema>;
