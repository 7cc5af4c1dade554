import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../verify/verify-webhook.ts';
import { shopifyScheme } from './shopify-scheme.ts';

const SECRET = 'shpss_0123456789abcdef';
const BODY = '{"id":820982911946154508,"email":"jon@example.com","total_price":"403.00"}';
// Shopify's documented format: base64 HMAC-SHA256 of the raw body with the app's client secret.
const HMAC = createHmac('sha256', SECRET).update(BODY).digest('base64');

describe('shopifyScheme', () => {
  it('verifies and reads the webhook id and topic', () => {
    const result = verifyWebhook(shopifyScheme, {
      body: BODY,
      headers: { 'X-Shopify-Hmac-Sha256': HMAC, 'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043', 'X-Shopify-Topic': 'orders/create' },
      secret: SECRET,
    });
    expect(result).toEqual({ ok: true, id: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043', type: 'orders/create', timestamp: undefined, secretIndex: 0 });
  });

  it('falls back to X-Shopify-Event-Id', () => {
    const result = verifyWebhook(shopifyScheme, { body: BODY, headers: { 'x-shopify-hmac-sha256': HMAC, 'x-shopify-event-id': 'evt-98' }, secret: SECRET });
    expect(result).toMatchObject({ ok: true, id: 'evt-98', type: undefined });
  });

  it('signs in Shopify’s format', () => {
    expect(signWebhook(shopifyScheme, { body: BODY, secret: SECRET, id: 'w1', type: 'orders/paid' })).toEqual({
      'X-Shopify-Hmac-Sha256': HMAC,
      'X-Shopify-Webhook-Id': 'w1',
      'X-Shopify-Topic': 'orders/paid',
    });
  });

  it('rejects a tampered body, accepts a rotated secret', () => {
    const headers = { 'x-shopify-hmac-sha256': HMAC, 'x-shopify-webhook-id': 'w1' };
    expect(verifyWebhook(shopifyScheme, { body: BODY.replace('403.00', '0.01'), headers, secret: SECRET })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
    expect(verifyWebhook(shopifyScheme, { body: BODY, headers, secrets: ['shpss_new', SECRET] })).toMatchObject({ ok: true, secretIndex: 1 });
  });

  it.each([
    ['missing', {}, 'missing-signature'],
    ['hex instead of base64', { 'x-shopify-hmac-sha256': createHmac('sha256', SECRET).update(BODY).digest('hex') }, 'malformed-signature'],
    ['truncated', { 'x-shopify-hmac-sha256': HMAC.slice(0, 20) }, 'malformed-signature'],
  ])('rejects a %s signature', (_name, headers, reason) => {
    expect(verifyWebhook(shopifyScheme, { body: BODY, headers: { 'x-shopify-webhook-id': 'w1', ...headers }, secret: SECRET })).toMatchObject({ ok: false, reason });
  });

  it('rejects a delivery without any id', () => {
    expect(verifyWebhook(shopifyScheme, { body: BODY, headers: { 'x-shopify-hmac-sha256': HMAC }, secret: SECRET })).toMatchObject({ ok: false, reason: 'missing-id' });
  });
});

describe('shopifyScheme with the lower-case shopify-* headers', () => {
  it('reads signature, id and topic without the X- prefix', () => {
    const result = verifyWebhook(shopifyScheme, {
      body: BODY,
      headers: { 'shopify-hmac-sha256': HMAC, 'shopify-webhook-id': 'w-lower', 'shopify-topic': 'orders/updated' },
      secret: SECRET,
    });
    expect(result).toEqual({ ok: true, id: 'w-lower', type: 'orders/updated', timestamp: undefined, secretIndex: 0 });
  });

  it('prefers the X- header when both are sent', () => {
    const result = verifyWebhook(shopifyScheme, {
      body: BODY,
      headers: { 'X-Shopify-Hmac-Sha256': HMAC, 'shopify-hmac-sha256': 'bm90LWEtZGlnZXN0', 'X-Shopify-Webhook-Id': 'w-x', 'shopify-webhook-id': 'w-lower' },
      secret: SECRET,
    });
    expect(result).toMatchObject({ ok: true, id: 'w-x' });
  });

  it('rejects a lower-case delivery with a wrong signature or no id', () => {
    expect(verifyWebhook(shopifyScheme, { body: BODY, headers: { 'shopify-hmac-sha256': createHmac('sha256', 'other').update(BODY).digest('base64'), 'shopify-webhook-id': 'w' }, secret: SECRET })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
    expect(verifyWebhook(shopifyScheme, { body: BODY, headers: { 'shopify-hmac-sha256': HMAC }, secret: SECRET })).toMatchObject({ ok: false, reason: 'missing-id' });
  });
});
