import { createHash, timingSafeEqual } from 'node:crypto';
import { fail } from '../verify/verify-result.ts';
import { decodeSignature } from './hmac-tools.ts';
import { hubspotBodyProblem, hubspotEventIdentity } from './hubspot-v3-scheme.ts';
import type { WebhookRequest, WebhookScheme, WebhookSecret } from './webhook-scheme.ts';

/** The legacy signature versions HubSpot documents. */
export type HubspotLegacyVersion = 'v1' | 'v2';

/** HubSpot's older signatures are a plain SHA-256 of the secret followed by the signed text, not an HMAC. */
function legacyHash(version: HubspotLegacyVersion, secret: WebhookSecret, request: Pick<WebhookRequest, 'body' | 'method' | 'url'>): Buffer {
  const hash = createHash('sha256').update(secret);
  if (version === 'v2') hash.update(`${request.method ?? 'POST'}${request.url ?? ''}`);
  return hash.update(request.body).digest();
}

function legacyScheme(versions: readonly HubspotLegacyVersion[]): WebhookScheme {
  const pinned = versions.length === 1 ? versions[0] : undefined;
  return {
    name: pinned ? `hubspot-legacy-${pinned}` : 'hubspot-legacy',
    // v1 signs only the body; a scheme pinned to v1 needs no request line.
    requiresRequestLine: versions.includes('v2'),
    verify(request, { secrets }) {
      const header = request.header('x-hubspot-signature');
      if (header === undefined) return fail('missing-signature', 'X-HubSpot-Signature is missing.');
      const version = request.header('x-hubspot-signature-version')?.trim().toLowerCase();
      if (version !== 'v1' && version !== 'v2') {
        return fail('malformed-signature', `X-HubSpot-Signature-Version must be ${versions.join(' or ')}; got ${version === undefined ? 'none' : JSON.stringify(version)} (v3 deliveries are verified by hubspotV3Scheme).`);
      }
      if (!versions.includes(version)) {
        // A v2 delivery relabelled v1 (body = method + URL + body) would otherwise verify.
        return fail('malformed-signature', `X-HubSpot-Signature-Version is ${version}, but this endpoint is pinned to ${versions.join(' or ')} (hubspotLegacySchemeFor).`);
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
      // v1 signs no method: HubSpot's v1 deliveries (webhooks API) are always JSON POSTs.
      const problem = hubspotBodyProblem(version === 'v1' ? 'POST' : request.method, request.body);
      if (problem) return fail('malformed-body', problem);
      return { ok: true, ...hubspotEventIdentity(request.body), timestamp: undefined, secretIndex };
    },
    /** Signs the pinned version; unpinned, v2 when the URL is known (as HubSpot's workflow actions do), else v1. */
    sign({ body, secret, method, url }) {
      const version = pinned ?? (url === undefined ? 'v1' : 'v2');
      if (version === 'v2' && !url) throw new TypeError('hubspotLegacySchemeFor(\'v2\').sign: v2 signs the full URL; pass `url`.');
      return { 'X-HubSpot-Signature': legacyHash(version, secret, { body, method, url }).toString('hex'), 'X-HubSpot-Signature-Version': version };
    },
  };
}

/**
 * HubSpot v1 and v2, which HubSpot still sends for legacy apps and workflow webhook actions:
 * `X-HubSpot-Signature` is the hex SHA-256 of `clientSecret + body` (`X-HubSpot-Signature-Version:
 * v1`) or of `clientSecret + method + URI + body` (`v2`, the URI exactly as called, scheme and query
 * included). Neither signs a timestamp, so a captured request can be replayed: the inbox's dedupe by
 * event id is the only guard. POSTs must carry a JSON array or object, GETs no body (see
 * `hubspotBodyProblem`). This scheme accepts either version; pin the one your app receives with
 * `hubspotLegacySchemeFor('v1' | 'v2')`. Prefer `hubspotV3Scheme` wherever HubSpot sends `X-HubSpot-Signature-v3`.
 * Docs: https://developers.hubspot.com/docs/api/webhooks/validating-requests
 */
export const hubspotLegacyScheme: WebhookScheme = legacyScheme(['v1', 'v2']);

/**
 * `hubspotLegacyScheme` pinned to one version: a delivery labelled with the other is refused. The
 * webhooks API (CRM object events) sends v1; workflow webhook actions send v2.
 * `hubspotLegacySchemeFor('v1')` needs no `method`/`url` to verify or sign.
 * @throws TypeError for anything but `'v1'` or `'v2'`.
 */
export function hubspotLegacySchemeFor(version: HubspotLegacyVersion): WebhookScheme {
  if (version !== 'v1' && version !== 'v2') throw new TypeError(`hubspotLegacySchemeFor: version must be 'v1' or 'v2'; got ${JSON.stringify(version)}.`);
  return legacyScheme([version]);
}
