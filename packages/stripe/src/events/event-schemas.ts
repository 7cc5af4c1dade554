import * as v from 'valibot';

/**
 * The envelope of every Stripe event (API `GET /v1/events` and webhooks). `data.object` is the
 * object as it was when the event happened, rendered in the event's `api_version`.
 */
export const stripeEventSchema = v.looseObject({
  id: v.string(),
  object: v.literal('event'),
  type: v.string(),
  created: v.number(),
  livemode: v.boolean(),
  api_version: v.nullable(v.string()),
  pending_webhooks: v.number(),
  data: v.looseObject({
    object: v.looseObject({ object: v.string() }),
    /** For `*.updated` events: the changed fields' previous values. */
    previous_attributes: v.optional(v.record(v.string(), v.unknown())),
  }),
  request: v.nullable(v.looseObject({ id: v.nullable(v.string()), idempotency_key: v.nullable(v.string()) })),
});
export type StripeEvent = v.InferOutput<typeof stripeEventSchema>;
