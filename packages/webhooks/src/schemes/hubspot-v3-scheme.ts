import { createHash } from 'node:crypto';
import { fail } from '../verify/verify-result.ts';
import { checkTimestamp, contentHashId, decodeSignature, hmac, isRecord, matchSecret, parseEpoch, parseJson } from './hmac-tools.ts';
import type { WebhookScheme } from './webhook-scheme.ts';

/** HubSpot signs the URI with these escapes decoded (and only these), per its request-validation docs. */
const DECODED_ESCAPES: Record<string, string> = {
  '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$',
  '%27': "'", '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';',
};

/** The request URI as HubSpot signs it. */
export function hubspotSignedUri(url: string): string {
  return url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (escape) => DECODED_ESCAPES[escape.toUpperCase()] ?? escape);
}

/**
 * A webhook request carries a batch of events (a JSON array, each with `eventId` and
 * `subscriptionType`) and no delivery id. The id is the single event's id, or a hash of the batch's
 * event ids (stable across HubSpot's retries, whose bodies differ only in `attemptNumber`).
 */
export function hubspotEventIdentity(body: Buffer): { id: string; type: string | undefined } {
  const json = parseJson(body);
  const events = Array.isArray(json) ? json.filter(isRecord) : isRecord(json) ? [json] : [];
  const ids = events.map((event) => event.eventId).filter((id) => typeof id === 'number' || (typeof id === 'string' && id !== ''));
  if (ids.length === 0 || ids.length !== events.length) return { id: contentHashId(body), type: undefined };
  const types = new Set(events.map((event) => event.subscriptionType).filter((t): t is string => typeof t === 'string'));
  const type = types.size === 1 ? [...types][0] : types.size > 1 ? 'batch' : undefined;
  if (ids.length === 1) return { id: String(ids[0]), type };
  return { id: `batch:${createHash('sha256').update(ids.map(String).join(',')).digest('hex')}`, type };
}

/**
 * Why this body is not one HubSpot sends, or undefined. HubSpot POSTs JSON (an array of events from
 * the webhooks API, an object from workflow actions) and sends GET requests (v2 workflow and card
 * fetches) without a body. The signed text joins method, URL, body (and timestamp) with no
 * separator, so bytes could move between URL and body and still verify; a body that must parse as a
 * JSON array or object (or be empty without a POST) leaves no room for that, and a v2 delivery
 * relabelled v1 (whose body would start with the method and URL) is refused too.
 */
export function hubspotBodyProblem(method: string | undefined, body: Buffer): string | undefined {
  if ((method ?? 'POST') !== 'POST') return body.length === 0 ? undefined : `HubSpot sends ${method} requests without a body; this one has ${body.length} bytes.`;
  const first = body[0];
  if ((first !== 0x5b /* [ */ && first !== 0x7b /* { */) || !isJsonContainer(parseJson(body))) {
    return 'HubSpot POSTs a JSON array or object; this body is not one (nothing before the opening bracket either).';
  }
  return undefined;
}

function isJsonContainer(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

/**
 * HubSpot v3: `X-HubSpot-Signature-v3`, the base64 HMAC-SHA256 (key: the app's client secret) of
 * `method + URI + body + X-HubSpot-Request-Timestamp`, where the timestamp is in MILLISECONDS and the
 * URI is the full URL called, with a few escapes decoded. Needs `method` and `url` in the verify
 * input; the inbox passes them. Requests older than the tolerance (5 minutes) are rejected.
 */
export const hubspotV3Scheme: WebhookScheme = {
  name: 'hubspot-v3',
  requiresRequestLine: true,
  verify(request, { secrets, toleranceSec, nowMs }) {
    const header = request.header('x-hubspot-signature-v3');
    if (header === undefined) return fail('missing-signature', 'X-HubSpot-Signature-v3 is missing.');
    const timestampText = request.header('x-hubspot-request-timestamp')?.trim();
    if (timestampText === undefined) return fail('missing-timestamp', 'X-HubSpot-Request-Timestamp is missing.');
    const timestampMs = parseEpoch(timestampText, 'ms');
    if (timestampMs === undefined) return fail('malformed-timestamp', 'X-HubSpot-Request-Timestamp must be whole milliseconds since the epoch.');
    const signature = decodeSignature(header.trim(), 'base64', 'sha256');
    if (signature === undefined) return fail('malformed-signature', 'X-HubSpot-Signature-v3 must be a base64 SHA-256 digest (44 characters).');
    const late = checkTimestamp(timestampMs, nowMs, toleranceSec);
    if (late) return late;
    const method = request.method ?? 'POST';
    const uri = hubspotSignedUri(request.url ?? '');
    const secretIndex = matchSecret('sha256', secrets, [method, uri, request.body, timestampText], [signature]);
    if (secretIndex < 0) {
      return fail('signature-mismatch', 'X-HubSpot-Signature-v3 does not match with any configured secret. The URL must be the one HubSpot called, scheme and host included (check the public URL behind a proxy).');
    }
    const problem = hubspotBodyProblem(method, request.body);
    if (problem) return fail('malformed-body', problem);
    return { ok: true, ...hubspotEventIdentity(request.body), timestamp: new Date(timestampMs), secretIndex };
  },
  sign({ body, secret, timestampMs, method, url }) {
    if (!url) throw new TypeError('hubspotV3Scheme.sign: v3 signs the full URL; pass `url`.');
    const t = String(Math.floor(timestampMs));
    return {
      'X-HubSpot-Signature-v3': hmac('sha256', secret, [method ?? 'POST', hubspotSignedUri(url ?? ''), body, t]).toString('base64'),
      'X-HubSpot-Request-Timestamp': t,
    };
  },
};
