import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import appUninstalled from './__fixtures__/app-uninstalled.json' with { type: 'json' };
import bulkFinish from './__fixtures__/bulk-operations-finish.json' with { type: 'json' };
import customersDataRequest from './__fixtures__/customers-data-request.json' with { type: 'json' };
import customersRedact from './__fixtures__/customers-redact.json' with { type: 'json' };
import ordersCreate from './__fixtures__/orders-create.json' with { type: 'json' };
import ordersUpdated from './__fixtures__/orders-updated.json' with { type: 'json' };
import productsUpdate from './__fixtures__/products-update.json' with { type: 'json' };
import shopRedact from './__fixtures__/shop-redact.json' with { type: 'json' };
import { SHOPIFY_COMPLIANCE_TOPICS } from './shopify-webhook-schemas.ts';
import { parseShopifyWebhook, verifyShopifyWebhook } from './shopify-webhooks.ts';

const SECRET = 'shpss_webhook_test_secret';
const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('base64');

describe('verifyShopifyWebhook', () => {
  it('verifies, reads shop and version, and types the payload by topic', async () => {
    const body = JSON.stringify(ordersCreate);
    const result = await verifyShopifyWebhook({
      body,
      headers: { 'X-Shopify-Hmac-Sha256': sign(body), 'X-Shopify-Webhook-Id': 'wh-1', 'X-Shopify-Topic': 'orders/create', 'X-Shopify-Shop-Domain': 'example.myshopify.com', 'X-Shopify-API-Version': '2026-10' },
      secret: SECRET,
    });
    expect(result).toMatchObject({ ok: true, id: 'wh-1', shopDomain: 'example.myshopify.com', apiVersion: '2026-10', event: { topic: 'orders/create' } });
    if (result.ok && result.event.topic === 'orders/create') expect((result.event.payload as { name: string }).name).toBe('#9999');
  });

  it('reads the lower-case shopify-* headers too', async () => {
    const body = JSON.stringify(shopRedact);
    const result = await verifyShopifyWebhook({ body, headers: { 'shopify-hmac-sha256': sign(body), 'shopify-webhook-id': 'wh-2', 'shopify-topic': 'shop/redact', 'shopify-shop-domain': 'example.myshopify.com' }, secret: SECRET });
    expect(result).toMatchObject({ ok: true, id: 'wh-2', shopDomain: 'example.myshopify.com', event: { topic: 'shop/redact', payload: { shop_id: 954889 } } });
  });

  it('returns a failure (no exception) for a forged delivery', async () => {
    const body = JSON.stringify(ordersCreate);
    const result = await verifyShopifyWebhook({ body, headers: { 'X-Shopify-Hmac-Sha256': createHmac('sha256', 'other').update(body).digest('base64'), 'X-Shopify-Webhook-Id': 'x' }, secret: SECRET });
    expect(result).toMatchObject({ ok: false, reason: 'signature-mismatch' });
  });
});

describe('parseShopifyWebhook', () => {
  it.each([
    ['orders/create', ordersCreate],
    ['orders/updated', ordersUpdated],
    ['products/update', productsUpdate],
    ['app/uninstalled', appUninstalled],
    ['customers/data_request', customersDataRequest],
    ['customers/redact', customersRedact],
    ['shop/redact', shopRedact],
    ['bulk_operations/finish', bulkFinish],
  ])('types the documented %s payload', async (topic, payload) => {
    await expect(parseShopifyWebhook(topic, payload)).resolves.toEqual({ topic, payload });
  });

  it('names the field of a payload that is not what Shopify documents', async () => {
    await expect(parseShopifyWebhook('customers/redact', { ...customersRedact, customer: { email: 'x' } })).rejects.toThrow(/customer\.id/);
  });

  it('passes unknown topics through untyped, and lists the compliance topics', async () => {
    await expect(parseShopifyWebhook('carts/create', { id: 1 })).resolves.toEqual({ topic: 'carts/create', payload: { id: 1 } });
    expect(SHOPIFY_COMPLIANCE_TOPICS).toEqual(['customers/data_request', 'customers/redact', 'shop/redact']);
  });
});
