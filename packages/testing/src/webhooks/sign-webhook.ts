import { randomBytes, randomUUID } from 'node:crypto';

/** A secret as `@connectors/webhooks` takes it: text or raw key bytes. */
export type WebhookSecretInput = string | Uint8Array;

/**
 * The signing half of a `WebhookScheme` from `@connectors/webhooks` (`githubScheme`, `stripeScheme`,
 * `slackScheme`, `shopifyScheme`, `hubspotV3Scheme`, `standardWebhooksScheme`, any `hmacScheme(...)`).
 * Typed structurally so any of those, or a connector's own scheme, can be passed as is.
 */
export interface WebhookSigner {
  readonly name: string;
  readonly requiresRequestLine?: boolean;
  sign(input: {
    readonly body: Buffer;
    readonly secret: WebhookSecretInput;
    readonly timestampMs: number;
    readonly id: string;
    readonly type: string | undefined;
    readonly method: string | undefined;
    readonly url: string | undefined;
  }): Record<string, string>;
}

/**
 * How to spoil a delivery, to test that a receiver rejects it:
 * - `body`: signed, then the body changed (a man in the middle);
 * - `wrong-secret`: signed with another secret (a forgery);
 * - `stale`: signed an hour ago (a replay), only meaningful for schemes that sign a timestamp;
 * - `future`: signed an hour ahead (a forged or skewed timestamp).
 */
export type WebhookTamper = 'body' | 'wrong-secret' | 'stale' | 'future';

export interface SignWebhookOptions {
  /** An object (sent as JSON), or the raw body text/bytes. */
  payload: unknown;
  secret: WebhookSecretInput;
  /** Delivery or message id. Default: a random UUID. */
  id?: string;
  /** Event type, for schemes that put it in a header (GitHub `X-GitHub-Event`). */
  type?: string;
  /** When it was signed. Default: now. */
  timestamp?: Date | number;
  /**
   * Request line, for schemes that sign it (HubSpot v3, v2). Default `POST` and
   * `https://example.com/webhooks`. `url: null` signs without a URL: HubSpot's legacy scheme then
   * signs v1 (as does `hubspotLegacySchemeFor('v1')` whatever the URL).
   */
  method?: string;
  url?: string | null;
  tamper?: WebhookTamper;
}

/** A delivery ready to POST: raw body and headers (content-type included). */
export interface SignedWebhook {
  body: string;
  headers: Record<string, string>;
  id: string;
  timestampMs: number;
  method: string;
  url: string;
}

const HOUR_MS = 3_600_000;

/**
 * Signs a payload the way the provider would, so receiver tests need no hand-written HMAC. The
 * signature itself comes from the scheme's own `sign` (from `@connectors/webhooks`), so the tests
 * and the verifier cannot drift apart; this adds ids, timestamps, serialisation and tampering.
 *
 * @example
 * import { githubScheme } from '@connectors/webhooks';
 * const delivery = signWebhookFor(githubScheme, { payload: { action: 'opened' }, secret: 'it-is-a-secret', type: 'issues' });
 * await fetch(receiverUrl, { method: 'POST', headers: delivery.headers, body: delivery.body });
 */
export function signWebhookFor(scheme: WebhookSigner, options: SignWebhookOptions): SignedWebhook {
  if (!scheme || typeof scheme.sign !== 'function') {
    throw new TypeError('signWebhookFor: `scheme` must be a webhook scheme with a sign() method, e.g. githubScheme from @connectors/webhooks');
  }
  if (options.secret === undefined || options.secret.length === 0) {
    throw new TypeError(`signWebhookFor(${scheme.name}): \`secret\` is empty; pass the secret the receiver is configured with`);
  }
  const body = serialisePayload(options.payload);
  const baseTime = options.timestamp === undefined ? Date.now() : typeof options.timestamp === 'number' ? options.timestamp : options.timestamp.getTime();
  const timestampMs = options.tamper === 'stale' ? baseTime - HOUR_MS : options.tamper === 'future' ? baseTime + HOUR_MS : baseTime;
  const id = options.id ?? randomUUID();
  const method = (options.method ?? 'POST').toUpperCase();
  const url = options.url ?? 'https://example.com/webhooks';
  const signedUrl = options.url === null ? undefined : url;
  const secret = options.tamper === 'wrong-secret' ? otherSecret(options.secret) : options.secret;
  const signed = scheme.sign({ body: Buffer.from(body, 'utf8'), secret, timestampMs, id, type: options.type, method, url: signedUrl });
  const headers: Record<string, string> = { 'content-type': 'application/json', ...signed };
  return { body: options.tamper === 'body' ? tamperBody(body) : body, headers, id, timestampMs, method, url };
}

/** True when the scheme signs a timestamp (its headers change with the time), so stale deliveries can be rejected. */
export function signsTimestamp(scheme: WebhookSigner, secret: WebhookSecretInput): boolean {
  const at = (timestampMs: number) =>
    JSON.stringify(scheme.sign({ body: Buffer.from('{}'), secret, timestampMs, id: 'probe', type: undefined, method: 'POST', url: 'https://example.com/webhooks' }));
  return at(1_700_000_000_000) !== at(1_700_000_000_000 + HOUR_MS);
}

function serialisePayload(payload: unknown): string {
  if (typeof payload === 'string') return payload;
  if (payload instanceof Uint8Array) return Buffer.from(payload).toString('utf8');
  if (payload === undefined) throw new TypeError('signWebhookFor: `payload` is required (an object or the raw body)');
  return JSON.stringify(payload);
}

/** Changes the content but keeps it valid JSON where it was, so only the signature can catch it. */
function tamperBody(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return JSON.stringify({ ...parsed, tampered: true });
  } catch {
    // Not JSON: fall through to a byte change.
  }
  return `${body} `;
}

/** A different secret of the same shape (a `whsec_` secret stays a valid `whsec_` secret). */
function otherSecret(secret: WebhookSecretInput): WebhookSecretInput {
  if (typeof secret !== 'string') return Uint8Array.from(secret, (byte) => byte ^ 0xff);
  if (secret.startsWith('whsec_')) return `whsec_${randomBytes(24).toString('base64')}`;
  return `${secret}-not`;
}
