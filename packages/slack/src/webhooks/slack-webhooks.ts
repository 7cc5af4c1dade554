import { validate } from '@connectors/core';
import { slackScheme, verifyWebhook, type HeadersInput, type VerificationFailure, type VerifyWebhookInput, type WebhookBody } from '@connectors/webhooks';
import {
  eventsApiPayloadSchema,
  interactionPayloadSchema,
  slashCommandSchema,
  type EventsApiPayload,
  type InteractionPayload,
  type SlashCommand,
} from './slack-webhook-schemas.ts';

export { slackScheme };

/** What Slack POSTs to your Request URLs, once decoded and typed. */
export type SlackWebhookPayload =
  /** Events API (JSON): `event_callback`, `url_verification`, `app_rate_limited`. */
  | { kind: 'events-api'; payload: EventsApiPayload }
  /** Interactivity (form field `payload=` holding JSON): buttons, modals, shortcuts. */
  | { kind: 'interaction'; payload: InteractionPayload }
  /** A slash command (form fields). */
  | { kind: 'slash-command'; payload: SlashCommand };

/** Slack's redelivery headers: it retries an event up to 3 times when your endpoint fails or is slow (over 3 s). */
export interface SlackRetry {
  /** 1, 2 or 3 (`X-Slack-Retry-Num`). */
  num: number;
  /** `http_timeout`, `http_error`, `connection_failed`... (`X-Slack-Retry-Reason`). */
  reason: string | undefined;
}

export type SlackWebhookResult =
  | ({
      ok: true;
      /** `event_id` for Events API deliveries (stable across retries: deduplicate on it), `trigger_id` for interactions and commands. */
      id: string;
      /** When Slack signed it (`X-Slack-Request-Timestamp`). */
      signedAt: Date | undefined;
      secretIndex: number;
      /** Present on a redelivery. */
      retry: SlackRetry | undefined;
    } & SlackWebhookPayload)
  | VerificationFailure;

function text(body: WebhookBody): string {
  if (typeof body === 'string') return body;
  return Buffer.from(body instanceof ArrayBuffer ? new Uint8Array(body) : body).toString('utf8');
}

function header(headers: HeadersInput, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers as Readonly<Record<string, string | readonly string[] | undefined>>)) {
    if (key.toLowerCase() === name) return typeof value === 'string' ? value : value?.[0];
  }
  return undefined;
}

/** Reads Slack's redelivery headers, if any. */
export function slackRetryOf(headers: HeadersInput): SlackRetry | undefined {
  const num = Number(header(headers, 'x-slack-retry-num'));
  if (!Number.isInteger(num) || num < 1) return undefined;
  return { num, reason: header(headers, 'x-slack-retry-reason') };
}

const context = (operation: string) => ({ connector: 'slack', operation, direction: 'response' as const, drift: 'report' as const });

/**
 * Decodes and types a delivery Slack signed: Events API JSON, an interactivity `payload=` form field,
 * or slash-command form fields. Verify the signature first (`verifySlackWebhook` does both).
 * @throws SchemaValidationError naming the field that is not what Slack documents.
 */
export async function parseSlackWebhook(body: WebhookBody): Promise<SlackWebhookPayload> {
  const raw = text(body);
  if (raw.trimStart().startsWith('{')) return { kind: 'events-api', payload: await validate(eventsApiPayloadSchema, JSON.parse(raw), context('webhooks.events-api')) };
  const form = new URLSearchParams(raw);
  const payload = form.get('payload');
  if (payload !== null) return { kind: 'interaction', payload: await validate(interactionPayloadSchema, JSON.parse(payload), context('webhooks.interaction')) };
  return { kind: 'slash-command', payload: await validate(slashCommandSchema, Object.fromEntries(form), context('webhooks.slash-command')) };
}

/**
 * Checks `X-Slack-Signature` (`v0=` HMAC-SHA256 of `v0:${timestamp}:${body}` with your app's signing
 * secret) and the timestamp window (default 5 minutes, both directions) with `slackScheme`, then
 * decodes and types the payload. A forged, tampered or stale delivery is `{ ok: false, reason }`.
 * For durable receiving use `createWebhookInbox({ sources: { slack: { scheme: slackScheme, secret } } })`:
 * it answers `url_verification`, stores each `event_id` once (Slack's retries become duplicates) and
 * acknowledges within Slack's 3 seconds; then parse the stored body with `parseSlackWebhook`.
 * @example
 * const result = await verifySlackWebhook({ body: rawBody, headers: req.headers, secret: process.env.SLACK_SIGNING_SECRET! });
 * if (!result.ok) return res.status(401).end();
 * if (result.kind === 'events-api' && result.payload.type === 'event_callback') handle(result.payload.event);
 */
export async function verifySlackWebhook(input: Omit<VerifyWebhookInput, 'method' | 'url'>): Promise<SlackWebhookResult> {
  const verified = verifyWebhook(slackScheme, input);
  if (!verified.ok) return verified;
  const decoded = await parseSlackWebhook(input.body);
  return { ok: true, id: verified.id, signedAt: verified.timestamp, secretIndex: verified.secretIndex, retry: slackRetryOf(input.headers), ...decoded };
}
