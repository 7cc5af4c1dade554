import { validate } from '@connectors/core';
import { shopifyScheme, verifyWebhook, type HeadersInput, type VerificationFailure, type VerifyWebhookInput } from '@connectors/webhooks';
import { shopifyWebhookSchemas, type ShopifyWebhookEvent, type ShopifyWebhookTopic } from './shopify-webhook-schemas.ts';

export { shopifyScheme };

/** What `verifyShopifyWebhook` returns. A bad delivery is a result, never an exception. */
export type ShopifyWebhookResult =
  | {
      ok: true;
      /** `X-Shopify-Webhook-Id`: the same on every retry of a delivery; use it as the idempotency key. */
      id: string;
      /** The topic (`orders/create`), and for a known topic the typed payload. */
      event: ShopifyWebhookEvent | { topic: string; payload: unknown };
      /** `X-Shopify-Shop-Domain`: which shop it is about (one app, many shops). */
      shopDomain: string | undefined;
      /** `X-Shopify-API-Version` the payload is shaped by. */
      apiVersion: string | undefined;
      /** Which configured secret matched: watch it while rotating the client secret. */
      secretIndex: number;
    }
  | VerificationFailure;

function header(headers: HeadersInput, name: string): string | undefined {
  const get = (n: string): string | undefined => {
    if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(n: string): string | null }).get(n) ?? undefined;
    const record = headers as Record<string, string | readonly string[] | undefined>;
    const key = Object.keys(record).find((k) => k.toLowerCase() === n);
    const value = key === undefined ? undefined : record[key];
    return Array.isArray(value) ? value.join(', ') : (value as string | undefined);
  };
  return get(`x-shopify-${name}`) ?? get(`shopify-${name}`);
}

/** True for a topic this package has a payload schema for. */
export function isKnownShopifyTopic(topic: string | undefined): topic is ShopifyWebhookTopic {
  return topic !== undefined && Object.hasOwn(shopifyWebhookSchemas, topic);
}

/**
 * Checks `X-Shopify-Hmac-Sha256` (or `shopify-hmac-sha256`) against the raw body with the app's
 * client secret, then types the payload by its topic. Pass the body exactly as received.
 * @example
 * const result = await verifyShopifyWebhook({ body: rawBody, headers: req.headers, secret: process.env.SHOPIFY_CLIENT_SECRET });
 * if (!result.ok) return res.status(401).send(result.reason);
 * if (result.event.topic === 'customers/redact') await redact(result.event.payload.customer.id);
 * @throws SchemaValidationError when the signature is valid but a known topic's payload is not what Shopify documents.
 */
export async function verifyShopifyWebhook(input: Omit<VerifyWebhookInput, 'method' | 'url'>): Promise<ShopifyWebhookResult> {
  const verified = verifyWebhook(shopifyScheme, input);
  if (!verified.ok) return verified;
  const body = input.body;
  const text = typeof body === 'string' ? body : Buffer.from(body instanceof ArrayBuffer ? new Uint8Array(body) : body).toString('utf8');
  const event = await parseShopifyWebhook(verified.type ?? '', JSON.parse(text));
  return { ok: true, id: verified.id, event, shopDomain: header(input.headers, 'shop-domain'), apiVersion: header(input.headers, 'api-version'), secretIndex: verified.secretIndex };
}

/**
 * Types a payload by its topic (e.g. from the inbox's stored event). Unknown topics come back untyped.
 * @throws SchemaValidationError naming the field that is not what Shopify documents.
 */
export async function parseShopifyWebhook(topic: string, payload: unknown): Promise<ShopifyWebhookEvent | { topic: string; payload: unknown }> {
  if (!isKnownShopifyTopic(topic)) return { topic, payload };
  const typed = await validate(shopifyWebhookSchemas[topic], payload, { connector: 'shopify', operation: `webhooks.${topic}`, direction: 'response', drift: 'report' });
  return { topic, payload: typed } as ShopifyWebhookEvent;
}
