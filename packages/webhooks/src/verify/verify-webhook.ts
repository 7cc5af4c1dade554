import { randomUUID } from 'node:crypto';
import type { WebhookScheme, WebhookSecret } from '../schemes/webhook-scheme.ts';
import { headerGetter, type HeadersInput } from './headers.ts';
import { toBodyBuffer, type WebhookBody } from './raw-body.ts';
import { fail, type VerifyResult } from './verify-result.ts';

/** Five minutes, the window Stripe, Slack, HubSpot and Standard Webhooks document. */
export const DEFAULT_TOLERANCE_SEC = 300;
const MAX_ID_LENGTH = 256;

/** What `verifyWebhook` needs. Give `secret`, or `secrets` during a rotation (any one may match). */
export interface VerifyWebhookInput {
  /** The raw body exactly as received. */
  body: WebhookBody;
  headers: HeadersInput;
  secret?: WebhookSecret;
  secrets?: readonly WebhookSecret[];
  /** Allowed clock difference in seconds, in both directions. Default 300. */
  toleranceSec?: number;
  /** The current time (epoch ms or Date). Default `Date.now()`. */
  now?: number | Date;
  /** HTTP method; required by schemes that sign the request line (HubSpot v3). */
  method?: string;
  /** The full public URL the provider called; required by schemes that sign the request line. */
  url?: string;
}

/** Collects `secret`/`secrets` into one non-empty list, or throws a TypeError naming the fix. */
export function resolveSecrets(input: { secret?: WebhookSecret; secrets?: readonly WebhookSecret[] }, where: string): WebhookSecret[] {
  const secrets = [...(input.secret === undefined ? [] : [input.secret]), ...(input.secrets ?? [])];
  if (secrets.length === 0) throw new TypeError(`${where}: no secret configured. Pass \`secret\`, or \`secrets\` with the new and the old secret during a rotation.`);
  for (const secret of secrets) {
    if ((typeof secret !== 'string' && !(secret instanceof Uint8Array)) || secret.length === 0) {
      throw new TypeError(`${where}: every secret must be a non-empty string or Uint8Array (an empty environment variable?).`);
    }
  }
  return secrets;
}

export function resolveTolerance(toleranceSec: number | undefined, where: string): number {
  const value = toleranceSec ?? DEFAULT_TOLERANCE_SEC;
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${where}: toleranceSec must be a number of seconds > 0; got ${String(toleranceSec)}.`);
  return value;
}

/**
 * Checks a delivery's signature with one of the configured secrets, the signed timestamp against the
 * tolerance window (too old and too far in the future), and reads the event id and type.
 * Never throws for anything the sender controls: a bad delivery is a `{ ok: false, reason }` result.
 * Throws a TypeError only for misconfiguration (no secret, missing `method`/`url` for HubSpot).
 */
export function verifyWebhook(scheme: WebhookScheme, input: VerifyWebhookInput): VerifyResult {
  const where = `verifyWebhook(${scheme.name})`;
  const secrets = resolveSecrets(input, where);
  const toleranceSec = resolveTolerance(input.toleranceSec, where);
  if (scheme.requiresRequestLine && (!input.method || !input.url)) {
    throw new TypeError(`${where}: this scheme signs the HTTP method and the full URL; pass \`method\` and \`url\` (as the provider called it, e.g. https://example.com/webhooks/hubspot?x=1).`);
  }
  const nowMs = input.now === undefined ? Date.now() : typeof input.now === 'number' ? input.now : input.now.getTime();
  return verifyNormalised(scheme, {
    body: toBodyBuffer(input.body),
    header: headerGetter(input.headers),
    method: input.method?.toUpperCase(),
    url: input.url,
  }, { secrets, toleranceSec, nowMs });
}

/** The shared tail of every verification: the scheme, then the checks every inbox relies on. */
export function verifyNormalised(
  scheme: WebhookScheme,
  request: Parameters<WebhookScheme['verify']>[0],
  options: Parameters<WebhookScheme['verify']>[1],
): VerifyResult {
  let result: VerifyResult;
  try {
    result = scheme.verify(request, options);
  } catch (error) {
    return fail('verification-error', `The ${scheme.name} scheme failed on this delivery: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (result.ok && (result.id.length === 0 || result.id.length > MAX_ID_LENGTH)) {
    return fail('malformed-id', `The event id must be 1 to ${MAX_ID_LENGTH} characters; got ${result.id.length}.`);
  }
  return result;
}

/** What `signWebhook` needs to produce a provider's headers. */
export interface SignWebhookInput {
  body: WebhookBody;
  secret: WebhookSecret;
  /** When it was signed (epoch ms or Date). Default now. */
  timestamp?: number | Date;
  /** Delivery id for schemes that carry it in a header (GitHub, Shopify, Standard Webhooks). Default a random UUID. */
  id?: string;
  /** Event type for schemes that carry it in a header (GitHub, Shopify). */
  type?: string;
  /** For schemes that sign the request line (HubSpot v3). Default `POST`. */
  method?: string;
  url?: string;
}

/**
 * The headers a provider would send for this body, signed with `secret`. Use it to test your
 * endpoint, or to sign payloads in `@connectors/testing` scenarios.
 * @throws TypeError when the scheme signs the URL (HubSpot v3 and v2, an `hmacScheme` with
 * `requiresRequestLine`) and no `url` is given.
 */
export function signWebhook(scheme: WebhookScheme, input: SignWebhookInput): Record<string, string> {
  const [secret] = resolveSecrets({ secret: input.secret }, `signWebhook(${scheme.name})`);
  // Whether the URL is needed is the scheme's to say: HubSpot's legacy scheme signs v1 without one.
  const timestampMs = input.timestamp === undefined ? Date.now() : typeof input.timestamp === 'number' ? input.timestamp : input.timestamp.getTime();
  return scheme.sign({
    body: toBodyBuffer(input.body),
    secret: secret!,
    timestampMs,
    id: input.id ?? randomUUID(),
    type: input.type,
    method: (input.method ?? 'POST').toUpperCase(),
    url: input.url,
  });
}
