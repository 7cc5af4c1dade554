import { createPrivateKey, createPublicKey, type KeyObject, sign as signBytes, verify as verifyBytes } from 'node:crypto';
import { fail } from '../verify/verify-result.ts';
import { checkTimestamp, decodeBytes, decodeSignature, headerTooLong, hmac, isRecord, MAX_SIGNATURES, matchSecret, parseEpoch, parseJson, stringField } from './hmac-tools.ts';
import type { WebhookScheme, WebhookSecret } from './webhook-scheme.ts';

const SECRET_PREFIX = 'whsec_';
const PUBLIC_KEY_PREFIX = 'whpk_';
const SIGNING_KEY_PREFIX = 'whsk_';
/** The PKCS#8 DER header of an Ed25519 private key (RFC 8410): followed by the 32-byte seed. */
const PKCS8_ED25519_SEED_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A `whsec_<base64>` secret is the base64 of the key bytes; raw bytes are used as they are. */
export function standardWebhooksKey(secret: WebhookSecret): Buffer | Uint8Array {
  if (typeof secret !== 'string') return secret;
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return Buffer.from(encoded, 'base64');
}

function isAsymmetric(secret: WebhookSecret): secret is string {
  return typeof secret === 'string' && (secret.startsWith(PUBLIC_KEY_PREFIX) || secret.startsWith(SIGNING_KEY_PREFIX));
}

/** The 32-byte Ed25519 seed of a `whsk_` key (the base64 of the seed, or of seed + public key). */
function signingKey(secret: string): KeyObject {
  const bytes = Buffer.from(secret.slice(SIGNING_KEY_PREFIX.length), 'base64');
  if (bytes.length !== 32 && bytes.length !== 64) throw new TypeError(`standard-webhooks: a whsk_ key must be the base64 of a 32-byte Ed25519 seed (or 64 bytes: seed and public key); got ${bytes.length} bytes`);
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_SEED_PREFIX, bytes.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
}

// Parsed keys by their text: verifying is the hot path, and a secret list rarely changes.
const publicKeys = new Map<string, KeyObject | undefined>();

/** The Ed25519 public key of a `whpk_` (or `whsk_`) secret; undefined when it is not one. */
function verifyingKey(secret: string): KeyObject | undefined {
  if (publicKeys.has(secret)) return publicKeys.get(secret);
  let key: KeyObject | undefined;
  try {
    if (secret.startsWith(SIGNING_KEY_PREFIX)) key = createPublicKey(signingKey(secret));
    else {
      const bytes = decodeBytes(secret.slice(PUBLIC_KEY_PREFIX.length), 'base64', 32);
      if (bytes) key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: bytes.toString('base64url') }, format: 'jwk' });
    }
  } catch {
    key = undefined;
  }
  if (publicKeys.size >= 256) publicKeys.clear();
  publicKeys.set(secret, key);
  return key;
}

/**
 * Standard Webhooks (also Svix, Resend, Clerk...): `webhook-id`, `webhook-timestamp` (seconds),
 * `webhook-signature: v1,<base64> [v1a,<base64> ...]` (space separated, one per active key), over
 * `${id}.${timestamp}.${body}`. Symmetric `v1` signatures are HMAC-SHA256 keyed with the
 * base64-decoded `whsec_` secret; asymmetric `v1a` signatures are Ed25519, checked with a `whpk_`
 * public key (the base64 of its 32 bytes). Secrets of both kinds may be configured together (a
 * move from one to the other). The type is the payload's top-level `type`, when present.
 */
export const standardWebhooksScheme: WebhookScheme = {
  name: 'standard-webhooks',
  requiresRequestLine: false,
  verify(request, { secrets, toleranceSec, nowMs }) {
    const header = request.header('webhook-signature');
    if (header === undefined) return fail('missing-signature', 'webhook-signature is missing.');
    const tooLong = headerTooLong('webhook-signature', header);
    if (tooLong) return tooLong;
    const id = request.header('webhook-id')?.trim();
    if (!id) return fail('missing-id', 'webhook-id is missing.');
    const timestampText = request.header('webhook-timestamp')?.trim();
    if (timestampText === undefined) return fail('missing-timestamp', 'webhook-timestamp is missing.');
    const timestampMs = parseEpoch(timestampText, 's');
    if (timestampMs === undefined) return fail('malformed-timestamp', 'webhook-timestamp must be a whole number of seconds.');
    const hasSymmetric = secrets.some((s) => !isAsymmetric(s));
    const hasAsymmetric = secrets.some(isAsymmetric);
    const symmetric: Buffer[] = [];
    const asymmetric: Buffer[] = [];
    let usable = 0;
    for (const item of header.split(' ')) {
      // Only the first few usable entries are examined (one per active key is what senders send), so
      // a header of well-formed garbage costs at most MAX_SIGNATURES Ed25519 checks per public key.
      if (usable >= MAX_SIGNATURES) break;
      if (hasSymmetric && item.startsWith('v1,')) {
        usable++;
        const decoded = decodeSignature(item.slice(3), 'base64', 'sha256');
        if (decoded !== undefined) symmetric.push(decoded);
      } else if (hasAsymmetric && item.startsWith('v1a,')) {
        usable++;
        const decoded = decodeBytes(item.slice(4), 'base64', 64);
        if (decoded !== undefined) asymmetric.push(decoded);
      }
    }
    if (usable === 0) {
      const wanted = [hasSymmetric && '`v1,` (for the whsec_ secrets)', hasAsymmetric && '`v1a,` (for the whpk_ public keys)'].filter(Boolean).join(' or ');
      return fail('missing-signature', `webhook-signature has no ${wanted} signature.`);
    }
    if (symmetric.length === 0 && asymmetric.length === 0) return fail('malformed-signature', 'No signature in webhook-signature is a well-formed base64 value (32 bytes for v1, 64 for v1a).');
    const late = checkTimestamp(timestampMs, nowMs, toleranceSec);
    if (late) return late;
    const prefix = `${id}.${timestampText}.`;
    let signed: Buffer | undefined;
    let secretIndex = -1;
    for (let i = 0; i < secrets.length && secretIndex < 0; i++) {
      const secret = secrets[i]!;
      if (!isAsymmetric(secret)) {
        if (symmetric.length > 0 && matchSecret('sha256', [standardWebhooksKey(secret)], [prefix, request.body], symmetric) === 0) secretIndex = i;
        continue;
      }
      const key = asymmetric.length > 0 ? verifyingKey(secret) : undefined;
      if (!key) continue;
      signed ??= Buffer.concat([Buffer.from(prefix), request.body]);
      if (asymmetric.some((signature) => verifyBytes(null, signed!, key, signature))) secretIndex = i;
    }
    if (secretIndex < 0) return fail('signature-mismatch', 'No signature in webhook-signature matches any configured secret or public key.');
    // The type is optional metadata, so a body that is not a JSON object is still a valid delivery.
    const json = request.body[0] === 0x7b ? parseJson(request.body) : undefined;
    const type = isRecord(json) ? stringField(json, 'type') : undefined;
    return { ok: true, id, type, timestamp: new Date(timestampMs), secretIndex };
  },
  /** Signs with a `whsec_` secret (`v1`) or a `whsk_` Ed25519 signing key (`v1a`). */
  sign({ body, secret, timestampMs, id }) {
    const t = String(Math.floor(timestampMs / 1000));
    const signature =
      typeof secret === 'string' && secret.startsWith(SIGNING_KEY_PREFIX)
        ? `v1a,${signBytes(null, Buffer.concat([Buffer.from(`${id}.${t}.`), body]), signingKey(secret)).toString('base64')}`
        : `v1,${hmac('sha256', standardWebhooksKey(secret), [`${id}.${t}.`, body]).toString('base64')}`;
    return { 'webhook-id': id, 'webhook-timestamp': t, 'webhook-signature': signature };
  },
};
