import { fail } from '../verify/verify-result.ts';
import { checkTimestamp, contentHashId, decodeSignature, hmac, isRecord, matchSecret, parseEpoch, parseJson, stringField } from './hmac-tools.ts';
import type { HandshakeResponse, WebhookRequest, WebhookScheme } from './webhook-scheme.ts';

const PREFIX = 'v0=';

interface SlackIdentity {
  id: string;
  type: string | undefined;
  challenge?: string;
}

/**
 * Slack sends no delivery id header. Events API bodies carry `event_id` (stable across Slack's
 * retries); slash commands and interactivity are form-encoded and carry a `trigger_id`. Anything
 * else is identified by a hash of its bytes.
 */
function identify(body: Buffer): SlackIdentity {
  if (body[0] === 0x7b /* { */) {
    const json = parseJson(body);
    if (isRecord(json)) {
      const type = stringField(json, 'type');
      if (type === 'url_verification') return { id: contentHashId(body), type, challenge: stringField(json, 'challenge') ?? '' };
      const event = isRecord(json.event) ? json.event : undefined;
      const eventId = stringField(json, 'event_id');
      return { id: eventId ?? contentHashId(body), type: (event && stringField(event, 'type')) ?? type };
    }
  }
  const form = new URLSearchParams(body.toString('utf8'));
  const payload = form.get('payload');
  if (payload !== null) {
    const json = parseJson(Buffer.from(payload, 'utf8'));
    if (isRecord(json)) {
      return { id: stringField(json, 'trigger_id') ?? contentHashId(body), type: stringField(json, 'type') };
    }
  }
  if (form.has('command')) return { id: form.get('trigger_id') || contentHashId(body), type: 'slash_command' };
  return { id: contentHashId(body), type: undefined };
}

/**
 * Slack: `X-Slack-Signature: v0=<hex>`, HMAC-SHA256 over `v0:${X-Slack-Request-Timestamp}:${body}`,
 * timestamp in seconds. The id is the Events API `event_id`, a slash command's or interaction's
 * `trigger_id`, or a hash of the body. The type is the inner event's type (`message`, `app_mention`...),
 * `slash_command`, or the interaction type. A verified `url_verification` request is answered with its
 * challenge by the inbox and not stored; so is a slash command URL's `ssl_check=1` (with an empty 200).
 */
export const slackScheme: WebhookScheme = {
  name: 'slack',
  requiresRequestLine: false,
  verify(request, { secrets, toleranceSec, nowMs }) {
    const header = request.header('x-slack-signature');
    if (header === undefined) return fail('missing-signature', 'X-Slack-Signature is missing.');
    const timestampText = request.header('x-slack-request-timestamp')?.trim();
    if (timestampText === undefined) return fail('missing-timestamp', 'X-Slack-Request-Timestamp is missing.');
    const timestampMs = parseEpoch(timestampText, 's');
    if (timestampMs === undefined) return fail('malformed-timestamp', 'X-Slack-Request-Timestamp must be a whole number of seconds.');
    const text = header.trim();
    const signature = text.startsWith(PREFIX) ? decodeSignature(text.slice(PREFIX.length), 'hex', 'sha256') : undefined;
    if (signature === undefined) return fail('malformed-signature', 'X-Slack-Signature must be `v0=` followed by 64 hex digits.');
    const late = checkTimestamp(timestampMs, nowMs, toleranceSec);
    if (late) return late;
    const secretIndex = matchSecret('sha256', secrets, [`v0:${timestampText}:`, request.body], [signature]);
    if (secretIndex < 0) return fail('signature-mismatch', 'X-Slack-Signature does not match the body with any configured signing secret.');
    const { id, type } = identify(request.body);
    return { ok: true, id, type, timestamp: new Date(timestampMs), secretIndex };
  },
  sign({ body, secret, timestampMs }) {
    const t = String(Math.floor(timestampMs / 1000));
    return {
      'X-Slack-Signature': `${PREFIX}${hmac('sha256', secret, [`v0:${t}:`, body]).toString('hex')}`,
      'X-Slack-Request-Timestamp': t,
    };
  },
  handshake(request: WebhookRequest): HandshakeResponse | undefined {
    // Slack's periodic certificate check on a slash command URL: answered, never stored as an event.
    if (request.body[0] !== 0x7b) {
      return new URLSearchParams(request.body.toString('utf8')).get('ssl_check') === '1' ? { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '' } : undefined;
    }
    const identity = identify(request.body);
    if (identity.challenge === undefined) return undefined;
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: identity.challenge };
  },
};
