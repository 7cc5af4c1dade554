import { validate } from '@connectors/core';
import { stripeScheme, verifyWebhook, type VerificationFailure, type VerifyWebhookInput } from '@connectors/webhooks';
import { stripeEventSchema, type StripeEvent } from '../events/event-schemas.ts';

export { stripeScheme };

/** What `verifyStripeWebhook` returns. A bad delivery is a result, never an exception. */
export type StripeWebhookResult =
  | {
      ok: true;
      /** The event id (`evt_...`): Stripe redelivers the same id, so use it as the idempotency key. */
      id: string;
      event: StripeEvent;
      /** When Stripe signed the delivery. */
      signedAt: Date | undefined;
      /** Which configured secret matched: watch it during a secret roll. */
      secretIndex: number;
    }
  | VerificationFailure;

/**
 * Checks `Stripe-Signature` (HMAC over `${t}.${body}`, any `v1`) against the raw body with
 * `stripeScheme`, rejects timestamps older or further in the future than `toleranceSec` (default
 * 300 s; stripe-node lets future ones through), then types the event envelope.
 * Pass the body exactly as received: a re-serialised JSON object will not verify.
 *
 * @example
 * const result = await verifyStripeWebhook({ body: rawBody, headers: req.headers, secret: process.env.STRIPE_WEBHOOK_SECRET });
 * if (!result.ok) return res.status(400).send(result.reason);
 * if (await alreadyProcessed(result.id)) return res.status(200).end();
 * @throws SchemaValidationError when the signature is valid but the body is not an event envelope.
 */
export async function verifyStripeWebhook(input: Omit<VerifyWebhookInput, 'method' | 'url'>): Promise<StripeWebhookResult> {
  const verified = verifyWebhook(stripeScheme, input);
  if (!verified.ok) return verified;
  const body = input.body;
  const text = typeof body === 'string' ? body : Buffer.from(body instanceof ArrayBuffer ? new Uint8Array(body) : body).toString('utf8');
  const event = await parseStripeEvent(JSON.parse(text));
  return { ok: true, id: verified.id, event, signedAt: verified.timestamp, secretIndex: verified.secretIndex };
}

/**
 * Types an event envelope (from a webhook or `GET /v1/events`).
 * @throws SchemaValidationError naming the field that is not what Stripe documents.
 */
export function parseStripeEvent(payload: unknown): Promise<StripeEvent> {
  return validate(stripeEventSchema, payload, { connector: 'stripe', operation: 'webhooks.event', direction: 'response', drift: 'report' });
}
