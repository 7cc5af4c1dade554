import type { AuthStrategy } from '../auth/auth-strategy.ts';
import type { CircuitBreakerOptions } from '../circuit-breaker/circuit-breaker.ts';
import type { ConnectorError, HttpError } from '../errors/index.ts';
import type { Clock } from '../internal/clock.ts';
import type { Listings } from '../pagination/listings.ts';
import type { RateLimitOptions } from '../rate-limit/rate-limiter.ts';
import type { RetryOptions } from '../retry/retry-policy.ts';
import type { InferOutput, Schema, ValidationOptions } from '../validation/validate.ts';
import type { AttemptMiddleware } from './attempt-context.ts';
import type { BodyEncoder } from './body-encoders.ts';
import type { PathParams, QueryParams } from './build-url.ts';
import type { EventListener } from './events.ts';
import type { DeprecationNotice } from './deprecation.ts';
import type { ResponseCheck } from './response-check.ts';
import type { GraphQLClientOptions } from '../graphql/graphql-types.ts';

// The client's public types, apart from the client so that the modules it uses (rate limits,
// pagination, GraphQL) can name them without importing the client.

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** Where the client pins the provider's API version. */
export type ApiVersionPin = { header: string; value: string } | { pathPrefix: string };

export interface TimeoutOptions {
  /** One attempt, from send to the last byte of the body. Default 30 s. */
  attemptMs?: number;
  /** The whole call, retries and waits included. Default 2 min. */
  totalMs?: number;
}

export interface CredentialsCheck {
  /** A cheap authenticated read, e.g. `/user`. */
  path: string;
  method?: HttpMethod;
  operation?: string;
  schema?: Schema;
  /** Who the credentials belong to, from the response (a login, an account id). */
  identify?: (data: unknown) => string | undefined;
  /**
   * Checks with a GraphQL query through `http.graphql` instead (e.g. Shopify's `{ shop { name } }`),
   * sent to `path`; `schema` then validates `data` and `identify` reads it.
   */
  graphql?: { query: string; variables?: Record<string, unknown> };
}

export interface HttpClientOptions {
  /** Name used in errors, events, logs and metrics. */
  connector: string;
  baseUrl: string;
  auth?: AuthStrategy;
  /**
   * Emit `credential-expiring` when the credential's declared `expiresAt` is this close (at most one
   * event per credential per day). Default 14 days; 0 turns it off.
   */
  credentialExpiryWarningMs?: number;
  retry?: RetryOptions;
  timeout?: TimeoutOptions;
  apiVersion?: ApiVersionPin;
  /** Sent with every request (e.g. `User-Agent`, `Accept`). */
  headers?: Record<string, string>;
  /** Idempotency-key support: `auto` adds a fresh key to every POST/PATCH, so they can be retried safely. */
  idempotency?: { header?: string; auto?: boolean };
  /** How request bodies are encoded. Default JSON; `formBody` for form-encoded APIs. */
  bodyEncoder?: BodyEncoder;
  /** Response headers that carry the provider's request id, first match wins. */
  requestIdHeaders?: readonly string[];
  /** The lightweight call `verifyCredentials()` makes. */
  credentialsCheck?: CredentialsCheck;
  /**
   * Reads a provider's own deprecation signals (e.g. Shopify's `X-Shopify-API-Deprecated-Reason`)
   * into the `deprecation` event. Default: RFC 9745 `Deprecation`, RFC 8594 `Sunset` and `Link`.
   */
  deprecation?: (headers: Headers) => DeprecationNotice | undefined;
  /**
   * Builds the provider's own error for a failed response: an `HttpError` subclass (e.g. `StripeError`)
   * so callers get the provider's error code and message as typed fields, or any other
   * `ConnectorError` (an `AuthError` for a provider's auth failure). Return undefined for the default.
   */
  httpError?: (failure: HttpErrorFactoryInput) => ConnectorError | undefined;
  /**
   * How the provider's response bodies signal failure, for any status (Slack's `200 {"ok":false}`):
   * `bodyEnvelope({ ok: 'ok', error: 'error', codes })` or your own function. A call's own
   * `responseCheck` runs first. See `ResponseCheck`.
   */
  responseCheck?: ResponseCheck;
  onEvent?: EventListener | readonly EventListener[];
  /** Runs around every attempt, outermost first, inside the circuit breaker and the rate limiter. */
  middleware?: readonly AttemptMiddleware[];
  /** Pacing from the provider's rate-limit headers (on by default), declared and shared budgets, concurrency; `false` turns it all off. */
  rateLimit?: RateLimitOptions | false;
  /** One circuit per host, on by default: after a run of failures calls fail fast with `CircuitOpenError`. `false` turns it off. */
  circuitBreaker?: CircuitBreakerOptions | false;
  /** Injectable transport; defaults to the global `fetch`. */
  fetch?: typeof globalThis.fetch;
  clock?: Clock;
  /** Source of jitter in [0, 1); injectable for deterministic tests. */
  random?: () => number;
  /** Response validation; `drift` defaults to `report` (unknown fields and new enum values become `schema-drift` events). */
  validation?: ValidationOptions;
  /**
   * How this provider's listings page and where their items are, with overrides per route or
   * operation: `http.paginate` uses it when a call names no `pagination` or `items`.
   */
  listings?: Listings;
  /** GraphQL endpoint, error mapping and cost pacing for `http.graphql` / `http.graphqlPaginate`. */
  graphql?: GraphQLClientOptions;
}

/** What `HttpClientOptions.httpError` receives: the default error's message and options, and the raw material. */
export interface HttpErrorFactoryInput {
  message: string;
  init: ConstructorParameters<typeof HttpError>[1];
  /** The response text, known secrets removed. */
  body: string;
  headers: Headers;
}

export interface RequestOptions<S extends Schema | undefined = Schema | undefined> {
  method?: HttpMethod;
  /** A path template relative to `baseUrl` (`/users/{id}`), or an absolute URL on the same origin. */
  path: string;
  params?: PathParams;
  query?: QueryParams;
  /** Encoded with the client's body encoder (JSON by default). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Validates the response body; the result is typed from it. */
  schema?: S;
  /** Validates `body` before anything is sent. */
  bodySchema?: Schema;
  /** Makes a POST/PATCH retryable; the same key is sent on every attempt. */
  idempotencyKey?: string;
  /**
   * The call is safe to repeat although its method is not (a read over POST, a PATCH that only sets
   * values, minting a token): it is retried like a GET, without sending an idempotency key.
   */
  idempotent?: boolean;
  signal?: AbortSignal;
  /** Name for errors, events and metrics. Default `METHOD /route`. */
  operation?: string;
  /** How to read the body. Default: JSON when the response says so, text otherwise. */
  responseType?: 'json' | 'text' | 'none';
  /** Overrides the client's `validation` for this call. */
  validation?: ValidationOptions;
  /** The route template for events and metrics when `path` is a concrete URL (pagination's next links). Default `path`. */
  route?: string;
  /** Reads failures from this call's body, before the client's `responseCheck`; `false` skips the client's. */
  responseCheck?: ResponseCheck | false;
  /**
   * `false` sends this call past every rate-limit step (client-wide, per route, shared): for a
   * health probe or a call with a budget of its own. The circuit breaker still applies.
   */
  rateLimit?: false;
}

export type ResponseData<S> = S extends Schema ? InferOutput<S> : unknown;

export interface HttpResponse<T> {
  data: T;
  status: number;
  headers: Headers;
  url: URL;
  attempts: number;
}

export interface VerifiedCredentials {
  ok: true;
  /** Who the credentials belong to, when the connector can tell. */
  identity: string | undefined;
  /** When the credential expires, when known. */
  expiresAt: Date | undefined;
}
