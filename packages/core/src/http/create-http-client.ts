import ky, { type KyInstance, type Options } from 'ky';
import type { AuthContext, AuthRequest, AuthStrategy } from '../auth/auth-strategy.ts';
import { CredentialExpiryWarning } from '../auth/credential-expiry-warning.ts';
import {
  AbortedError,
  AuthError,
  CircuitOpenError,
  ConnectorError,
  HttpError,
  InvalidRequestError,
  isConnectorError,
  NetworkError,
  RateLimitError,
  TimeoutError,
} from '../errors/index.ts';
import { type Clock, systemClock } from '../internal/clock.ts';
import { excerpt, redactText } from '../internal/redact.ts';
import { serverRetryDelayMs } from '../retry/retry-after.ts';
import { RetryBudget } from '../retry/retry-budget.ts';
import {
  backoffDelayMs,
  classifyStatus,
  IDEMPOTENT_METHODS,
  resolveRetryPolicy,
  type ResolvedRetryPolicy,
  type RetryOptions,
  type RetryVerdict,
} from '../retry/retry-policy.ts';
import { type InferOutput, type Schema, validate, type ValidationOptions } from '../validation/validate.ts';
import { DriftReporter } from '../validation/drift-reporter.ts';
import { paginate, type Paginated, type PaginateOptions } from '../pagination/paginate.ts';
import { type Listings, resolveListing } from '../pagination/listings.ts';
import type { ItemAt } from '../pagination/read-path.ts';
import { type BodyEncoder, jsonBody } from './body-encoders.ts';
import { appendQuery, fillPath, joinUrl, type PathParams, type QueryParams } from './build-url.ts';
import { readDeprecation } from './deprecation.ts';
import { firstVerdict, type InspectedResponse, type ResponseCheck, type ResponseVerdict } from './response-check.ts';
import { EventHub, type EventInput, type EventListener, type ConnectorEvent } from './events.ts';
import { createCircuitBreaker, type CircuitBreakerOptions } from '../circuit-breaker/circuit-breaker.ts';
import { createRateLimiter, type RateLimitOptions } from '../rate-limit/rate-limiter.ts';
import type { AttemptGate } from './attempt-gate.ts';
import type { AttemptContext, AttemptInput, AttemptMiddleware } from './attempt-context.ts';
import { createRouteBudgets } from '../rate-limit/route-budgets.ts';
import { systemErrorCode } from '../internal/system-error-code.ts';
import { GraphQLRunner, type GraphQLRequestOptions } from '../graphql/graphql-call.ts';
import { graphqlPaginate, type GraphQLPaginateOptions } from '../graphql/graphql-pagination.ts';
import { parseDuration } from '../rate-limit/parse-duration.ts';
import type {
  HttpClientOptions,
  HttpMethod,
  HttpResponse,
  RequestOptions,
  ResponseData,
  VerifiedCredentials,
} from './types.ts';

export type { AttemptContext, AttemptInput, AttemptMiddleware };
export type {
  ApiVersionPin,
  CredentialsCheck,
  HttpClientOptions,
  HttpErrorFactoryInput,
  HttpMethod,
  HttpResponse,
  RequestOptions,
  ResponseData,
  TimeoutOptions,
  VerifiedCredentials,
} from './types.ts';

const DEFAULT_REQUEST_ID_HEADERS = [
  'x-request-id',
  'request-id',
  'x-github-request-id',
  'x-amzn-requestid',
  'x-amz-request-id',
  'x-correlation-id',
  'cf-ray',
];

/** System error codes that prove the request never left: safe to retry even a POST. */
const BEFORE_SEND_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);


/** What ky forwards to our transport besides the request (see the constructor). */
interface AttemptInit {
  attemptSignal?: AbortSignal;
}

/** Which timer or signal ended an attempt early. */
type AbortCause = 'caller' | 'total' | 'attempt' | undefined;

/** When the request of an attempt left, for durations that exclude rate-limit waits. */
interface AttemptTrip {
  sentAt: number | undefined;
}

function elapsed(trip: AttemptTrip): number {
  return trip.sentAt === undefined ? 0 : performance.now() - trip.sentAt;
}

/**
 * One AbortController per attempt, fed by the caller's signal, the call's total deadline and the
 * attempt timer, with every timer and listener released when the attempt settles. Hand-written
 * because `AbortSignal.timeout()` + `AbortSignal.any()` keep each signal alive until its timer
 * fires (minutes after the call), which grows the heap by kilobytes per call in long syncs.
 */
class AttemptGuard {
  readonly #controller = new AbortController();
  readonly #caller: AbortSignal | undefined;
  readonly #onCallerAbort: (() => void) | undefined;
  /** When the call's total deadline passes, in `performance.now()` time. */
  readonly #totalAt: number;
  // One timer at a time: the total deadline until send, then whichever of the attempt timeout and
  // the total deadline comes first.
  #timer: ReturnType<typeof setTimeout>;
  cause: AbortCause;

  constructor(caller: AbortSignal | undefined, totalMs: number) {
    this.#caller = caller;
    if (caller) {
      this.#onCallerAbort = () => this.abort('caller', caller.reason);
      caller.addEventListener('abort', this.#onCallerAbort, { once: true });
    }
    this.#totalAt = performance.now() + totalMs;
    this.#timer = setTimeout(abortOnTotal, totalMs, this);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  startAttemptTimer(ms: number): void {
    if (performance.now() + ms >= this.#totalAt) return; // the total deadline comes first anyway
    clearTimeout(this.#timer);
    this.#timer = setTimeout(abortOnAttempt, ms, this);
  }

  dispose(): void {
    clearTimeout(this.#timer);
    if (this.#onCallerAbort) this.#caller?.removeEventListener('abort', this.#onCallerAbort);
  }

  abort(cause: AbortCause, reason: unknown): void {
    if (this.#controller.signal.aborted) return;
    this.cause = cause;
    this.#controller.abort(reason);
  }
}

// Module-level timer callbacks (the guard rides as the timer argument): no closures per attempt.
function abortOnTotal(guard: AttemptGuard): void {
  guard.abort('total', new DOMException('the total deadline passed', 'TimeoutError'));
}
function abortOnAttempt(guard: AttemptGuard): void {
  guard.abort('attempt', new DOMException('the attempt timed out', 'TimeoutError'));
}

let callCounter = 0;

/**
 * What middleware sees of one attempt. A class rather than an object literal: a literal with a
 * getter is built on V8's slow path, which cost more than the rate limiter itself per call.
 */
class Attempt implements AttemptContext {
  readonly connector: string;
  readonly operation: string;
  readonly method: string;
  readonly route: string;
  readonly url: URL;
  readonly host: string;
  readonly headers: Headers;
  readonly attempt: number;
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly deadline: number;
  readonly input: AttemptInput;
  readonly rateLimit: boolean;
  readonly #client: HttpClient;
  readonly #callId: string;
  readonly #guard: AttemptGuard;

  constructor(client: HttpClient, clock: Clock, call: Call, url: URL, headers: Headers, attempt: number, guard: AttemptGuard) {
    this.connector = client.connector;
    this.operation = call.operation;
    this.method = call.method;
    this.route = call.route;
    this.url = url;
    this.host = url.host;
    this.headers = headers;
    this.attempt = attempt;
    this.signal = guard.signal;
    this.clock = clock;
    this.deadline = call.deadline;
    this.input = call.options;
    this.rateLimit = call.options.rateLimit !== false;
    this.#client = client;
    this.#callId = call.callId;
    this.#guard = guard;
  }

  get callerAborted(): boolean {
    return this.#guard.cause === 'caller';
  }

  emit(event: EventInput): void {
    this.#client.emit({ ...event, callId: this.#callId } as EventInput);
  }
}

/** Internal per-call state, kept in one place so the attempt loop reads top to bottom. */
interface Call {
  operation: string;
  method: HttpMethod;
  route: string;
  url: URL;
  /** What each attempt's fresh `Headers` starts from: the client's defaults as they are, or a per-call copy. */
  headers: Record<string, string> | Headers;
  body: string | undefined;
  idempotencyKey: string | undefined;
  options: RequestOptions;
  callId: string;
  deadline: number;
  /** The headers of the last attempt, credentials included, for `onUnauthorized`. */
  sentHeaders?: Headers;
  /** The call's and the client's body checks, combined; undefined when neither is set (the fast path). */
  check: ResponseCheck | undefined;
}

/** A body read once for a `ResponseCheck`: the text (for excerpts) and the parsed value. */
interface ReadBody {
  text: string;
  value: unknown;
}

/**
 * The low-level client every connector is built from. Use `createHttpClient` to make one.
 */
export class HttpClient {
  readonly connector: string;
  readonly baseUrl: string;
  readonly #options: HttpClientOptions;
  readonly #policy: ResolvedRetryPolicy;
  readonly #budget: RetryBudget | undefined;
  readonly #hub = new EventHub();
  readonly #ky: KyInstance;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #attemptMs: number;
  readonly #totalMs: number;
  readonly #bodyEncoder: BodyEncoder;
  readonly #requestIdHeaders: readonly string[];
  readonly #deprecationsSeen = new Set<string>();
  readonly #middleware: AttemptMiddleware[];
  readonly #gates: AttemptGate[];
  /** The gates for a call with `rateLimit: false`: the circuit breaker alone. */
  readonly #unlimitedGates: AttemptGate[];
  readonly #origin: string;
  /** `baseUrl` with a trailing slash, normalised once: relative paths are joined to it. */
  readonly #baseHref: string;
  /** Default headers, accept and the version pin, computed once. */
  // A record, not a list of pairs: fetch interceptors (nock, via @mswjs/interceptors) keep the pairs
  // array a Headers was made from as their own and push later `set`s into it, which would leak one
  // call's Authorization into every later call's defaults.
  readonly #baseHeaders: Record<string, string>;
  readonly #expiryWarning: CredentialExpiryWarning;
  readonly #drift: DriftReporter;
  #auth: AuthStrategy | undefined;
  #graphql: GraphQLRunner | undefined;

  constructor(options: HttpClientOptions) {
    if (!options.connector) throw new TypeError('createHttpClient: `connector` (a name for errors and metrics) is required');
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`createHttpClient(${options.connector}): baseUrl must be an absolute http(s) URL; got ${JSON.stringify(options.baseUrl)}`);
    }
    this.connector = options.connector;
    this.#options = options;
    this.#origin = base.origin;
    const pin = options.apiVersion;
    this.baseUrl = pin && 'pathPrefix' in pin ? joinUrl(base.toString(), pin.pathPrefix).toString() : base.toString();
    this.#baseHref = this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`;
    const headers = new Headers(options.headers);
    if (!headers.has('accept')) headers.set('accept', 'application/json');
    if (pin && 'header' in pin) headers.set(pin.header, pin.value);
    this.#baseHeaders = Object.fromEntries(headers);
    this.#policy = resolveRetryPolicy(options.retry);
    this.#budget = options.retry?.budget === false ? undefined : new RetryBudget(options.retry?.budget);
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#attemptMs = options.timeout?.attemptMs ?? 30_000;
    this.#totalMs = options.timeout?.totalMs ?? 120_000;
    this.#bodyEncoder = options.bodyEncoder ?? jsonBody;
    this.#requestIdHeaders = options.requestIdHeaders ?? DEFAULT_REQUEST_ID_HEADERS;
    // Run in order around every attempt, before user middleware: the breaker first, so an open
    // circuit fails fast without waiting for rate-limit budget.
    // Per-route budgets before the client-wide ones: a call waiting for its route's window must not
    // hold a client-wide slot (concurrency, shared budget) meanwhile.
    this.#unlimitedGates = options.circuitBreaker === false ? [] : [createCircuitBreaker(options.circuitBreaker, this.#clock).gate];
    const limit = options.rateLimit;
    this.#gates = [
      ...this.#unlimitedGates,
      ...(limit === false || !limit?.routes ? [] : [createRouteBudgets(limit.routes, {
        clock: this.#clock, ...(limit.maxWaitMs !== undefined ? { maxWaitMs: limit.maxWaitMs } : {}), ...(limit.spreadBelow !== undefined ? { spreadBelow: limit.spreadBelow } : {}),
      })]),
      ...(limit === false ? [] : [createRateLimiter(limit, this.#clock).gate]),
    ];
    this.#middleware = [...(options.middleware ?? [])];
    const listeners = options.onEvent ? (Array.isArray(options.onEvent) ? options.onEvent : [options.onEvent]) : [];
    for (const listener of listeners as EventListener[]) this.#hub.add(listener);
    // ky is the transport: retries, timeouts and errors are ours, so ky's own are switched off.
    const transport = options.fetch ?? globalThis.fetch;
    this.#ky = ky.create({
      retry: 0,
      timeout: false,
      throwHttpErrors: false,
      // The attempt's signal travels as an extra option, which ky forwards to fetch untouched. Handed
      // to ky as `signal`, it would be merged with ky's own through AbortSignal.any on every call: the
      // largest per-request cost ky adds, and one that keeps each signal alive long after the call.
      fetch: (input, init) => transport(input, { signal: (init as AttemptInit | undefined)?.attemptSignal ?? null }),
    });
    this.#expiryWarning = new CredentialExpiryWarning(options.credentialExpiryWarningMs);
    this.#drift = new DriftReporter({ mode: options.validation?.drift, emit: (event) => this.emit(event), secrets: () => this.#secrets() });
    this.#auth = options.auth;
    this.#auth?.init?.(this.#authContext());
  }

  /** Listens to this client's events; returns a function that stops listening. */
  subscribe(listener: EventListener): () => void {
    return this.#hub.add(listener);
  }

  /** Adds middleware around every attempt (innermost last). Used by integrations such as tracing. */
  use(middleware: AttemptMiddleware): void {
    this.#middleware.push(middleware);
  }

  /**
   * Swaps the credentials at runtime (rotation) without recreating the client; calls already in
   * flight finish with the old ones. The new strategy is checked first (`init`): one with missing
   * configuration throws `AuthError` and the client keeps the credentials it had. For a key that
   * merely changes value, a strategy's own `rotate(value)` or editing its environment variable
   * (re-read on every call) does the same.
   */
  rotateCredentials(auth: AuthStrategy | undefined): void {
    auth?.init?.(this.#authContext());
    this.#auth = auth;
  }

  /**
   * Call before closing what the client writes to (a token store on a database that is about to
   * close): waits until no credential refresh is in flight, so a rotated refresh token is never lost
   * on shutdown. Abort your calls first; the client stays usable afterwards.
   */
  async close(): Promise<void> {
    await this.#auth?.settle?.();
  }

  get auth(): AuthStrategy | undefined {
    return this.#auth;
  }

  /** Reports an event as this client; used by strategies and helpers built on the client. */
  emit(event: EventInput): void {
    this.#hub.emit({ ...event, connector: event.connector ?? this.connector, time: this.#clock.now() } as ConnectorEvent);
  }

  /**
   * Reads a paginated listing: `for await (const item of http.paginate({...}))`, or `.pages()` for
   * pages with checkpoints. Every page goes through `send`. `pagination` and `items` default to the
   * client's `listings` for the call's operation or route. See `PaginateOptions`.
   */
  paginate<S extends Schema | undefined = undefined, P extends string = ''>(
    options: PaginateOptions<S, P>,
  ): Paginated<ItemAt<ResponseData<S>, P>, ResponseData<S>> {
    const listings = this.#options.listings;
    if (listings === undefined || (options.pagination !== undefined && options.items !== undefined)) return paginate(this, options);
    return paginate(this, { ...options, ...resolveListing(listings, options) } as PaginateOptions<S, P>);
  }

  /** The listings this client pages by default (see `HttpClientOptions.listings`). */
  get listings(): Listings | undefined {
    return this.#options.listings;
  }

  /**
   * Runs a GraphQL operation on the same pipeline (auth, retries, rate limits, events under the
   * operation's name) and returns its validated `data`. The `errors` array becomes typed errors:
   * `AuthError`, `RateLimitError` (throttled, after retries), `GraphQLError` (with `partialData`).
   */
  graphql<S extends Schema | undefined = undefined>(request: GraphQLRequestOptions<S>): Promise<ResponseData<S>> {
    return this.#graphqlRunner().run(request);
  }

  /**
   * Reads a GraphQL connection page by page (`pageInfo { hasNextPage endCursor }`), resumable like
   * `paginate`: `for await (const product of http.graphqlPaginate({ query, connection: 'products' }))`.
   */
  graphqlPaginate<S extends Schema | undefined = undefined, C extends string = string, N extends 'nodes' | 'edges' = 'nodes'>(
    options: GraphQLPaginateOptions<S, C, N>,
  ): Paginated<ItemAt<ResponseData<S>, `${C}.${N}`>, ResponseData<S>> {
    return graphqlPaginate(this.#graphqlRunner(), this, options);
  }

  #graphqlRunner(): GraphQLRunner {
    this.#graphql ??= new GraphQLRunner(
      {
        connector: this.connector,
        clock: this.#clock,
        send: (options) => this.send(options),
        validate: (schema, data, operation, validation) => validate(schema, data, {
          connector: this.connector, operation, direction: 'response', secrets: this.#lazySecrets,
          ...this.#drift.contextFor(operation, validation?.drift),
        }),
        emit: (event) => this.emit(event),
        maxWaitMs: this.#options.rateLimit && this.#options.rateLimit.maxWaitMs !== undefined ? parseDuration(this.#options.rateLimit.maxWaitMs, 'rateLimit.maxWaitMs') : 60_000,
      },
      this.#options.graphql,
    );
    return this.#graphql;
  }

  /** Makes a call and returns the (validated) body. */
  async request<S extends Schema | undefined = undefined>(options: RequestOptions<S>): Promise<ResponseData<S>> {
    return (await this.send(options)).data;
  }

  /** Makes a call and returns the body with status and headers (pagination reads `Link`, for instance). */
  async send<S extends Schema | undefined = undefined>(options: RequestOptions<S>): Promise<HttpResponse<ResponseData<S>>> {
    const call = this.#prepare(options as RequestOptions);
    if (options.bodySchema && options.body !== undefined) {
      await validate(options.bodySchema, options.body, { connector: this.connector, operation: call.operation, direction: 'request', secrets: this.#lazySecrets });
    }
    this.#expiryWarning.check(this.#auth, this.#clock.now(), call.operation, (event) => this.emit(event));
    return this.#run(call) as Promise<HttpResponse<ResponseData<S>>>;
  }

  /**
   * Makes the connector's declared lightweight call to prove the credentials work. Call it at
   * startup: a wrong key fails the deploy, not the first user action.
   * @throws AuthError explaining what is wrong: missing, rejected, expired or insufficient scope.
   */
  async verifyCredentials(): Promise<VerifiedCredentials> {
    const check = this.#options.credentialsCheck;
    if (!check) {
      throw new InvalidRequestError(`${this.connector}: no credentialsCheck is declared, so credentials cannot be verified`, {
        connector: this.connector,
        operation: 'verifyCredentials',
      });
    }
    const operation = check.operation ?? 'verifyCredentials';
    try {
      const data = check.graphql
        ? await this.graphql({ query: check.graphql.query, path: check.path, schema: check.schema, ...(check.graphql.variables ? { variables: check.graphql.variables } : {}) })
        : await this.request({ method: check.method ?? 'GET', path: check.path, schema: check.schema, operation });
      return { ok: true, identity: check.identify?.(data), expiresAt: this.#auth?.expiresAt?.() };
    } catch (error) {
      if (AuthError.isInstance(error)) throw error;
      if (HttpError.isInstance(error) && (error.status === 401 || error.status === 403)) {
        const insufficient = error.status === 403;
        throw new AuthError(
          insufficient
            ? `${this.connector}: the credentials are valid but lack the permission (scope) for ${check.path}; grant it and try again`
            : `${this.connector}: the provider rejected the credentials (${error.status}); check the key or token you configured`,
          { connector: this.connector, operation, code: insufficient ? 'insufficient-scope' : 'rejected', status: error.status, attempts: error.attempts, requestId: error.requestId, cause: error },
        );
      }
      throw error;
    }
  }

  /** Absolute URL for a path on this client's base, with query. Used by pagination. */
  resolveUrl(path: string, query?: QueryParams): URL {
    return appendQuery(joinUrl(this.#baseHref, path), query);
  }

  /** True when a URL is on the origin this client was configured for. */
  isSameOrigin(url: URL): boolean {
    return url.origin === this.#origin;
  }

  #authContext(): AuthContext {
    return { connector: this.connector, emit: (event) => this.emit(event), clock: this.#clock };
  }

  #secrets(): string[] {
    return this.#auth?.secrets ? [...this.#auth.secrets()] : [];
  }

  /** The secrets, read only when a text is actually redacted (most calls never need them). */
  readonly #lazySecrets: Iterable<string> = { [Symbol.iterator]: () => this.#secrets()[Symbol.iterator]() };

  #prepare(options: RequestOptions): Call {
    const method = normalizeMethod(options.method);
    const route = options.route ?? options.path;
    const operation = options.operation ?? `${method} ${route}`;
    const fail = (message: string) => new InvalidRequestError(`${this.connector} ${operation}: ${message}`, { connector: this.connector, operation });
    const { path, missing } = fillPath(options.path, options.params);
    if (missing.length) throw fail(`missing path parameter${missing.length > 1 ? 's' : ''} ${missing.join(', ')} for ${route}`);
    const url = joinUrl(this.#baseHref, path);
    if (options.query) appendQuery(url, options.query);
    if (url.origin !== this.#origin) {
      throw fail(`refusing to send credentials to ${url.origin}; this client is configured for ${this.#origin}`);
    }
    // Most calls send the client's default headers unchanged: they share one list, and only a call
    // that adds its own (headers, a body, an idempotency key) gets a copy.
    const idem = this.#options.idempotency;
    let idempotencyKey = options.idempotencyKey;
    if (!idempotencyKey && idem?.auto && (method === 'POST' || method === 'PATCH')) idempotencyKey = crypto.randomUUID();
    let headers: Call['headers'] = this.#baseHeaders;
    let body: string | undefined;
    if (options.headers || options.body !== undefined || idempotencyKey) {
      const own = new Headers(this.#baseHeaders);
      if (options.headers) for (const name in options.headers) own.set(name, options.headers[name]!);
      if (options.body !== undefined) {
        const encoded = this.#bodyEncoder(options.body);
        body = encoded.body;
        own.set('content-type', encoded.contentType);
      }
      if (idempotencyKey) own.set(idem?.header ?? 'Idempotency-Key', idempotencyKey);
      headers = own;
    }

    return {
      operation,
      method,
      route,
      url,
      headers,
      body,
      idempotencyKey,
      options,
      callId: `${this.connector}-${++callCounter}`,
      deadline: this.#clock.now() + this.#totalMs,
      check: options.responseCheck === false ? undefined : options.responseCheck ? firstVerdict([options.responseCheck, this.#options.responseCheck]) : this.#options.responseCheck,
    };
  }

  async #run(call: Call): Promise<HttpResponse<unknown>> {
    const { operation, method, route, callId } = call;
    const base = { operation, callId };
    let refreshedAfter401 = false;
    let lastError: ConnectorError | undefined;

    for (let attempt = 1; ; attempt++) {
      this.#throwIfAborted(call, attempt - 1);
      const remaining = call.deadline - this.#clock.now();
      if (remaining <= 0) throw this.#totalTimeout(call, attempt - 1, lastError);

      const attemptMs = Math.min(this.#attemptMs, remaining);
      const guard = new AttemptGuard(call.options.signal, remaining);
      const trip: AttemptTrip = { sentAt: undefined };
      let response: Response | undefined;
      let failure: ConnectorError | undefined;
      let verdict: RetryVerdict | undefined;
      let data: unknown;
      try {
        response = await this.#attempt(call, attempt, guard, attemptMs, trip);
        // The body is read once: for the check, then for validation.
        let read: ReadBody | undefined;
        let said: ResponseVerdict | undefined;
        if (call.check && !(response.ok && this.#bodyless(call, response))) {
          read = await this.#readForCheck(call, response);
          said = call.check(this.#inspect(call, response, read.value));
        }
        const expired = said?.kind === 'auth' && said.code === 'expired';
        if (said !== undefined && said.kind !== 'success' && !(expired && !refreshedAfter401 && this.#auth?.onUnauthorized)) {
          ({ failure, verdict } = this.#bodyFailure(call, response, attempt, said, read!.text));
        } else if ((response.ok && !expired) || said?.kind === 'success') {
          data = read ? await this.#validateBody(call, read.value) : await this.#readBody(call, response);
        } else if ((response.status === 401 || expired) && !refreshedAfter401 && this.#auth?.onUnauthorized) {
          // One refresh and one retry, never a loop: a second 401 (or expired token) is final.
          if (!read) await response.body?.cancel();
          refreshedAfter401 = true;
          const authRequest: AuthRequest = { method, url: call.url, headers: call.sentHeaders ?? new Headers(call.headers), operation, ...(call.options.signal ? { signal: call.options.signal } : {}) };
          let refreshed: boolean;
          try {
            refreshed = await this.#auth.onUnauthorized(authRequest, this.#authContext());
          } catch (error) {
            // The refresh itself failed (the token endpoint answered 429 or 5xx): no new token was
            // tried, so the one refresh-and-retry is not spent; a retry of the call may refresh again.
            refreshedAfter401 = false;
            throw error;
          }
          if (this.#hub.size) {
            this.emit({ type: 'response', ...base, method, route, attempt, status: response.status, durationMs: elapsed(trip), outcome: refreshed ? 'retry' : 'failed', ...this.#requestIdField(response) });
          }
          if (refreshed) continue;
          if (expired) throw this.#bodyFailure(call, response, attempt, said!, read!.text).failure;
          throw this.#unauthorized(call, response, attempt, 'the credentials were rejected and could not be refreshed');
        } else {
          const text = read ? redactText(read.text, this.#secrets()) : await this.#failureText(response);
          const explicit = this.#policy.classify?.({ status: response.status, headers: response.headers, body: text });
          verdict = explicit ?? classifyStatus(response.status, this.#policy);
          failure = this.#httpFailure(call, response, attempt, verdict, text);
        }
      } catch (error) {
        failure = this.#toConnectorError(error, call, attempt, guard.cause, attemptMs);
        // A retryable AuthError here comes from getting a token (before sending, or after the provider
        // refused the old one): the request was not applied, so even a POST may be retried.
        verdict = { retryable: failure.retryable, reason: failure.reason ?? failure.message, ...(failure instanceof AuthError && failure.retryable ? { notApplied: true } : {}) };
      } finally {
        guard.dispose();
      }

      if (!failure) {
        this.#budget?.recordSuccess();
        if (this.#hub.size) {
          // Built whole rather than through emit()'s spread: this runs once per successful call.
          this.#hub.emit({
            type: 'response', connector: this.connector, time: this.#clock.now(), operation, callId, method, route, attempt,
            status: response!.status, durationMs: elapsed(trip), outcome: 'success', requestId: this.#requestId(response!),
          });
          this.#checkDeprecation(call, response!.headers);
        }
        return { data, status: response!.status, headers: response!.headers, url: call.url, attempts: attempt };
      }

      lastError = failure;
      // Refused before sending by the circuit breaker or the rate limiter: an immediate retry would be
      // refused again, and the error's retryAt already says when to come back.
      const refused = failure instanceof CircuitOpenError || (failure instanceof RateLimitError && !response);
      const plan = failure instanceof AbortedError || refused ? undefined : this.#planRetry(call, attempt, failure, verdict!, response);
      // An attempt refused before sending produced no request, so it gets no `response` record either.
      if (trip.sentAt !== undefined) {
        this.emit({
          type: 'response', ...base, method, route, attempt, durationMs: elapsed(trip), outcome: plan?.retry ? 'retry' : 'failed', error: failure.name,
          ...(response ? { status: response.status, ...this.#requestIdField(response) } : {}), ...providerCodeField(failure),
        });
      }
      if (!plan?.retry) {
        const final = plan?.error ?? failure;
        final.attempts = attempt;
        this.emit({
          type: 'give-up', ...base, attempts: attempt, error: final.name, reason: final.reason ?? final.message, retryable: final.retryable,
          ...(response ? { status: response.status } : {}), ...(final.requestId ? { requestId: final.requestId } : {}), ...providerCodeField(final),
        });
        throw final;
      }
      this.emit({ type: 'retry', ...base, attempt, delayMs: plan.delayMs, reason: plan.reason, delaySource: plan.source, ...(response ? { status: response.status } : {}) });
      try {
        await this.#clock.sleep(plan.delayMs, call.options.signal);
      } catch {
        this.#throwIfAborted(call, attempt);
      }
    }
  }

  /** Runs middleware, then authorizes and sends. */
  async #attempt(call: Call, attempt: number, guard: AttemptGuard, attemptMs: number, trip: AttemptTrip): Promise<Response> {
    // A copy only when something may change it per attempt (an API key in the query).
    const url = this.#auth ? new URL(call.url) : call.url;
    // A fresh copy per attempt: a strategy rotated between attempts must not inherit the headers the
    // previous one set (an old Authorization next to a new query key).
    const headers = new Headers(call.headers);
    const send = async (): Promise<Response> => {
      // The attempt timeout starts here: waiting for rate-limit budget must not eat timeout.attemptMs.
      guard.startAttemptTimer(attemptMs);
      if (this.#auth) {
        await this.#auth.authorize({ method: call.method, url, headers, signal: guard.signal, operation: call.operation }, this.#authContext());
      }
      call.sentHeaders = headers;
      if (this.#hub.size) {
        this.#hub.emit({ type: 'request', connector: this.connector, time: this.#clock.now(), operation: call.operation, callId: call.callId, method: call.method, route: call.route, attempt });
      }
      trip.sentAt = performance.now();
      // Only the options that differ from ky's defaults: ky deep-merges every key of every call's
      // options, so a GET without a body skips two merges (~6 % of ky's cost per call, measured).
      const init: Options & AttemptInit = { headers, attemptSignal: guard.signal };
      if (call.method !== 'GET') init.method = call.method;
      if (call.body !== undefined) init.body = call.body;
      return this.#ky(url, init);
    };
    const gates = call.options.rateLimit === false ? this.#unlimitedGates : this.#gates;
    if (gates.length === 0 && this.#middleware.length === 0) return send();
    const context = new Attempt(this, this.#clock, call, url, headers, attempt, guard);
    const tickets: unknown[] = [];
    const leave = (response: Response | undefined, error: unknown) => {
      for (let i = tickets.length - 1; i >= 0; i--) gates[i]!.leave(context, tickets[i], response, error);
    };
    try {
      for (const gate of gates) {
        const ticket = gate.enter(context);
        tickets.push(ticket instanceof Promise ? await ticket : ticket);
      }
    } catch (error) {
      leave(undefined, error);
      throw error;
    }
    let index = 0;
    const next = (): Promise<Response> => {
      const middleware = this.#middleware[index++];
      return middleware ? middleware(context, next) : send();
    };
    let response: Response;
    try {
      response = await next();
    } catch (error) {
      leave(undefined, error);
      throw error;
    }
    leave(response, undefined);
    return response;
  }

  #bodyless(call: Call, response: Response): boolean {
    return call.options.responseType === 'none' || response.status === 204 || call.method === 'HEAD';
  }

  async #readBody(call: Call, response: Response): Promise<unknown> {
    if (this.#bodyless(call, response)) {
      await response.body?.cancel();
      return undefined;
    }
    const text = await response.text();
    return this.#validateBody(call, this.#parse(call, response, text, true));
  }

  /** JSON when the call or the response says so. A failed response's malformed JSON stays text (it is only read for its message). */
  #parse(call: Call, response: Response, text: string, strict: boolean): unknown {
    const type = call.options.responseType;
    const isJson = type === 'json' || (type !== 'text' && (call.options.schema !== undefined || /json/i.test(response.headers.get('content-type') ?? '')));
    if (!isJson) return text;
    if (text === '') return undefined;
    try {
      return JSON.parse(text);
    } catch (cause) {
      if (!strict) return text;
      throw new HttpError(`${this.connector} ${call.operation}: the ${response.status} response is not valid JSON`, {
        connector: this.connector, operation: call.operation, status: response.status, retryable: true,
        reason: 'malformed JSON (often a truncated or proxied response)', bodyExcerpt: excerpt(text, this.#secrets(), 200), cause,
        ...this.#requestIdField(response),
      });
    }
  }

  async #readForCheck(call: Call, response: Response): Promise<ReadBody> {
    if (this.#bodyless(call, response)) {
      await response.body?.cancel();
      return { text: '', value: undefined };
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      // A failed response's body is only read for its message: the status still says what happened.
      if (response.ok) throw error;
      text = '';
    }
    return { text, value: this.#parse(call, response, text, response.ok) };
  }

  #inspect(call: Call, response: Response, body: unknown): InspectedResponse {
    return {
      status: response.status, headers: response.headers, body, operation: call.operation, method: call.method, route: call.route,
      requestId: this.#requestId(response),
      emitWarning: (warnings) => {
        if (warnings.length) this.emit({ type: 'provider-warning', operation: call.operation, callId: call.callId, warnings: [...warnings] });
      },
    };
  }

  /** The error and retry verdict for a failure the body signalled. */
  #bodyFailure(call: Call, response: Response, attempt: number, said: Exclude<ResponseVerdict, { kind: 'success' }>, rawText: string): { failure: ConnectorError; verdict: RetryVerdict } {
    if (said.kind === 'error') {
      const error = said.error;
      error.attempts = attempt;
      return { failure: error, verdict: { retryable: error.retryable, reason: error.reason ?? error.message } };
    }
    const status = response.status;
    const text = redactText(rawText, this.#secrets());
    const code = said.providerCode;
    const what = `${code ?? 'an error'}${said.message && said.message !== code ? ` (${said.message})` : ''}`;
    const requestId = this.#requestIdField(response);
    if (said.kind === 'auth') {
      const reason = said.code === 'insufficient-scope'
        ? `the credentials lack a permission (scope) this call needs${said.needed?.length ? `: ${said.needed.join(', ')}` : ''}`
        : said.code === 'expired' ? 'the credentials expired and could not be refreshed' : 'the provider rejected the credentials';
      return {
        failure: new AuthError(`${this.connector} ${call.operation}: ${reason}; the provider said ${what} (status ${status})`, {
          connector: this.connector, operation: call.operation, code: said.code, status, attempts: attempt, reason, ...requestId,
          ...(code !== undefined ? { providerError: code } : {}), ...(said.message !== undefined ? { providerErrorDescription: said.message } : {}),
          ...(said.needed ? { neededScopes: said.needed } : {}), ...(said.provided ? { providedScopes: said.provided } : {}),
        }),
        verdict: { retryable: false, reason },
      };
    }
    let verdict: RetryVerdict;
    if (said.kind === 'rate-limited') {
      const retryAfterMs = said.retryAfterMs ?? (said.retryAt ? Math.max(0, said.retryAt.getTime() - this.#clock.now()) : undefined);
      verdict = {
        retryable: true, rateLimited: true, notApplied: said.notApplied ?? true, reason: `rate limited (${code ?? status})`,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      };
    } else if (said.kind === 'retryable') {
      verdict = { retryable: true, reason: `the provider reported a transient failure (${code ?? status})`, ...(said.notApplied ? { notApplied: true } : {}) };
    } else {
      verdict = { retryable: false, reason: `the provider reported ${code ?? 'a failure'}: the same request would fail again` };
    }
    const message = `${this.connector} ${call.operation}: ${call.method} ${call.route} failed: the provider said ${what} (status ${status})`;
    const init = {
      connector: this.connector, operation: call.operation, status, retryable: verdict.retryable, reason: verdict.reason,
      bodyExcerpt: excerpt(text, []), attempts: attempt, ...requestId, ...(code !== undefined ? { providerCode: code } : {}),
    };
    const failure = this.#options.httpError?.({ message, init, body: text, headers: response.headers }) ?? new HttpError(message, init);
    return { failure, verdict };
  }

  async #validateBody(call: Call, data: unknown): Promise<unknown> {
    if (call.options.schema) {
      return validate(call.options.schema, data, {
        connector: this.connector, operation: call.operation, direction: 'response', secrets: this.#lazySecrets,
        ...this.#drift.contextFor(call.operation, call.options.validation?.drift),
      });
    }
    return data;
  }

  /** The failed response's text with secrets removed; '' when unreadable. */
  async #failureText(response: Response): Promise<string> {
    try {
      return redactText(await response.text(), this.#secrets());
    } catch {
      // The body is only for the message; the status already says what happened.
      return '';
    }
  }

  #httpFailure(call: Call, response: Response, attempt: number, verdict: RetryVerdict, text: string): ConnectorError {
    if (response.status === 401) return this.#unauthorized(call, response, attempt, verdict.reason);
    const message = `${this.connector} ${call.operation}: ${call.method} ${call.route} failed with ${response.status}`;
    const init = {
      connector: this.connector, operation: call.operation, status: response.status, retryable: verdict.retryable,
      reason: verdict.reason, bodyExcerpt: excerpt(text, this.#secrets()), attempts: attempt, ...this.#requestIdField(response),
    };
    return this.#options.httpError?.({ message, init, body: text, headers: response.headers }) ?? new HttpError(message, init);
  }

  #unauthorized(call: Call, response: Response, attempt: number, reason: string): AuthError {
    return new AuthError(`${this.connector} ${call.operation}: the provider rejected the credentials (401); ${reason}`, {
      connector: this.connector, operation: call.operation, code: 'rejected', status: 401, attempts: attempt, reason, ...this.#requestIdField(response),
    });
  }

  #toConnectorError(error: unknown, call: Call, attempt: number, timedOut: AbortCause, timeoutMs: number): ConnectorError {
    const { operation } = call;
    if (isConnectorError(error)) {
      error.attempts = attempt;
      return error;
    }
    if (call.options.signal?.aborted) {
      return new AbortedError(`${this.connector} ${operation}: aborted by the caller`, { connector: this.connector, operation, attempts: attempt, cause: call.options.signal.reason });
    }
    const idempotent = this.#isRetrySafe(call);
    if (timedOut === 'total') return this.#totalTimeout(call, attempt, undefined);
    if (timedOut === 'attempt') {
      return new TimeoutError(`${this.connector} ${operation}: attempt ${attempt} timed out after ${timeoutMs} ms`, {
        connector: this.connector, operation, timeout: 'attempt', timeoutMs, attempts: attempt, retryable: true,
        reason: idempotent ? 'the attempt timed out' : 'the attempt timed out after the request may have been applied',
      });
    }
    const code = systemErrorCode(error);
    const beforeSend = code !== undefined && BEFORE_SEND_CODES.has(code);
    return new NetworkError(`${this.connector} ${operation}: network error${code ? ` (${code})` : ''}`, {
      connector: this.connector, operation, attempts: attempt, beforeSend, retryable: true, cause: error,
      ...(code ? { code } : {}), reason: beforeSend ? 'the connection failed before the request was sent' : 'the connection failed',
    });
  }

  #isRetrySafe(call: Call): boolean {
    return IDEMPOTENT_METHODS.has(call.method) || call.idempotencyKey !== undefined || call.options.idempotent === true;
  }

  /** Decides whether and when to retry; may swap the error for a RateLimitError with `retryAt`. */
  #planRetry(call: Call, attempt: number, failure: ConnectorError, verdict: RetryVerdict, response: Response | undefined):
    | { retry: true; delayMs: number; reason: string; source: 'backoff' | 'server' }
    | { retry: false; error?: ConnectorError } {
    const now = this.#clock.now();
    const status = response?.status;
    const serverDelay = verdict.retryAfterMs ?? (response ? serverRetryDelayMs(response.headers, now) : undefined);
    const rateLimited = verdict.rateLimited === true;
    if (rateLimited && status !== undefined) {
      this.emit({ type: 'rate-limited', operation: call.operation, callId: call.callId, status, ...(serverDelay !== undefined ? { retryAfterMs: serverDelay } : {}) });
    }
    const give = (reason: string, retryAfterMs?: number): { retry: false; error: ConnectorError } => {
      if (rateLimited || (serverDelay !== undefined && retryAfterMs !== undefined)) {
        const wait = retryAfterMs ?? serverDelay ?? backoffDelayMs(attempt, this.#policy, this.#random);
        return {
          retry: false,
          error: new RateLimitError(`${this.connector} ${call.operation}: rate limited; ${reason}. Try again after ${new Date(now + wait).toISOString()}`, {
            connector: this.connector, operation: call.operation, retryable: true, reason, attempts: attempt, retryAt: new Date(now + wait),
            ...(status !== undefined ? { status } : {}), ...(failure.requestId ? { requestId: failure.requestId } : {}), cause: failure,
          }),
        };
      }
      return { retry: false, error: withReason(failure, reason) };
    };

    if (!verdict.retryable) return { retry: false, error: withReason(failure, verdict.reason) };
    const beforeSend = failure instanceof NetworkError && failure.beforeSend;
    // Not applied (a 429, a provider code documented as refused before processing): repeating cannot duplicate anything.
    if (!this.#isRetrySafe(call) && !beforeSend && verdict.notApplied !== true) {
      return give(`${call.method} without an idempotency key is not retried: the first attempt may have been applied`);
    }
    if (attempt >= this.#policy.maxAttempts) return give(`gave up after ${attempt} attempt${attempt > 1 ? 's' : ''} (retry.maxAttempts)`);
    if (serverDelay !== undefined && serverDelay > this.#policy.maxRetryAfterMs) {
      return give(`the server asked for a ${Math.ceil(serverDelay / 1000)} s wait, longer than retry.maxRetryAfterMs (${this.#policy.maxRetryAfterMs} ms)`, serverDelay);
    }
    let delayMs: number;
    let source: 'backoff' | 'server';
    if (serverDelay !== undefined) {
      // A little jitter on top of the server's time keeps a fleet from returning in one burst.
      delayMs = serverDelay + Math.round(this.#random() * Math.min(1000, serverDelay * 0.1));
      source = 'server';
    } else {
      delayMs = backoffDelayMs(attempt, this.#policy, this.#random);
      source = 'backoff';
    }
    if (verdict.minDelayMs !== undefined && delayMs < verdict.minDelayMs) {
      if (verdict.minDelayMs > this.#policy.maxRetryAfterMs) {
        return give(`the provider needs at least a ${Math.ceil(verdict.minDelayMs / 1000)} s wait, longer than retry.maxRetryAfterMs (${this.#policy.maxRetryAfterMs} ms)`, verdict.minDelayMs);
      }
      delayMs = verdict.minDelayMs;
      source = 'server';
    }
    if (now + delayMs >= call.deadline) {
      return give(`waiting ${delayMs} ms would pass the total deadline (timeout.totalMs ${this.#totalMs} ms)`, source === 'server' ? delayMs : undefined);
    }
    if (this.#budget && !this.#budget.tryAcquire()) {
      return give('retry budget exhausted: too many recent failures; retries resume as calls succeed');
    }
    return { retry: true, delayMs, reason: verdict.reason, source };
  }

  #totalTimeout(call: Call, attempts: number, lastError: ConnectorError | undefined): TimeoutError {
    return new TimeoutError(`${this.connector} ${call.operation}: no success within the total deadline of ${this.#totalMs} ms`, {
      connector: this.connector, operation: call.operation, timeout: 'total', timeoutMs: this.#totalMs, attempts, retryable: true,
      reason: 'the total deadline (timeout.totalMs) passed', ...(lastError ? { cause: lastError } : {}),
    });
  }

  #throwIfAborted(call: Call, attempts: number): void {
    const signal = call.options.signal;
    if (signal?.aborted) {
      throw new AbortedError(`${this.connector} ${call.operation}: aborted by the caller`, { connector: this.connector, operation: call.operation, attempts, cause: signal.reason });
    }
  }

  #requestId(response: Response): string | undefined {
    for (const name of this.#requestIdHeaders) {
      const value = response.headers.get(name);
      if (value) return value;
    }
    return undefined;
  }

  #requestIdField(response: Response): { requestId?: string } {
    const requestId = this.#requestId(response);
    return requestId === undefined ? {} : { requestId };
  }

  /** One `deprecation` event per operation for the life of the client, not one per call. */
  #checkDeprecation(call: Call, headers: Headers): void {
    if (this.#deprecationsSeen.has(call.operation)) return;
    const notice = (this.#options.deprecation ?? readDeprecation)(headers);
    if (!notice) return;
    this.#deprecationsSeen.add(call.operation);
    this.emit({ type: 'deprecation', operation: call.operation, method: call.method, route: call.route, ...notice });
  }
}

const METHODS = new Map<string, HttpMethod>(
  (['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const).flatMap((m) => [[m, m], [m.toLowerCase(), m]] as [string, HttpMethod][]),
);

/** The method in capitals, as the same string every time: listeners key caches by it. */
function normalizeMethod(method: string | undefined): HttpMethod {
  if (method === undefined) return 'GET';
  return METHODS.get(method) ?? (method.toUpperCase() as HttpMethod);
}

function providerCodeField(error: ConnectorError): { providerCode?: string } {
  const code = (error as { providerCode?: unknown }).providerCode ?? (error as { providerError?: unknown }).providerError;
  return typeof code === 'string' ? { providerCode: code } : {};
}

function withReason(error: ConnectorError, reason: string): ConnectorError {
  error.reason = reason;
  return error;
}

/** Creates the low-level client every connector is built from. See `HttpClientOptions`. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  return new HttpClient(options);
}

