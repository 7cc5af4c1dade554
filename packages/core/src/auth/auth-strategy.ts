import type { EventInput } from '../http/events.ts';
import type { Clock } from '../internal/clock.ts';

/** What a strategy may touch on the outgoing request. */
export interface AuthRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  readonly signal?: AbortSignal;
  readonly operation: string;
}

/** What the client hands a strategy: its name and a way to report events. */
export interface AuthContext {
  readonly connector: string;
  emit(event: EventInput): void;
  /** The client's clock, so expiry decisions follow the same (injectable) time as the client. */
  readonly clock?: Clock;
}

/**
 * How a client proves who it is. The client calls `authorize` before every attempt, so a strategy
 * can refresh proactively, and `onUnauthorized` at most once per call after a 401.
 */
export interface AuthStrategy {
  /** e.g. `api-key`, `bearer`, `oauth2`. */
  readonly kind: string;
  /** A name for the credential that is safe to show (an environment variable name, a credential id); never the secret. */
  readonly credential?: string;
  /** Called once when the client is created. Throw `AuthError` (code `missing`) for absent configuration. */
  init?(context: AuthContext): void;
  /** Adds credentials to the request; may wait for a refresh first. */
  authorize(request: AuthRequest, context: AuthContext): void | Promise<void>;
  /**
   * The provider answered 401 with the credentials just sent (`request.headers` are the headers of
   * that attempt, credentials included). Return true when fresh credentials are now in place and one
   * retry is worth making; false to give up with an `AuthError`.
   */
  onUnauthorized?(request: AuthRequest, context: AuthContext): boolean | Promise<boolean>;
  /** Secret values to scrub from any text that leaves the client (errors, events, logs). */
  secrets?(): Iterable<string>;
  /** Query parameter names that carry credentials, redacted in URLs. */
  readonly sensitiveQueryParams?: readonly string[];
  /**
   * When a person must act on this credential (an API key's end date, a refresh token's or client
   * secret's expiry), if known; used for `credential-expiring` events and health. Short-lived access
   * tokens that the strategy renews by itself do not count.
   */
  expiresAt?(): Date | undefined;
  /**
   * Waits for work the strategy started that must finish even though no call waits for it any more
   * (a token refresh whose rotated token must reach the store). `HttpClient.close()` awaits it.
   */
  settle?(): Promise<void>;
}
