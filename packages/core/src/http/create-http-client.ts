import type { KyInstance } from 'ky';
import type { AuthContext, AuthRequest, AuthStrategy } from '../auth/auth-strategy.ts';
import { CredentialExpiryWarning } from '../auth/credential-expiry-warning.ts';
import { AbortedError, AuthError, CircuitOpenError, type ConnectorError, HttpError, InvalidRequestError, RateLimitError } from '../errors/index.ts';
import { type Clock, systemClock } from '../internal/clock.ts';
import { redactText } from '../internal/redact.ts';
import { RetryBudget } from '../retry/retry-budget.ts';
import { RetryPlanner } from '../retry/retry-planner.ts';
import { classifyStatus, resolveRetryPolicy, type ResolvedRetryPolicy, type RetryVerdict } from '../retry/retry-policy.ts';
import { type Schema, validate } from '../validation/validate.ts';
import { DriftReporter } from '../validation/drift-reporter.ts';
import { paginate, type Paginated, type PaginateOptions } from '../pagination/paginate.ts';
import { type Listings, resolveListing } from '../pagination/listings.ts';
import type { ItemAt } from '../pagination/read-path.ts';
import { jsonBody } from './body-encoders.ts';
import { appendQuery, joinUrl, type QueryParams } from './build-url.ts';
import { readDeprecation } from './deprecation.ts';
import type { ResponseVerdict } from './response-check.ts';
import { EventHub, type EventInput, type EventListener, type ConnectorEvent } from './events.ts';
import { createCircuitBreaker } from '../circuit-breaker/circuit-breaker.ts';
import { createRateLimiter } from '../rate-limit/rate-limiter.ts';
import type { AttemptGate } from './attempt-gate.ts';
import { Attempt, AttemptGuard, type AttemptTrip, elapsed } from './attempt.ts';
import type { AttemptContext, AttemptInput, AttemptMiddleware } from './attempt-context.ts';
import { createRouteBudgets } from '../rate-limit/route-budgets.ts';
import { GraphQLRunner, type GraphQLRequestOptions } from '../graphql/graphql-call.ts';
import { graphqlPaginate, type GraphQLPaginateOptions } from '../graphql/graphql-pagination.ts';
import { parseDuration } from '../rate-limit/parse-duration.ts';
import { CallErrors, DEFAULT_REQUEST_ID_HEADERS, providerCodeField } from './call-errors.ts';
import { type Call, type CallDefaults, prepareCall } from './prepare-call.ts';
import { type ReadBody, ResponseReader } from './response-reader.ts';
import { attemptInit, createTransport } from './transport.ts';
import type {
  HttpClientOptions,
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

// The way through a call; HttpClient below reads in this order, from `send` down:
//   prepareCall      (prepare-call.ts)     options -> one Call: URL on the client's origin, headers, body, deadline
//   #run                                   the attempt loop: each attempt's outcome, then success, or failure and a retry plan
//   #attempt                               gates (circuit breaker, rate limits) and middleware, then authorize and send
//   createTransport  (transport.ts)        ky -> fetch, with the attempt's signal and headers
//   ResponseReader   (response-reader.ts)  the body as bounded text, JSON, checked against the schema; what a ResponseCheck sees
//   CallErrors       (call-errors.ts)      failures as typed errors (RetryPlanner, in retry/, decides whether to try again)

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
  readonly #attemptMs: number;
  /** What every call is prepared from: base URL and origin, default headers, body encoder, limits. */
  readonly #callDefaults: CallDefaults;
  readonly #reader: ResponseReader;
  readonly #errors: CallErrors;
  readonly #deprecationsSeen = new Set<string>();
  readonly #middleware: AttemptMiddleware[];
  readonly #gates: AttemptGate[];
  /** The gates for a call with `rateLimit: false`: the circuit breaker alone. */
  readonly #unlimitedGates: AttemptGate[];
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
    const pin = options.apiVersion;
    this.baseUrl = pin && 'pathPrefix' in pin ? joinUrl(base.toString(), pin.pathPrefix).toString() : base.toString();
    const headers = new Headers(options.headers);
    if (!headers.has('accept')) headers.set('accept', 'application/json');
    if (pin && 'header' in pin) headers.set(pin.header, pin.value);
    this.#policy = resolveRetryPolicy(options.retry);
    this.#budget = options.retry?.budget === false ? undefined : new RetryBudget(options.retry?.budget);
    this.#clock = options.clock ?? systemClock;
    this.#attemptMs = options.timeout?.attemptMs ?? 30_000;
    const totalMs = options.timeout?.totalMs ?? 120_000;
    this.#planner = new RetryPlanner({
      connector: this.connector, policy: this.#policy, budget: this.#budget, clock: this.#clock, random: options.random ?? Math.random, totalMs,
      emit: this.#emitBound,
    });
    const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    if (!Number.isInteger(maxResponseBytes) || maxResponseBytes < 1) {
      throw new TypeError(`createHttpClient(${options.connector}): maxResponseBytes must be a whole number of bytes >= 1; got ${String(options.maxResponseBytes)}`);
    }
    this.#callDefaults = {
      connector: this.connector,
      baseHref: this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`,
      origin: base.origin,
      // Default headers, accept and the version pin, computed once. A record, not a list of pairs:
      // fetch interceptors (nock, via @mswjs/interceptors) keep the pairs array a Headers was made
      // from as their own and push later `set`s into it, which would leak one call's Authorization
      // into every later call's defaults.
      baseHeaders: Object.fromEntries(headers),
      bodyEncoder: options.bodyEncoder ?? jsonBody,
      idempotency: options.idempotency,
      maxResponseBytes,
      totalMs,
      clock: this.#clock,
      responseCheck: options.responseCheck,
    };
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
    this.#ky = createTransport(options.fetch);
    this.#expiryWarning = new CredentialExpiryWarning(options.credentialExpiryWarningMs);
    const secrets = () => this.#secrets();
    this.#drift = new DriftReporter({ mode: options.validation?.drift, emit: this.#emitBound, secrets });
    this.#errors = new CallErrors({
      connector: this.connector, totalMs, clock: this.#clock, requestIdHeaders: options.requestIdHeaders ?? DEFAULT_REQUEST_ID_HEADERS, httpError: options.httpError, secrets,
    });
    this.#reader = new ResponseReader({ connector: this.connector, secrets, lazySecrets: this.#lazySecrets, drift: this.#drift, requestIds: this.#errors, emit: this.#emitBound });
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
    return appendQuery(joinUrl(this.#callDefaults.baseHref, path), query);
  }

  /** True when a URL is on the origin this client was configured for. */
  isSameOrigin(url: URL): boolean {
    return url.origin === this.#callDefaults.origin;
  }

  // The call pipeline, top to bottom: prepare the call, run its attempts (gates and middleware, then
  // send), read the response, then succeed, or fail and plan a retry.

  /** Makes a call and returns the (validated) body. */
  async request<S extends Schema | undefined = undefined>(options: RequestOptions<S>): Promise<ResponseData<S>> {
    return (await this.send(options)).data;
  }

  /** Makes a call and returns the body with status and headers (pagination reads `Link`, for instance). */
  send<S extends Schema | undefined = undefined>(options: RequestOptions<S>): Promise<HttpResponse<ResponseData<S>>> {
    // Not an async function: the usual call hands #run's promise on instead of wrapping it in another.
    try {
      const call = prepareCall(options as RequestOptions, this.#callDefaults);
      if (options.bodySchema && options.body !== undefined) return this.#sendChecked(call, options.bodySchema, options.body) as Promise<HttpResponse<ResponseData<S>>>;
      this.#expiryWarning.check(this.#auth, this.#clock.now(), call.operation, this.#emitBound);
      return this.#run(call) as Promise<HttpResponse<ResponseData<S>>>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #sendChecked(call: Call, bodySchema: Schema, body: unknown): Promise<HttpResponse<unknown>> {
    await validate(bodySchema, body, { connector: this.connector, operation: call.operation, direction: 'request', secrets: this.#lazySecrets });
    this.#expiryWarning.check(this.#auth, this.#clock.now(), call.operation, this.#emitBound);
    return this.#run(call);
  }

  async #run(call: Call): Promise<HttpResponse<unknown>> {
    const { operation, method, route, callId } = call;
    const base = { operation, callId };
    let refreshedAfter401 = false;
    let lastError: ConnectorError | undefined;

    for (let attempt = 1; ; attempt++) {
      this.#throwIfAborted(call, attempt - 1);
      const remaining = call.deadline - this.#clock.now();
      if (remaining <= 0) throw this.#errors.totalTimeout(call, attempt - 1, lastError);

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
        } else if (call.check && !(response.ok && this.#reader.bodyless(call, response))) {
          read = await this.#reader.readForCheck(call, response);
          said = call.check(this.#reader.inspect(call, response, read.value));
        }
        const expired = said?.kind === 'auth' && said.code === 'expired';
        if (data !== undefined) {
          // A stream handed over unread.
        } else if (said !== undefined && said.kind !== 'success' && !(expired && !refreshedAfter401 && this.#auth?.onUnauthorized)) {
          ({ failure, verdict } = this.#errors.bodyFailure(call, response, attempt, said, read!.text));
        } else if ((response.ok && !expired) || said?.kind === 'success') {
          data = read ? await this.#reader.validate(call, read.value) : await this.#reader.read(call, response);
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
            this.emit({ type: 'response', ...base, method, route, attempt, status: response.status, durationMs: elapsed(trip), outcome: refreshed ? 'retry' : 'failed', ...this.#errors.requestIdField(response) });
          }
          if (refreshed) continue;
          if (expired) throw this.#errors.bodyFailure(call, response, attempt, said!, read!.text).failure;
          throw this.#errors.unauthorized(call, response, attempt, 'the credentials were rejected and could not be refreshed');
        } else {
          const text = read ? redactText(read.text, this.#secrets()) : await this.#reader.failureText(call, response);
          const explicit = this.#policy.classify?.({ status: response.status, headers: response.headers, body: text });
          verdict = explicit ?? classifyStatus(response.status, this.#policy);
          failure = this.#errors.httpFailure(call, response, attempt, verdict, text);
        }
      } catch (error) {
        failure = this.#errors.toConnectorError(error, call, attempt, guard.cause, attemptMs);
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
            status: response!.status, durationMs: elapsed(trip), outcome: 'success', requestId: this.#errors.requestId(response!),
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
          ...(response ? { status: response.status, ...this.#errors.requestIdField(response) } : {}), ...providerCodeField(failure),
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
      return this.#ky(url, attemptInit(call, headers, guard.signal));
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

  /** One `deprecation` event per operation for the life of the client, not one per call. */
  #checkDeprecation(call: Call, headers: Headers): void {
    if (this.#deprecationsSeen.has(call.operation)) return;
    const notice = (this.#options.deprecation ?? readDeprecation)(headers);
    if (!notice) return;
    this.#deprecationsSeen.add(call.operation);
    this.emit({ type: 'deprecation', operation: call.operation, method: call.method, route: call.route, ...notice });
  }

  #throwIfAborted(call: Call, attempts: number): void {
    if (call.options.signal?.aborted) throw this.#errors.aborted(call, attempts);
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
        emit: this.#emitBound,
        maxWaitMs: this.#options.rateLimit && this.#options.rateLimit.maxWaitMs !== undefined ? parseDuration(this.#options.rateLimit.maxWaitMs, 'rateLimit.maxWaitMs') : 60_000,
      },
      this.#options.graphql,
    );
    return this.#graphql;
  }

  #authContext(): AuthContext {
    return this.#authContextOnce ??= { connector: this.connector, emit: this.#emitBound, clock: this.#clock };
  }

  #secrets(): string[] {
    return this.#auth?.secrets ? [...this.#auth.secrets()] : [];
  }

  /** The secrets, read only when a text is actually redacted (most calls never need them). */
  /** One function and one auth context for the life of the client, not one per call. */
  readonly #emitBound = (event: EventInput): void => this.emit(event);
  #authContextOnce: AuthContext | undefined;

  readonly #lazySecrets: Iterable<string> = { [Symbol.iterator]: () => this.#secrets()[Symbol.iterator]() };
}

/** Creates the low-level client every connector is built from. See `HttpClientOptions`. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  return new HttpClient(options);
}
