import { SchemaValidationError } from '@connectors/core';
import { describe, expect, it } from 'vitest';
import customerCreated from './__fixtures__/customer-created.json' with { type: 'json' };
import customerUpdated from './__fixtures__/customer-updated.json' with { type: 'json' };
import paymentIntentSucceeded from './__fixtures__/payment-intent-succeeded.json' with { type: 'json' };
import { stripeScheme, verifyStripeWebhook } from './stripe-webhooks.ts';

const SECRET = 'whsec_test_connectors_secret';
const NOW = Date.parse('2026-01-01T00:00:00Z');

function deliver(payload: unknown, options: { signedAt?: number; secret?: string; body?: string } = {}) {
  const body = JSON.stringify(payload);
  const headers = stripeScheme.sign({ body: Buffer.from(body), secret: options.secret ?? SECRET, timestampMs: options.signedAt ?? NOW, id: '', type: undefined, method: undefined, url: undefined });
  return { body: options.body ?? body, headers };
}

describe('verifyStripeWebhook', () => {
  it.each([
    ['customer.created', customerCreated],
    ['customer.updated', customerUpdated],
    ['payment_intent.succeeded', paymentIntentSucceeded],
  ])('verifies and types a %s event, with the event id as the idempotency key', async (type, payload) => {
    const result = await verifyStripeWebhook({ ...deliver(payload), secret: SECRET, now: NOW });
    expect(result).toMatchObject({ ok: true, id: payload.id, event: { type, id: payload.id, livemode: false }, signedAt: new Date(NOW) });
  });

  it('exposes the envelope typed: api_version, data.object and previous_attributes', async () => {
    const result = await verifyStripeWebhook({ ...deliver(customerUpdated), secret: SECRET, now: NOW });
    if (!result.ok) throw new Error(result.message);
    expect(result.event.api_version).toBe('2025-09-30.clover');
    expect(result.event.data.object.object).toBe('customer');
    expect(result.event.data.previous_attributes).toEqual({ email: 'jennyrosen@example.com' });
  });

  it('rejects deliveries outside the tolerance in both directions (stripe-node lets future ones through)', async () => {
    expect(await verifyStripeWebhook({ ...deliver(customerCreated, { signedAt: NOW - 301_000 }), secret: SECRET, now: NOW })).toMatchObject({ ok: false, reason: 'timestamp-too-old' });
    expect(await verifyStripeWebhook({ ...deliver(customerCreated, { signedAt: NOW + 301_000 }), secret: SECRET, now: NOW })).toMatchObject({ ok: false, reason: 'timestamp-in-future' });
    expect(await verifyStripeWebhook({ ...deliver(customerCreated, { signedAt: NOW - 500_000 }), secret: SECRET, now: NOW, toleranceSec: 600 })).toMatchObject({ ok: true });
  });

  it('rejects a tampered body or a wrong secret, and accepts the previous secret during a roll', async () => {
    const tampered = deliver(customerCreated, { body: JSON.stringify({ ...customerCreated, livemode: true }) });
    expect(await verifyStripeWebhook({ ...tampered, secret: SECRET, now: NOW })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
    expect(await verifyStripeWebhook({ ...deliver(customerCreated, { secret: 'whsec_other' }), secret: SECRET, now: NOW })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
    const rolled = await verifyStripeWebhook({ ...deliver(customerCreated, { secret: 'whsec_previous' }), secrets: [SECRET, 'whsec_previous'], now: NOW });
    expect(rolled).toMatchObject({ ok: true, secretIndex: 1 });
  });

  it('throws SchemaValidationError when a correctly signed body is not an event envelope', async () => {
    const { data: _data, ...noData } = customerCreated;
    await expect(verifyStripeWebhook({ ...deliver(noData), secret: SECRET, now: NOW })).rejects.toBeInstanceOf(SchemaValidationError);
  });
});
