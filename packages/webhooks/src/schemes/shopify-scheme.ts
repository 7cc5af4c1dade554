import { fail } from '../verify/verify-result.ts';
import { decodeSignature, hmac, matchSecret } from './hmac-tools.ts';
import type { WebhookScheme } from './webhook-scheme.ts';

/**
 * Shopify: `X-Shopify-Hmac-Sha256`, the base64 HMAC-SHA256 of the raw body with the app's client
 * secret. The id is `X-Shopify-Webhook-Id` (the same on every retry of a delivery), or
 * `X-Shopify-Event-Id` when only that is sent; the type is `X-Shopify-Topic` (`orders/create`...).
 * Shopify signs no timestamp (`X-Shopify-Triggered-At` is not covered by the HMAC, so it is not trusted).
 */
export const shopifyScheme: WebhookScheme = {
  name: 'shopify',
  requiresRequestLine: false,
  verify(request, { secrets }) {
    const header = request.header('x-shopify-hmac-sha256');
    if (header === undefined) return fail('missing-signature', 'X-Shopify-Hmac-Sha256 is missing.');
    const signature = decodeSignature(header.trim(), 'base64', 'sha256');
    if (signature === undefined) return fail('malformed-signature', 'X-Shopify-Hmac-Sha256 must be a base64 SHA-256 digest (44 characters).');
    const secretIndex = matchSecret('sha256', secrets, [request.body], [signature]);
    if (secretIndex < 0) return fail('signature-mismatch', 'X-Shopify-Hmac-Sha256 does not match the body with any configured secret.');
    const id = request.header('x-shopify-webhook-id')?.trim() || request.header('x-shopify-event-id')?.trim();
    if (!id) return fail('missing-id', 'Neither X-Shopify-Webhook-Id nor X-Shopify-Event-Id is present.');
    return { ok: true, id, type: request.header('x-shopify-topic')?.trim() || undefined, timestamp: undefined, secretIndex };
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
