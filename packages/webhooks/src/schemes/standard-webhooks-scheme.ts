import { fail } from '../verify/verify-result.ts';
import { checkTimestamp, decodeSignature, hmac, isRecord, matchSecret, parseEpoch, parseJson, stringField } from './hmac-tools.ts';
import type { WebhookScheme, WebhookSecret } from './webhook-scheme.ts';

const SECRET_PREFIX = 'whsec_';

/** A `whsec_<base64>` secret is the base64 of the key bytes; raw bytes are used as they are. */
export function standardWebhooksKey(secret: WebhookSecret): Buffer | Uint8Array {
  if (typeof secret !== 'string') return secret;
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return Buffer.from(encoded, 'base64');
}

/**
 * Standard Webhooks (also Svix, Resend, Clerk...): `webhook-id`, `webhook-timestamp` (seconds),
 * `webhook-signature: v1,<base64> [v1,<base64> ...]` (space separated, one per active secret),
 * HMAC-SHA256 over `${id}.${timestamp}.${body}` keyed with the base64-decoded `whsec_` secret.
 * The type is the payload's top-level `type`, when present. Asymmetric `v1a` signatures are not supported.
 */
export const standardWebhooksScheme: WebhookScheme = {
  name: 'standard-webhooks',
  requiresRequestLine: false,
  verify(request, { secrets, toleranceSec, nowMs }) {
    const header = request.header('webhook-signature');
    if (header === undefined) return fail('missing-signature', 'webhook-signature is missing.');
    const id = request.header('webhook-id')?.trim();
    if (!id) return fail('missing-id', 'webhook-id is missing.');
    const timestampText = request.header('webhook-timestamp')?.trim();
    if (timestampText === undefined) return fail('missing-timestamp', 'webhook-timestamp is missing.');
    const timestampMs = parseEpoch(timestampText, 's');
    if (timestampMs === undefined) return fail('malformed-timestamp', 'webhook-timestamp must be a whole number of seconds.');
    const signatures: Buffer[] = [];
    let v1Count = 0;
    for (const item of header.split(' ')) {
      if (!item.startsWith('v1,')) continue;
      v1Count++;
      const decoded = decodeSignature(item.slice(3), 'base64', 'sha256');
      if (decoded !== undefined) signatures.push(decoded);
    }
    if (v1Count === 0) return fail('missing-signature', 'webhook-signature has no `v1,` signature (asymmetric `v1a` is not supported).');
    if (signatures.length === 0) return fail('malformed-signature', 'No `v1,` value in webhook-signature is a base64 SHA-256 digest.');
    const late = checkTimestamp(timestampMs, nowMs, toleranceSec);
    if (late) return late;
    const secretIndex = matchSecret('sha256', secrets.map(standardWebhooksKey), [`${id}.${timestampText}.`, request.body], signatures);
    if (secretIndex < 0) return fail('signature-mismatch', 'No `v1` signature in webhook-signature matches with any configured secret.');
    // The type is optional metadata, so a body that is not a JSON object is still a valid delivery.
    const json = request.body[0] === 0x7b ? parseJson(request.body) : undefined;
    const type = isRecord(json) ? stringField(json, 'type') : undefined;
    return { ok: true, id, type, timestamp: new Date(timestampMs), secretIndex };
  },
  sign({ body, secret, timestampMs, id }) {
    const t = String(Math.floor(timestampMs / 1000));
    return {
      'webhook-id': id,
      'webhook-timestamp': t,
      'webhook-signature': `v1,${hmac('sha256', standardWebhooksKey(secret), [`${id}.${t}.`, body]).toString('base64')}`,
    };
  },
};
