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
  ResponseTooLargeError,
  NetworkError,
  RateLimitError,
  TimeoutError,
} from '../errors/index.ts';
import { type Clock, systemClock } from '../internal/clock.ts';
import { excerpt, redactText } from '../internal/redact.ts';
import { serverRetryDelayMs } from '../retry/retry-after.ts';
import { RetryBudget } from '../retry/retry-budget.ts';
import { RetryPlanner } from '../retry/retry-planner.ts';
import { failureFromVerdict } from '../retry/failure-from-verdict.ts';
import {
  backoffDelayMs,
  classifyStatus,
  IDEMPOTENT_METHODS,
  resolveRetryPolicy,
  type ResolvedRetryPolicy,
  type RetryOptions,
  type RetryVerdict,
} from '../retry/retry-policy.ts';
import { type InferOutput, type Schema, validate, validateNow, type ValidationOptions } from '../validation/validate.ts';
import { DriftReporter } from '../validation/drift-reporter.ts';
import { paginate, type Paginated, type PaginateOptions } from '../pagination/paginate.ts';
import { type Listings, resolveListing } from '../pagination/listings.ts';
import type { ItemAt } from '../pagination/read-path.ts';
import { type BodyEncoder, jsonBody } from './body-encoders.ts';
import { appendQuery, fillPath, joinUrl, type PathParams, type QueryParams } from './build-url.ts';
import { readDeprecation } from './deprecation.ts';
import { readText } from './read-text.ts';
import { firstVerdict, type InspectedResponse, type ResponseCheck, type ResponseVerdict } from './response-check.ts';
import { EventHub, type EventInput, type EventListener, type ConnectorEvent } from './events.ts';
import { createCircuitBreaker, type CircuitBreakerOptions } from '../circuit-breaker/circuit-breaker.ts';
import { createRateLimiter, type RateLimitOptions } from '../rate-limit/rate-limiter.ts';
import type { AttemptGate } from './attempt-gate.ts';
import { Attempt, AttemptGuard, type AbortCause, type AttemptInit, type AttemptTrip, elapsed } from './attempt.ts';
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

/** 64 MiB: far above any JSON page a provider sends, far below what takes a process down. */
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

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


let callCounter = 0;

/** Internal per-call state, kept in one place so the attempt loop reads top to bottom. */
interface Call {
  operation: string;
  method: HttpMethod;
  route: string;
  url: URL;
  /** What each attempt's fresh `Headers` starts from: the client's defaults as they are, or a per-call copy. */
  headers: Record<string, string> | Headers;
  body: BodyInit | undefined;
  /** The body is a stream: it can be sent once, so the call is never retried. */
  oneShot: boolean;
  /** Safe to repeat: an idempotent method, an idempotency key, or `idempotent: true`. */
  retrySafe: boolean;
  maxResponseBytes: number;
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
  readonly #planner: RetryPlanner;
  readonly #hub = new EventHub();
  readonly #ky: KyInstance;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #attemptMs: number;
  readonly #totalMs: number;
  readonly #bodyEncoder: BodyEncoder;
  readonly #maxResponseBytes: number;
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
    this.#planner = new RetryPlanner({
      connector: this.connector, policy: this.#policy, budget: this.#budget, clock: this.#clock, random: this.#random, totalMs: this.#totalMs,
      emit: (event) => this.emit(event),
    });
    this.#bodyEncoder = options.bodyEncoder ?? jsonBody;
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    if (!Number.isInteger(this.#maxResponseBytes) || this.#maxResponseBytes < 1) {
      throw new TypeError(`createHttpClient(${options.connector}): maxResponseBytes must be a whole number of bytes >= 1; got ${String(options.maxResponseBytes)}`);
    }
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
      // The attempt's headers travel the same way, past ky's option merging (which copied them twice
      // per call) straight into fetch's own Request (see `sendThrough`).
      fetch: (input, init) => sendThrough(transport, input as Request, init as AttemptInit),
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
  send<S extends Schema | undefined = undefined>(options: RequestOptions<S>): Promise<HttpResponse<ResponseData<S>>> {
    // Not an async function: the usual call hands #run's promise on instead of wrapping it in another.
    try {
      const call = this.#prepare(options as RequestOptions);
      if (options.bodySchema && options.body !== undefined) return this.#sendChecked(call, options.bodySchema, options.body) as Promise<HttpResponse<ResponseData<S>>>;
      this.#expiryWarning.check(this.#auth, this.#clock.now(), call.operation, (event) => this.emit(event));
      return this.#run(call) as Promise<HttpResponse<ResponseData<S>>>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #sendChecked(call: Call, bodySchema: Schema, body: unknown): Promise<HttpResponse<unknown>> {
    await validate(bodySchema, body, { connector: this.connector, operation: call.operation, direction: 'request', secrets: this.#lazySecrets });
    this.#expiryWarning.check(this.#auth, this.#clock.now(), call.operation, (event) => this.emit(event));
    return this.#run(call);
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
      return { ok: true, identity: await check.identify?.(data), expiresAt: this.#auth?.expiresAt?.() };
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
    let body: BodyInit | undefined;
    let oneShot = false;
    if (options.headers || options.body !== undefined || idempotencyKey) {
      const own = new Headers(this.#baseHeaders);
      if (options.headers) for (const name in options.headers) own.set(name, options.headers[name]!);
      if (options.body !== undefined) {
        if (isRawBody(options.body)) {
          // Sent as given: the caller's Content-Type stays, else fetch sets the right one (a
          // multipart boundary for FormData, form encoding for URLSearchParams, text for a string).
          body = options.body;
          oneShot = options.body instanceof ReadableStream;
        } else {
          const encoded = this.#bodyEncoder(options.body);
          body = encoded.body;
          // The caller's Content-Type wins (`application/merge-patch+json` for a JSON body).
          if (!(options.headers && hasHeader(options.headers, 'content-type'))) own.set('content-type', encoded.contentType);
        }
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
      oneShot,
      retrySafe: IDEMPOTENT_METHODS.has(method) || idempotencyKey !== undefined || options.idempotent === true,
      maxResponseBytes: options.maxResponseBytes ?? this.#maxResponseBytes,
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
        if (call.options.responseType === 'stream' && response.ok) {
          data = response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
        } else if (call.check && !(response.ok && this.#bodyless(call, response))) {
          read = await this.#readForCheck(call, response);
          said = call.check(this.#inspect(call, response, read.value));
        }
        const expired = said?.kind === 'auth' && said.code === 'expired';
        if (data !== undefined) {
          // A stream handed over unread.
        } else if (said !== undefined && said.kind !== 'success' && !(expired && !refreshedAfter401 && this.#auth?.onUnauthorized)) {
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
          const text = read ? redactText(read.text, this.#secrets()) : await this.#failureText(call, response);
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
      const plan = failure instanceof AbortedError || refused ? undefined : this.#planner.plan(call, attempt, failure, verdict!, response);
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
      const init: Options & AttemptInit = { attemptHeaders: headers, attemptSignal: guard.signal };
      if (call.method !== 'GET') init.method = call.method;
      if (call.body !== undefined) {
        init.body = call.body;
        // fetch sends a stream body only half-duplex, and must be told so.
        if (call.oneShot) (init as { duplex?: 'half' }).duplex = 'half';
      }
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
    const text = await this.#text(call, response);
    // Validated in this turn when the validator is synchronous: no promise per layer.
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

  /** The body as text, bounded by `maxResponseBytes`. */
  #text(call: Call, response: Response): Promise<string> {
    return readText(response, call.maxResponseBytes, (declaredBytes) => {
      const limit = call.maxResponseBytes;
      return new ResponseTooLargeError(
        `${this.connector} ${call.operation}: the ${response.status} response is ${declaredBytes === undefined ? 'larger than' : `${declaredBytes} bytes, over`} maxResponseBytes (${limit} bytes), so reading stopped; raise maxResponseBytes on the client or this call, or read it with responseType: 'stream'`,
        { connector: this.connector, operation: call.operation, status: response.status, limitBytes: limit, ...(declaredBytes !== undefined ? { declaredBytes } : {}), ...this.#requestIdField(response) },
      );
    });
  }

  async #readForCheck(call: Call, response: Response): Promise<ReadBody> {
    if (this.#bodyless(call, response)) {
      await response.body?.cancel();
      return { text: '', value: undefined };
    }
    let text: string;
    try {
      text = await this.#text(call, response);
    } catch (error) {
      // A failed response's body is only read for its message: the status still says what happened.
      if (response.ok || ResponseTooLargeError.isInstance(error)) throw error;
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
    return failureFromVerdict(said, {
      connector: this.connector, operation: call.operation, method: call.method, route: call.route, attempt, response,
      text: redactText(rawText, this.#secrets()), requestId: this.#requestId(response), now: this.#clock.now(), httpError: this.#options.httpError,
    });
  }

  #validateBody(call: Call, data: unknown): unknown {
    if (call.options.schema) {
      return validateNow(call.options.schema, data, {
        connector: this.connector, operation: call.operation, direction: 'response', secrets: this.#lazySecrets,
        ...this.#drift.contextFor(call.operation, call.options.validation?.drift),
      });
    }
    return data;
  }

  /** The failed response's text with secrets removed; '' when unreadable. */
  async #failureText(call: Call, response: Response): Promise<string> {
    try {
      return redactText(await this.#text(call, response), this.#secrets());
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
    const idempotent = call.retrySafe;
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

/** Bodies sent as given rather than through the body encoder. */
function isRawBody(body: unknown): body is BodyInit {
  return (
    typeof body === 'string' || body instanceof Uint8Array || body instanceof ArrayBuffer || body instanceof Blob ||
    body instanceof FormData || body instanceof URLSearchParams || body instanceof ReadableStream || ArrayBuffer.isView(body)
  );
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  for (const key in headers) if (key.toLowerCase() === name) return true;
  return false;
}

function providerCodeField(error: ConnectorError): { providerCode?: string } {
  const code = (error as { providerCode?: unknown }).providerCode ?? (error as { providerError?: unknown }).providerError;
  return typeof code === 'string' ? { providerCode: code } : {};
}


/** Creates the low-level client every connector is built from. See `HttpClientOptions`. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  return new HttpClient(options);
}


/**
 * Sends ky's request through the transport with the attempt's signal and headers. ky builds its
 * `Request` without the attempt's headers; fetch's own copy of it gets them here. A body fetch typed
 * itself (a multipart boundary for FormData, form encoding for URLSearchParams) keeps that type
 * unless the caller set one.
 */
function sendThrough(transport: typeof fetch, request: Request, init: AttemptInit): Promise<Response> {
  const headers = init.attemptHeaders;
  if (!headers) return transport(request, { signal: init.attemptSignal ?? null });
  if (request.body !== null && !headers.has('content-type')) {
    const typed = request.headers.get('content-type');
    if (typed !== null) headers.set('content-type', typed);
  }
  return transport(request, { signal: init.attemptSignal ?? null, headers });
}
