import * as v from 'valibot';
import { openEnum } from '@connectors/core';
import { expandable, metadataSchema, stripeObjectSchema } from '../lists/list-schemas.ts';

export const paymentIntentStatusSchema = openEnum([
  'requires_payment_method', 'requires_confirmation', 'requires_action', 'processing', 'requires_capture', 'canceled', 'succeeded',
]);

export const lastPaymentErrorSchema = v.looseObject({
  type: v.string(),
  code: v.optional(v.string()),
  decline_code: v.optional(v.string()),
  message: v.optional(v.string()),
});

export const paymentIntentSchema = v.looseObject({
  id: v.string(),
  object: v.literal('payment_intent'),
  amount: v.number(),
  amount_capturable: v.number(),
  amount_received: v.number(),
  currency: v.string(),
  status: paymentIntentStatusSchema,
  capture_method: v.string(),
  confirmation_method: v.optional(v.string()),
  created: v.number(),
  customer: v.nullable(expandable(stripeObjectSchema)),
  description: v.nullable(v.string()),
  last_payment_error: v.nullable(lastPaymentErrorSchema),
  latest_charge: v.nullish(expandable(stripeObjectSchema)),
  livemode: v.boolean(),
  metadata: metadataSchema,
  next_action: v.nullish(v.looseObject({ type: v.string() })),
  payment_method: v.nullable(expandable(stripeObjectSchema)),
  payment_method_types: v.array(v.string()),
  receipt_email: v.nullish(v.string()),
  canceled_at: v.nullish(v.number()),
  cancellation_reason: v.nullish(v.string()),
  /** Hand it to your front end only: it lets a browser confirm this payment. */
  client_secret: v.nullish(v.string()),
});
export type PaymentIntent = v.InferOutput<typeof paymentIntentSchema>;
