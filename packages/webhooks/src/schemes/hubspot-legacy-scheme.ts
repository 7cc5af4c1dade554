import { createHash, timingSafeEqual } from 'node:crypto';
import { fail } from '../verify/verify-result.ts';
import { decodeSignature } from './hmac-tools.ts';
import { hubspotEventIdentity } from './hubspot-v3-scheme.ts';
import type { WebhookRequest, WebhookScheme, WebhookSecret } from './webhook-scheme.ts';

/** HubSpot's older signatures are a plain SHA-256 of the secret followed by the signed text, not an HMAC. */
function legacyHash(version: 'v1' | 'v2', secret: WebhookSecret, request: Pick<WebhookRequest, 'body' | 'method' | 'url'>): Buffer {
  const hash = createHash('sha256').update(secret);
  if (version === 'v2') hash.update(`${request.method ?? 'POST'}${request.url ?? ''}`);
  return hash.update(request.body).digest();
}

/**
 * HubSpot v1 and v2, which HubSpot still sends for legacy apps and workflow webhook actions:
 * `X-HubSpot-Signature` is the hex SHA-256 of `clientSecret + body` (`X-HubSpot-Signature-Version:
 * v1`) or of `clientSecret + method + URI + body` (`v2`, the URI exactly as called, scheme and query
 * included). Neither signs a timestamp, so a captured request can be replayed: the inbox's dedupe by
 * event id is the only guard. Prefer `hubspotV3Scheme` wherever HubSpot sends `X-HubSpot-Signature-v3`.
 */
export const hubspotLegacyScheme: WebhookScheme = {
  name: 'hubspot-legacy',
  requiresRequestLine: true,
  verify(request, { secrets }) {
    const header = request.header('x-hubspot-signature');
    if (header === undefined) return fail('missing-signature', 'X-HubSpot-Signature is missing.');
    const version = request.header('x-hubspot-signature-version')?.trim().toLowerCase();
    if (version !== 'v1' && version !== 'v2') {
      return fail('malformed-signature', `X-HubSpot-Signature-Version must be v1 or v2; got ${version === undefined ? 'none' : JSON.stringify(version)} (v3 deliveries are verified by hubspotV3Scheme).`);
    }
    const signature = decodeSignature(header.trim(), 'hex', 'sha256');
    if (signature === undefined) return fail('malformed-signature', 'X-HubSpot-Signature must be a hex SHA-256 digest (64 characters).');
    const secretIndex = secrets.findIndex((secret) => timingSafeEqual(legacyHash(version, secret, request), signature));
    if (secretIndex < 0) {
      return fail(
        'signature-mismatch',
        `X-HubSpot-Signature (${version}) does not match with any configured client secret.${version === 'v2' ? ' The URL must be the one HubSpot called, scheme, host and query included (check the public URL behind a proxy).' : ''}`,
      );
    }
    return { ok: true, ...hubspotEventIdentity(request.body), timestamp: undefined, secretIndex };
  },
  /** Signs v2 when the URL is known (as HubSpot's workflow actions do), else v1. */
  sign({ body, secret, method, url }) {
    const version = url === undefined ? 'v1' : 'v2';
    return { 'X-HubSpot-Signature': legacyHash(version, secret, { body, method, url }).toString('hex'), 'X-HubSpot-Signature-Version': version };
  },
};
