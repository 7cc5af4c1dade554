import type { HeaderGetter } from '../verify/headers.ts';
import type { VerifyResult } from '../verify/verify-result.ts';

/** A secret as configured: text (used as UTF-8 bytes, or decoded by the scheme, e.g. `whsec_...`) or raw key bytes. */
export type WebhookSecret = string | Uint8Array;

/** One delivery, normalised for a scheme. */
export interface WebhookRequest {
  /** The raw body bytes exactly as received. */
  readonly body: Buffer;
  /** Reads a header by lower-case name. */
  readonly header: HeaderGetter;
  /** HTTP method, upper case; present when the scheme signs the request line. */
  readonly method: string | undefined;
  /** The full public URL the provider called (scheme, host, path, query). */
  readonly url: string | undefined;
}

export interface SchemeVerifyOptions {
  /** At least one; tried in order. */
  readonly secrets: readonly WebhookSecret[];
  readonly toleranceSec: number;
  /** Epoch milliseconds. */
  readonly nowMs: number;
}

export interface SchemeSignInput {
  readonly body: Buffer;
  readonly secret: WebhookSecret;
  /** Epoch milliseconds. */
  readonly timestampMs: number;
  readonly id: string;
  readonly type: string | undefined;
  readonly method: string | undefined;
  readonly url: string | undefined;
}

/** What the inbox answers instead of storing, for a provider's endpoint check (e.g. Slack `url_verification`). */
export interface HandshakeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * How one provider signs its deliveries. The built-in schemes cover GitHub, Stripe, Slack, Shopify,
 * HubSpot (v3, and v1/v2 for legacy apps) and Standard Webhooks; `hmacScheme` describes any other HMAC provider. Implement this
 * interface yourself only for something that is not an HMAC over headers and body.
 */
export interface WebhookScheme {
  /** A short name for logs and errors, e.g. `github`. */
  readonly name: string;
  /** True when the HTTP method and full URL are part of the signed content (HubSpot v3). */
  readonly requiresRequestLine: boolean;
  /** Checks the signature, the timestamp window and reads id, type and timestamp. Must not throw. */
  verify(request: WebhookRequest, options: SchemeVerifyOptions): VerifyResult;
  /** The headers the provider would send for this body. Used by tests and the testing kit. */
  sign(input: SchemeSignInput): Record<string, string>;
  /** An answer the inbox sends instead of storing (after the signature was verified), or undefined. */
  handshake?(request: WebhookRequest): HandshakeResponse | undefined;
}
