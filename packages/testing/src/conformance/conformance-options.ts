import type { CommonConnectorOptions, ConnectorInstance, HttpMethod } from '@connectors/core';
import type { ResponseSource } from '../fixtures/fixture.ts';
import type { SignedWebhook, WebhookSigner } from '../webhooks/sign-webhook.ts';

/** A route as it appears on the wire, relative to `baseUrl` (include any version prefix such as `/v1`). */
export interface ConformanceRoute {
  method?: HttpMethod;
  /** Path, e.g. `/repos/octo/hello/issues/1`. */
  path: string;
  /** Exact query to match; default: any query string. */
  query?: Record<string, string>;
}

/**
 * What a connector package hands the conformance suite. Everything is data plus a few calls into
 * the connector's own typed API, so the suite can drive any connector through the same checks.
 */
export interface ConformanceOptions<C extends ConnectorInstance = ConnectorInstance> {
  /**
   * Builds the connector with its test credentials, spreading `common` last: it carries the fake
   * clock, a fixed `random`, the event collector and `baseUrl`.
   * @example create: (common) => github.create({ token: 'ghp_conformance0000000000000000', ...common })
   */
  create(common: CommonConnectorOptions): C;
  /** Origin (and base path) the fixtures were recorded against; the suite mocks requests there. */
  baseUrl: string;
  /** Every secret `create` uses. The suite fails if one appears in any event or error. */
  secrets: readonly string[];
  /** The connector's `verifyCredentials()` route. */
  credentials: ConformanceRoute & {
    /** A successful answer (e.g. the recorded `/user`). */
    ok: ResponseSource;
    /** The identity `verifyCredentials()` must report for `ok`. Default: any non-empty string. */
    identity?: string;
    /** The provider's 401 answer. Default `{ status: 401, body: { message: 'Bad credentials' } }`. */
    unauthorized?: ResponseSource;
  };
  /**
   * One typed read operation with a response schema, used for the retry, no-retry, schema and
   * secret checks. Pick an idempotent call (a GET), so retries are allowed.
   */
  sample: ConformanceRoute & {
    call(connector: C): Promise<unknown>;
    ok: ResponseSource;
    /** Returns a copy of the `ok` body that the operation's schema must reject (remove a required field, change a type). */
    corrupt(body: unknown): unknown;
    /** The `Retry-After` used by the rate-limit check, in seconds. Default 2. */
    retryAfterSeconds?: number;
  };
  /** A list operation that walks every page. */
  pagination?: {
    /** Walks all pages and returns every item. */
    call(connector: C): Promise<readonly unknown[]>;
    /** The pages in the order the connector must request them, each with its request matcher. */
    pages: readonly (ConformanceRoute & { response: ResponseSource })[];
    /** Items across all pages. */
    expectedItems: number;
  };
  /** For OAuth connectors: an expired access token must be refreshed once, then the call succeeds. */
  oauth?: {
    /** Builds the connector with an expired (or soon to be rejected) access token and a refresh token. */
    create(common: CommonConnectorOptions): C;
    /** The token endpoint and its answer to the refresh (must contain `access_token`). */
    token: { url: string; method?: HttpMethod; response: ResponseSource };
  };
  /**
   * For providers that signal failure in the response body (Slack's `200 {"ok":false,"error":...}`),
   * answers of the `sample` route; each declared one is held to the typed error it must become.
   * Declare the connector's `responseCheck` (e.g. `bodyEnvelope`) to pass.
   */
  bodyFailures?: {
    /** A body meaning the credentials were rejected: the call must throw `AuthError` after one request. */
    auth?: ResponseSource;
    /** A body meaning rate limited: the call must wait (through the injected clock), retry once, then succeed with `sample.ok`. */
    rateLimited?: ResponseSource;
    /** A body meaning a permanent failure: a non-retryable error after one request, carrying the provider's code. */
    permanent?: ResponseSource;
    /** The code `permanent` must carry as the error's `providerCode` (or `providerError`). */
    permanentCode?: string;
  };
  /**
   * For GraphQL connectors: one operation, held to the typed errors the `errors` array must become.
   * Use `http.graphql` (or the connector's typed GraphQL surface) in `call`.
   */
  graphql?: {
    /** Runs the operation. */
    call(connector: C): Promise<unknown>;
    /** The endpoint; method defaults to POST. */
    route: ConformanceRoute;
    /** A successful answer. */
    ok: ResponseSource;
    /** An answer whose `errors` mean a permanent failure (an unknown field, not found): `GraphQLError` after one request. */
    error: ResponseSource;
    /** A throttled answer (`THROTTLED`, `RATE_LIMITED`): retried once, then `ok` succeeds. */
    throttled?: ResponseSource;
    /** An unauthenticated answer: `AuthError` after one request. */
    unauthenticated?: ResponseSource;
  };
  /** Webhook signatures: a signed delivery verifies; tampered, forged and stale ones do not. */
  webhook?: {
    /** The provider's scheme from `@connectors/webhooks` (anything with `sign`). */
    scheme: WebhookSigner;
    secret: string;
    /** The event payload (fixture body). */
    payload: unknown;
    /** Event type, for schemes that carry it in a header. */
    type?: string;
    /** Extra headers the provider sends with each delivery (built from the signed delivery). */
    headers?: (delivery: SignedWebhook) => Record<string, string>;
    /**
     * The connector's verification. Accepting means returning without throwing, and not returning
     * `false` or `{ ok: false }`; so `(d) => verifyWebhook(scheme, { ...d, secret })` works as is.
     */
    verify(delivery: { body: string; headers: Record<string, string>; method: string; url: string; secret: string }): unknown;
  };
}
