import { fail } from '../verify/verify-result.ts';
import { checkTimestamp, decodeSignature, headerTooLong, hmac, MAX_SIGNATURES, isRecord, matchSecret, parseEpoch, parseJson, stringField } from './hmac-tools.ts';
import type { WebhookScheme } from './webhook-scheme.ts';

/**
 * Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...][,v0=...]`, HMAC-SHA256 (hex) over
 * `${t}.${body}`. Any `v1` may match (Stripe sends one per active secret while you roll it); `v0`
 * is ignored. Unlike stripe-node, timestamps too far in the future are rejected as well.
 * The event id and type are the body's top-level `id` and `type`, read after the signature matched.
 */
export const stripeScheme: WebhookScheme = {
  name: 'stripe',
  requiresRequestLine: false,
  verify(request, { secrets, toleranceSec, nowMs }) {
    const header = request.header('stripe-signature');
    if (header === undefined) return fail('missing-signature', 'Stripe-Signature is missing.');
    const tooLong = headerTooLong('Stripe-Signature', header);
    if (tooLong) return tooLong;
    let timestampText: string | undefined;
    const signatures: Buffer[] = [];
    let v1Count = 0;
    for (const item of header.split(',')) {
      const eq = item.indexOf('=');
      if (eq < 0) continue;
      const key = item.slice(0, eq).trim();
      const value = item.slice(eq + 1).trim();
      if (key === 't') timestampText ??= value;
      else if (key === 'v1') {
        // Only the first few are examined: Stripe sends one per active secret.
        if (++v1Count > MAX_SIGNATURES) continue;
        const decoded = decodeSignature(value, 'hex', 'sha256');
        if (decoded !== undefined) signatures.push(decoded);
      }
    }
    if (timestampText === undefined) return fail('missing-timestamp', 'Stripe-Signature has no `t=` timestamp.');
    const timestampMs = parseEpoch(timestampText, 's');
    if (timestampMs === undefined) return fail('malformed-timestamp', 'Stripe-Signature `t=` must be a whole number of seconds.');
    if (v1Count === 0) return fail('missing-signature', 'Stripe-Signature has no `v1=` signature (test-mode `v0` signatures are not accepted).');
    if (signatures.length === 0) return fail('malformed-signature', 'No `v1=` value in Stripe-Signature is 64 hex digits.');
    const late = checkTimestamp(timestampMs, nowMs, toleranceSec);
    if (late) return late;
    const secretIndex = matchSecret('sha256', secrets, [`${timestampText}.`, request.body], signatures);
    if (secretIndex < 0) return fail('signature-mismatch', 'No `v1` signature in Stripe-Signature matches the body with any configured secret.');
    const event = parseJson(request.body);
    if (!isRecord(event)) return fail('malformed-body', 'The body is not a JSON object, so it is not a Stripe event.');
    const id = stringField(event, 'id');
    if (id === undefined) return fail('missing-id', 'The Stripe event has no `id`.');
    return { ok: true, id, type: stringField(event, 'type'), timestamp: new Date(timestampMs), secretIndex };
  },
  sign({ body, secret, timestampMs }) {
    const t = String(Math.floor(timestampMs / 1000));
    return { 'Stripe-Signature': `t=${t},v1=${hmac('sha256', secret, [`${t}.`, body]).toString('hex')}` };
  },
};
