import { fail } from '../verify/verify-result.ts';
import type { HeaderGetter } from '../verify/headers.ts';
import { decodeSignature, hmac, matchSecret } from './hmac-tools.ts';
import type { WebhookScheme } from './webhook-scheme.ts';

/**
 * A Shopify header under either of its names: `X-Shopify-Topic` (webhooks as Shopify has always
 * sent them) or `shopify-topic` (the lower-case names without `X-` that Shopify's newer deliveries
 * use; `@shopify/shopify-api` reads both, `ShopifyHeader` and `ShopifyEventsHeader`). The `X-` name
 * wins when a delivery carries both.
 */
function shopifyHeader(header: HeaderGetter, name: string): string | undefined {
  const value = header(`x-shopify-${name}`) ?? header(`shopify-${name}`);
  const trimmed = value?.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * Shopify: `X-Shopify-Hmac-Sha256` (or `shopify-hmac-sha256`), the base64 HMAC-SHA256 of the raw
 * body with the app's client secret. The id is `X-Shopify-Webhook-Id` (the same on every retry of a
 * delivery, so the inbox deduplicates on it), or `X-Shopify-Event-Id` when only that is sent; the
 * type is `X-Shopify-Topic` (`orders/create`...). Each is also read under its lower-case
 * `shopify-*` name. Shopify signs no timestamp (`X-Shopify-Triggered-At` is not covered by the
 * HMAC, so it is not trusted).
 * https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-2-validate-the-origin-of-your-webhook-to-ensure-its-coming-from-shopify
 */
export const shopifyScheme: WebhookScheme = {
  name: 'shopify',
  requiresRequestLine: false,
  verify(request, { secrets }) {
    const header = shopifyHeader(request.header, 'hmac-sha256');
    if (header === undefined) return fail('missing-signature', 'X-Shopify-Hmac-Sha256 (or shopify-hmac-sha256) is missing.');
    const signature = decodeSignature(header, 'base64', 'sha256');
    if (signature === undefined) return fail('malformed-signature', 'X-Shopify-Hmac-Sha256 must be a base64 SHA-256 digest (44 characters).');
    const secretIndex = matchSecret('sha256', secrets, [request.body], [signature]);
    if (secretIndex < 0) return fail('signature-mismatch', 'X-Shopify-Hmac-Sha256 does not match the body with any configured secret.');
    const id = shopifyHeader(request.header, 'webhook-id') ?? shopifyHeader(request.header, 'event-id');
    if (!id) return fail('missing-id', 'Neither X-Shopify-Webhook-Id nor X-Shopify-Event-Id (nor their shopify-* forms) is present.');
    return { ok: true, id, type: shopifyHeader(request.header, 'topic'), timestamp: undefined, secretIndex };
  },
  sign({ body, secret, id, type }) {
    const headers: Record<string, string> = {
      'X-Shopify-Hmac-Sha256': hmac('sha256', secret, [body]).toString('base64'),
      'X-Shopify-Webhook-Id': id,
    };
    if (type !== undefined) headers['X-Shopify-Topic'] = type;
    return headers;
  },
};
