import '@shopify/shopify-api/adapters/web-api';
import { ApiVersion, shopifyApi } from '@shopify/shopify-api';
import { getHmac } from '@shopify/shopify-api/test-helpers';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../verify/verify-webhook.ts';
import { shopifyScheme } from './shopify-scheme.ts';

// Checks the scheme against Shopify's own library (@shopify/shopify-api), in both directions and
// with both header spellings: `X-Shopify-*` (ShopifyHeader) and lower-case `shopify-*` (ShopifyEventsHeader).
const SECRET = 'shpss_official_library_check';
const BODY = JSON.stringify({ id: 820982911946154500, email: 'jon@example.com', total_price: '403.00', line_items: [{ title: 'Über Tee', quantity: 2 }] });
const api = shopifyApi({
  apiKey: 'official-check',
  apiSecretKey: SECRET,
  scopes: ['read_orders'],
  hostName: 'app.example.com',
  apiVersion: ApiVersion.October26,
  isEmbeddedApp: false,
  logger: { level: 0, log: () => undefined },
});

const required = { domain: 'example.myshopify.com', apiVersion: '2026-10', topic: 'orders/create', id: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043' };

function officialValidate(headers: Record<string, string>, body = BODY) {
  const rawRequest = new Request('https://app.example.com/webhooks', { method: 'POST', headers, body });
  return api.webhooks.validate({ rawBody: body, rawRequest });
}

describe('shopifyScheme against @shopify/shopify-api', () => {
  it('what the scheme signs (X-Shopify-*), the official library accepts', async () => {
    const signed = signWebhook(shopifyScheme, { body: BODY, secret: SECRET, id: required.id, type: required.topic });
    const result = await officialValidate({ ...signed, 'X-Shopify-Shop-Domain': required.domain, 'X-Shopify-API-Version': required.apiVersion });
    expect(result).toMatchObject({ valid: true, webhookId: required.id, topic: 'ORDERS_CREATE', domain: required.domain });
  });

  it('the same signature under the lower-case shopify-* names passes both', async () => {
    const signed = signWebhook(shopifyScheme, { body: BODY, secret: SECRET, id: required.id, type: required.topic });
    const headers = {
      'shopify-hmac-sha256': signed['X-Shopify-Hmac-Sha256']!,
      'shopify-webhook-id': required.id,
      'shopify-topic': required.topic,
      'shopify-shop-domain': required.domain,
      'shopify-api-version': required.apiVersion,
    };
    expect(await officialValidate(headers)).toMatchObject({ valid: true, webhookType: 'events', webhookId: required.id });
    expect(verifyWebhook(shopifyScheme, { body: BODY, headers, secret: SECRET })).toEqual({ ok: true, id: required.id, type: required.topic, timestamp: undefined, secretIndex: 0 });
  });

  it.each([
    ['X-Shopify-*', (h: string) => ({ 'X-Shopify-Hmac-Sha256': h, 'X-Shopify-Webhook-Id': required.id, 'X-Shopify-Topic': required.topic })],
    ['shopify-*', (h: string) => ({ 'shopify-hmac-sha256': h, 'shopify-webhook-id': required.id, 'shopify-topic': required.topic })],
  ])('what the official library signs (%s), the scheme accepts; a forgery neither does', async (_name, headersFor) => {
    const official = getHmac(BODY, SECRET);
    expect(verifyWebhook(shopifyScheme, { body: BODY, headers: headersFor(official), secret: SECRET })).toMatchObject({ ok: true, id: required.id, type: required.topic });

    const forged = getHmac(BODY, 'shpss_someone_else');
    expect(verifyWebhook(shopifyScheme, { body: BODY, headers: headersFor(forged), secret: SECRET })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
    const tampered = BODY.replace('403.00', '0.01');
    expect(verifyWebhook(shopifyScheme, { body: tampered, headers: headersFor(official), secret: SECRET })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
    const extra = { 'X-Shopify-Shop-Domain': required.domain, 'X-Shopify-API-Version': required.apiVersion, 'shopify-shop-domain': required.domain, 'shopify-api-version': required.apiVersion };
    expect(await officialValidate({ ...headersFor(forged), ...extra })).toMatchObject({ valid: false, reason: 'invalid_hmac' });
    expect(await officialValidate({ ...headersFor(official), ...extra }, tampered)).toMatchObject({ valid: false, reason: 'invalid_hmac' });
  });
});
