import { REDACTED, redactText, type CommonConnectorOptions, type ConnectorEvent, type ConnectorInstance } from '@connectors/core';
import nock from 'nock';
import { createFakeClock, type FakeClock } from '../clock/fake-clock.ts';
import { fixtureToStep, responseOf, type FixtureResponse, type ResponseSource } from '../fixtures/fixture.ts';
import { answerStep, mockSequence, type MockedSequence, type RecordedRequest } from '../nock/mock-sequence.ts';
import { createNockGuard, UnmatchedRequestsError } from '../nock/nock-guard.ts';
import { resolveStep, step, type ScenarioStep } from '../scenarios/scenario.ts';
import { signsTimestamp, signWebhookFor, type WebhookTamper } from '../webhooks/sign-webhook.ts';
import type { ConformanceOptions, ConformanceRoute } from './conformance-options.ts';

/** A conformance check failed: the message says what the connector did and what was expected. */
export class ConformanceError extends Error {
  override name = 'ConformanceError';
  readonly check: string;

  constructor(check: string, message: string) {
    super(`[${check}] ${message}`);
    this.check = check;
  }
}

/** One check of the suite, runnable on its own (the vitest suite registers one `it` per check). */
export interface ConformanceCheck {
  /** Stable id, e.g. `retry-after`. */
  id: string;
  title: string;
  run(): Promise<void>;
}

export interface ConformanceResult {
  id: string;
  title: string;
  passed: boolean;
  error?: Error;
}

/** What a check body gets: a connector wired to the fake clock and the event collector. */
interface CheckContext<C extends ConnectorInstance> {
  clock: FakeClock;
  events: ConnectorEvent[];
  /** Errors seen by the check; every one is searched for secrets. */
  errors: unknown[];
  /** Extra secrets learnt during the check (e.g. tokens a refresh issued). */
  secrets: string[];
  create(build?: (common: CommonConnectorOptions) => C): C;
  /** Fails the check; the message is redacted of every known secret. */
  fail(message: string): never;
}

const DEFAULT_UNAUTHORIZED: FixtureResponse = { status: 401, headers: { 'content-type': 'application/json' }, body: { message: 'Bad credentials' } };

/**
 * The checks every connector must pass, as plain async functions (no test runner needed). Checks
 * for optional cases (OAuth, pagination, webhooks) are only listed when the options describe them.
 */
export function conformanceChecks<C extends ConnectorInstance>(options: ConformanceOptions<C>): ConformanceCheck[] {
  validateOptions(options);
  const checks: ConformanceCheck[] = [
    { id: 'credentials', title: 'verifyCredentials() accepts valid credentials with their identity and throws AuthError on 401', run: () => checkCredentials(options) },
    { id: 'retry-after', title: 'a 429 with Retry-After is retried after the requested delay and succeeds', run: () => checkRetryAfter(options) },
    { id: 'server-error-burst', title: 'a burst of 503 is retried and succeeds', run: () => checkServerErrorBurst(options) },
    { id: 'no-retry-client-errors', title: 'a 400 or 422 is not retried (exactly one request)', run: () => checkNoRetryOnClientErrors(options) },
    { id: 'schema', title: 'the response schema accepts the fixture and rejects a corrupted copy with SchemaValidationError', run: () => checkSchema(options) },
    { id: 'no-secret-leaks', title: 'no secret appears in any event or error, even when the provider echoes it', run: () => checkNoSecretLeaks(options) },
  ];
  if (options.oauth) checks.splice(1, 0, { id: 'oauth-refresh', title: 'an expired access token is refreshed once and the call succeeds', run: () => checkOAuthRefresh(options) });
  if (options.pagination) checks.push({ id: 'pagination', title: 'pagination walks every fixture page and stops (exact item count, no extra request)', run: () => checkPagination(options) });
  if (options.bodyFailures) checks.push({ id: 'body-failures', title: 'failures signalled in the body become typed errors: auth not retried, rate limits retried once, permanent codes kept', run: () => checkBodyFailures(options) });
  if (options.graphql) checks.push({ id: 'graphql-errors', title: 'GraphQL errors become typed errors: GraphQLError and AuthError not retried, throttling retried once', run: () => checkGraphQLErrors(options) });
  if (options.webhook) checks.push({ id: 'webhook-signatures', title: 'a signed webhook verifies; tampered, forged and stale ones are rejected', run: () => checkWebhookSignatures(options) });
  return checks;
}

/** Runs every check in turn and reports each outcome; never throws for a failing check. */
export async function runConformance<C extends ConnectorInstance>(options: ConformanceOptions<C>): Promise<ConformanceResult[]> {
  const results: ConformanceResult[] = [];
  for (const check of conformanceChecks(options)) {
    try {
      await check.run();
      results.push({ id: check.id, title: check.title, passed: true });
    } catch (error) {
      results.push({ id: check.id, title: check.title, passed: false, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// The checks

export async function checkCredentials<C extends ConnectorInstance>(options: ConformanceOptions<C>): Promise<void> {
  const { credentials } = options;
  await harness('credentials', options, async (ctx) => {
    mockSequence(scopeFor(options.baseUrl), methodOf(credentials), pathOf(options, credentials), [respond(credentials.ok)], queryOf(credentials));
    const connector = ctx.create();
    let verified: Awaited<ReturnType<ConnectorInstance['verifyCredentials']>>;
    try {
      verified = await connector.verifyCredentials();
    } catch (error) {
      ctx.errors.push(error);
      return ctx.fail(`verifyCredentials() threw ${describeError(error)} for the valid-credentials fixture`);
    }
    if (verified.ok !== true) ctx.fail(`verifyCredentials() returned ok=${String(verified.ok)}; expected ok: true`);
    if (credentials.identity !== undefined ? verified.identity !== credentials.identity : !verified.identity) {
      ctx.fail(`verifyCredentials() reported identity ${JSON.stringify(verified.identity)}; expected ${credentials.identity !== undefined ? JSON.stringify(credentials.identity) : 'a non-empty identity (declare credentialsCheck.identify)'}`);
    }
  });

  await harness('credentials', options, async (ctx) => {
    // An OAuth connector may refresh once on a 401; the provider keeps refusing, so the result must still be an AuthError.
    if (options.oauth) mockTokenEndpoint(options, ctx, true);
    const unauthorized = respond(credentials.unauthorized ?? DEFAULT_UNAUTHORIZED);
    mockSequence(scopeFor(options.baseUrl), methodOf(credentials), pathOf(options, credentials), [unauthorized], { ...queryOf(credentials), repeatLast: true });
    const connector = ctx.create();
    const error = await expectRejection(ctx, () => connector.verifyCredentials(), 'verifyCredentials() with rejected credentials');
    if (!isError(error, 'AuthError')) ctx.fail(`verifyCredentials() on a 401 threw ${describeError(error)}; expected an AuthError (code "rejected")`);
  });
}

export async function checkOAuthRefresh<C extends ConnectorInstance>(options: ConformanceOptions<C>): Promise<void> {
  const oauth = options.oauth;
  if (!oauth) throw new TypeError('checkOAuthRefresh: options.oauth is not set');
  const { sample } = options;
  await harness('oauth-refresh', options, async (ctx) => {
    const token = mockTokenEndpoint(options, ctx, false);
    const ok = fixtureToStep(responseOf(sample.ok));
    const rejected = resolveStep(step.unauthorized());
    const seen: RecordedRequest[] = [];
    routeInterceptor(options, sample).times(Number.POSITIVE_INFINITY).optionally().reply((async (request: Request) => {
      const fresh = (request.headers.get('authorization') ?? '').includes(token.accessToken) || new URL(request.url).search.includes(encodeURIComponent(token.accessToken));
      return answerStep(fresh ? ok : rejected, request, seen);
    }) as never);
    const connector = ctx.create(oauth.create);
    try {
      await sample.call(connector);
    } catch (error) {
      ctx.errors.push(error);
      ctx.fail(`the call with an expired access token threw ${describeError(error)}; expected one refresh at ${oauth.token.url} and success (token endpoint called ${token.calls.length} time(s))`);
    }
    if (token.calls.length !== 1) ctx.fail(`the token endpoint was called ${token.calls.length} times; expected exactly one refresh`);
    const last = seen[seen.length - 1];
    if (!last || last.step !== ok.label) ctx.fail('the last request did not carry the refreshed access token');
    if (seen.length > 2) ctx.fail(`the call took ${seen.length} requests; expected at most 2 (one rejected with the old token, one with the new)`);
  });
}

export async function checkRetryAfter<C extends ConnectorInstance>(options: ConformanceOptions<C>): Promise<void> {
  const { sample } = options;
  const seconds = sample.retryAfterSeconds ?? 2;
  await harness('retry-after', options, async (ctx) => {
    const seq = mockSample(options, [step.rateLimited({ retryAfter: seconds }), respond(sample.ok)]);
    const connector = ctx.create();
    await expectSuccess(ctx, () => sample.call(connector), `after a 429 with Retry-After: ${seconds}`);
    if (seq.count !== 2) ctx.fail(`made ${seq.count} requests; expected 2 (the 429, then one retry)`);
    const wanted = seconds * 1000;
    if (!ctx.clock.sleeps.some((ms) => ms >= wanted)) {
      ctx.fail(`waited ${JSON.stringify(ctx.clock.sleeps)} ms before retrying; Retry-After asked for at least ${wanted} ms (sleep through the injected clock)`);
    }
    const retry = ctx.events.find((e) => e.type === 'retry');
    if (!retry) ctx.fail('no `retry` event was emitted for the retried 429');
  });
}

export async function checkServerErrorBurst<C extends ConnectorInstance>(options: ConformanceOptions<C>): Promise<void> {
  const { sample } = options;
  await harness('server-error-burst', options, async (ctx) => {
    const seq = mockSample(options, [{ ...step.serverError(503), times: 2 }, respond(sample.ok)]);
    const connector = ctx.create();
    await expectSuccess(ctx, () => sample.call(connector), 'after two 503 answers');
    if (seq.count !== 3) ctx.fail(`made ${seq.count} requests; expected 3 (two 503, then success)`);
  });
}

export async function checkNoRetryOnClientErrors<C extends ConnectorInstance>(options: ConformanceOptions<C>): Promise<void> {
  const { sample } = options;
  for (const status of [400, 422]) {
    await harness('no-retry-client-errors', options, async (ctx) => {
      const seq = mockSample(options, [step.status(status, { message: status === 400 ? 'Problems parsing JSON' : 'Validation Failed' })], true);
      const connector = ctx.create();
      const error = await expectRejection(ctx, () => sample.call(connector), `a ${status} answer`);
      if (seq.count !== 1) ctx.fail(`a ${status} was sent ${seq.count} times; a client error must not be retried (exactly one request)`);
      if ((error as { retryable?: unknown } | undefined)?.retryable === true) ctx.fail(`the ${status} error says retryable: true; a client error is not retryable`);
    });
  }
}

export async function checkSchema<C extends ConnectorInstance>(options: ConformanceOptions<C>): Promise<void> {
  const { sample } = options;
  await harness('schema', options, async (ctx) => {
    mockSample(options, [respond(sample.ok)]);
    const connector = ctx.create();
    await expectSuccess(ctx, () => sample.call(connector), 'with the recorded fixture (the schema must accept real responses)');
  });
  await harness('schema', options, async (ctx) => {
    const good = responseOf(sample.ok);
    let corrupted: unknown;
    try {
      corrupted = sample.corrupt(structuredClone(good.body));
    } catch (error) {
      throw new ConformanceError('schema', `sample.corrupt threw: ${describeError(error)}`);
    }
    if (JSON.stringify(corrupted) === JSON.stringify(good.body)) throw new ConformanceError('schema', 'sample.corrupt returned the body unchanged; it must break the schema (remove a required field or change a type)');
    const seq = mockSample(options, [{ kind: 'respond', status: good.status, headers: good.headers ?? {}, body: corrupted, label: 'corrupted' }], true);
    const connector = ctx.create();
    const error = await expectRejection(ctx, () => sample.call(connector), 'a corrupted response');
    if (!isError(error, 'SchemaValidationError')) ctx.fail(`a corrupted response threw ${describeError(error)}; expected SchemaValidationError (declare a response schema)`);
    if (seq.count !== 1) ctx.fail(`a schema failure was retried (${seq.count} requests); the same data would fail again`);
  });
}

export async function checkPagination<C extends ConnectorInstance>(options: ConformanceOptions<C>): Promise<void> {
  const pagination = options.pagination;
  if (!pagination) throw new TypeError('checkPagination: options.pagination is not set');
  await harness('pagination', options, async (ctx) => {
    const sequences = pagination.pages.map((page) => mockSequence(scopeFor(options.baseUrl), methodOf(page), pathOf(options, page), [respond(page.response)], queryOf(page)));
    const connector = ctx.create();
    let items: readonly unknown[];
    try {
      items = await pagination.call(connector);
    } catch (error) {
      ctx.errors.push(error);
      return ctx.fail(`pagination threw ${describeError(error)}`);
    }
    if (!Array.isArray(items)) ctx.fail(`pagination.call must return the items of every page as an array; got ${typeof items}`);
    const missing = sequences.map((s, i) => (s.count === 0 ? i + 1 : 0)).filter(Boolean);
    if (missing.length) ctx.fail(`page(s) ${missing.join(', ')} of ${pagination.pages.length} were never requested: pagination stopped early`);
    if (items.length !== pagination.expectedItems) ctx.fail(`pagination returned ${items.length} items; expected exactly ${pagination.expectedItems}`);
  });
}

export async function checkBodyFailures<C extends ConnectorInstance>(options: ConformanceOptions<C>): Promise<void> {
  const body = options.bodyFailures;
  if (!body) throw new TypeError('checkBodyFailures: options.bodyFailures is not set');
  const { sample } = options;
  if (body.auth) {
    await harness('body-failures', options, async (ctx) => {
      const seq = mockSample(options, [respond(body.auth!)], true);
      const error = await expectRejection(ctx, () => sample.call(ctx.create()), 'a body that rejects the credentials');
      if (!isError(error, 'AuthError')) ctx.fail(`a body rejecting the credentials threw ${describeError(error)}; expected AuthError (declare a responseCheck mapping the provider's auth codes)`);
      if (seq.count !== 1) ctx.fail(`a body auth failure was sent ${seq.count} times; expected exactly one request`);
    });
  }
  if (body.rateLimited) {
    await harness('body-failures', options, async (ctx) => {
      const seq = mockSample(options, [respond(body.rateLimited!), respond(sample.ok)]);
      await expectSuccess(ctx, () => sample.call(ctx.create()), 'after a body-signalled rate limit');
      if (seq.count !== 2) ctx.fail(`made ${seq.count} requests; expected 2 (the rate-limited answer, then one retry)`);
      if (!ctx.events.some((e) => e.type === 'rate-limited')) ctx.fail('no `rate-limited` event for the body-signalled rate limit (map the code to a rate-limited verdict)');
      if (ctx.clock.sleeps.length === 0) ctx.fail('retried without waiting; sleep through the injected clock');
    });
  }
  if (body.permanent) {
    await harness('body-failures', options, async (ctx) => {
      const seq = mockSample(options, [respond(body.permanent!)], true);
      const error = await expectRejection(ctx, () => sample.call(ctx.create()), 'a body that signals a permanent failure');
      if (seq.count !== 1) ctx.fail(`a permanent body failure was sent ${seq.count} times; expected exactly one request`);
      const fields = error as { retryable?: unknown; providerCode?: unknown; providerError?: unknown } | undefined;
      if (fields?.retryable !== false) ctx.fail(`the permanent body failure ${describeError(error)} is not marked retryable: false`);
      const code = fields?.providerCode ?? fields?.providerError;
      if (body.permanentCode !== undefined && code !== body.permanentCode) {
        ctx.fail(`the error carries provider code ${JSON.stringify(code)}; expected ${JSON.stringify(body.permanentCode)} (as providerCode)`);
      }
    });
  }
}

export async function checkGraphQLErrors<C extends ConnectorInstance>(options: ConformanceOptions<C>): Promise<void> {
  const graphql = options.graphql;
  if (!graphql) throw new TypeError('checkGraphQLErrors: options.graphql is not set');
  const route = { method: 'POST' as const, ...graphql.route };
  const mock = (steps: ScenarioStep[], repeat: boolean) => mockSequence(scopeFor(options.baseUrl), methodOf(route), pathOf(options, route), steps, { ...queryOf(route), repeatLast: repeat });
  await harness('graphql-errors', options, async (ctx) => {
    mock([respond(graphql.ok)], false);
    await expectSuccess(ctx, () => graphql.call(ctx.create()), 'with the successful GraphQL answer');
  });
  await harness('graphql-errors', options, async (ctx) => {
    const seq = mock([respond(graphql.error)], true);
    const error = await expectRejection(ctx, () => graphql.call(ctx.create()), 'a GraphQL answer with errors');
    if (!isError(error, 'GraphQLError')) ctx.fail(`a GraphQL answer with errors threw ${describeError(error)}; expected GraphQLError (use http.graphql)`);
    if (seq.count !== 1) ctx.fail(`a GraphQL error was sent ${seq.count} times; expected exactly one request`);
  });
  if (graphql.unauthenticated) {
    await harness('graphql-errors', options, async (ctx) => {
      const seq = mock([respond(graphql.unauthenticated!)], true);
      const error = await expectRejection(ctx, () => graphql.call(ctx.create()), 'an unauthenticated GraphQL answer');
      if (!isError(error, 'AuthError')) ctx.fail(`an unauthenticated GraphQL answer threw ${describeError(error)}; expected AuthError`);
      if (seq.count !== 1) ctx.fail(`an unauthenticated GraphQL answer was sent ${seq.count} times; expected exactly one request`);
    });
  }
  if (graphql.throttled) {
    await harness('graphql-errors', options, async (ctx) => {
      const seq = mock([respond(graphql.throttled!), respond(graphql.ok)], false);
      await expectSuccess(ctx, () => graphql.call(ctx.create()), 'after a throttled GraphQL answer');
      if (seq.count !== 2) ctx.fail(`made ${seq.count} requests; expected 2 (the throttled answer, then one retry)`);
    });
  }
}

export async function checkWebhookSignatures<C extends ConnectorInstance>(options: ConformanceOptions<C>): Promise<void> {
  const webhook = options.webhook;
  if (!webhook) throw new TypeError('checkWebhookSignatures: options.webhook is not set');
  const outcomes: unknown[] = [];
  const deliver = async (tamper?: WebhookTamper) => {
    const signed = signWebhookFor(webhook.scheme, { payload: webhook.payload, secret: webhook.secret, ...(webhook.type ? { type: webhook.type } : {}), ...(tamper ? { tamper } : {}) });
    const headers = { ...signed.headers, ...webhook.headers?.(signed) };
    try {
      const result = await webhook.verify({ body: signed.body, headers, method: signed.method, url: signed.url, secret: webhook.secret });
      outcomes.push(result);
      const rejected = result === false || (typeof result === 'object' && result !== null && (result as { ok?: unknown }).ok === false);
      return { accepted: !rejected, detail: result };
    } catch (error) {
      outcomes.push(error);
      return { accepted: false, detail: error };
    }
  };
  const valid = await deliver();
  const hidden = [webhook.secret, ...options.secrets];
  if (!valid.accepted) throw new ConformanceError('webhook-signatures', redactText(`a correctly signed ${webhook.scheme.name} delivery was rejected: ${describeError(valid.detail)}`, hidden));
  const tampers: WebhookTamper[] = ['body', 'wrong-secret'];
  if (signsTimestamp(webhook.scheme, webhook.secret)) tampers.push('stale');
  for (const tamper of tampers) {
    const outcome = await deliver(tamper);
    if (outcome.accepted) throw new ConformanceError('webhook-signatures', `a delivery with tamper "${tamper}" was accepted; it must be rejected`);
  }
  const leak = findSecret(outcomes, [webhook.secret]);
  if (leak) throw new ConformanceError('webhook-signatures', `the webhook secret appears in a verification result or error: ${leak}`);
}

export async function checkNoSecretLeaks<C extends ConnectorInstance>(options: ConformanceOptions<C>): Promise<void> {
  const { sample, credentials } = options;
  await harness('no-secret-leaks', options, async (ctx) => {
    echoRoute(options, sample, 400);
    const connector = ctx.create();
    await expectRejection(ctx, () => sample.call(connector), 'a 400 that echoes the credentials');
  });
  await harness('no-secret-leaks', options, async (ctx) => {
    if (options.oauth) mockTokenEndpoint(options, ctx, true);
    echoRoute(options, credentials, 401);
    const connector = ctx.create();
    await expectRejection(ctx, () => connector.verifyCredentials(), 'a 401 that echoes the credentials');
  });
  await harness('no-secret-leaks', options, async (ctx) => {
    const seq = mockSample(options, [step.serverError(503), respond(sample.ok)]);
    const connector = ctx.create();
    await expectSuccess(ctx, () => sample.call(connector), 'a retried call');
    if (seq.count < 1) ctx.fail('the sample call made no request');
  });
}

/**
 * Answers with an error that echoes everything the request carried (headers, URL, body), as some
 * providers do in their error messages: the connector must still keep its credentials out of errors.
 */
function echoRoute(options: { baseUrl: string }, route: ConformanceRoute, status: number): void {
  routeInterceptor(options, route).times(Number.POSITIVE_INFINITY).reply((async (request: Request) => {
    const sent = { url: request.url, headers: Object.fromEntries(request.headers), body: await request.text().catch(() => '') };
    const credential = request.headers.get('authorization') ?? '';
    return [status, JSON.stringify({ message: `rejected credentials ${credential}`, sent }), { 'content-type': 'application/json' }];
  }) as never);
}

// ---------------------------------------------------------------------------------------------
// The harness

/**
 * Runs one check body with nock guarded (no real network, unmatched requests reported), a fake
 * clock, and every event and error collected; then searches all of them for the secrets.
 */
async function harness<C extends ConnectorInstance>(check: string, options: ConformanceOptions<C>, body: (ctx: CheckContext<C>) => Promise<void>): Promise<void> {
  const guard = createNockGuard();
  const clock = createFakeClock();
  const events: ConnectorEvent[] = [];
  const errors: unknown[] = [];
  const secrets: string[] = [...options.secrets];
  const ctx: CheckContext<C> = {
    clock,
    events,
    errors,
    secrets,
    create(build = options.create) {
      const common: CommonConnectorOptions = { baseUrl: options.baseUrl, clock, random: () => 0, onEvent: (event) => events.push(event) };
      try {
        return build(common);
      } catch (error) {
        errors.push(error);
        throw new ConformanceError(check, redactText(`create() threw ${describeError(error)}`, secrets));
      }
    },
    fail(message) {
      // The message may quote a connector error; never let it print a secret in CI logs.
      throw new ConformanceError(check, redactText(message, secrets));
    },
  };
  try {
    try {
      await body(ctx);
    } catch (error) {
      // A request nock could not answer explains most failures better than the error it caused.
      if (guard.unmatched().length) throw new ConformanceError(check, redactText(new UnmatchedRequestsError(guard.unmatched()).message, secrets));
      throw error;
    }
    guard.check();
    const leak = findSecret([...events, ...errors], secrets);
    if (leak) throw new ConformanceError(check, `a secret given to the connector leaked: ${leak}`);
  } finally {
    guard.dispose();
  }
}

function validateOptions(options: ConformanceOptions<ConnectorInstance> | ConformanceOptions<never>): void {
  const o = options as ConformanceOptions<ConnectorInstance>;
  const where = 'conformance options';
  if (typeof o.create !== 'function') throw new TypeError(`${where}: create(common) is required; it builds the connector with test credentials and spreads common last`);
  try {
    new URL(o.baseUrl);
  } catch {
    throw new TypeError(`${where}: baseUrl must be an absolute URL (the origin the fixtures were recorded against); got ${JSON.stringify(o.baseUrl)}`);
  }
  if (!Array.isArray(o.secrets) || o.secrets.some((s) => typeof s !== 'string' || s.length < 4)) {
    throw new TypeError(`${where}: secrets must list every credential given to create() (each at least 4 characters) so leaks can be found`);
  }
  if (!o.credentials?.path || !o.credentials.ok) throw new TypeError(`${where}: credentials needs { path, ok } (the verifyCredentials route and a fixture)`);
  if (!o.sample?.path || !o.sample.ok || typeof o.sample.call !== 'function' || typeof o.sample.corrupt !== 'function') {
    throw new TypeError(`${where}: sample needs { call, path, ok, corrupt } (one read operation, its route, a fixture and a schema-breaking mutation)`);
  }
  if (o.pagination && (!o.pagination.pages?.length || !Number.isInteger(o.pagination.expectedItems) || typeof o.pagination.call !== 'function')) {
    throw new TypeError(`${where}: pagination needs { call, pages: [at least one page], expectedItems }`);
  }
  if (o.oauth) {
    try {
      new URL(o.oauth.token?.url);
    } catch {
      throw new TypeError(`${where}: oauth.token.url must be the absolute token endpoint URL; got ${JSON.stringify(o.oauth.token?.url)}`);
    }
  }
  if (o.bodyFailures && !o.bodyFailures.auth && !o.bodyFailures.rateLimited && !o.bodyFailures.permanent) {
    throw new TypeError(`${where}: bodyFailures needs at least one of auth, rateLimited, permanent (answers of the sample route)`);
  }
  if (o.graphql && (typeof o.graphql.call !== 'function' || !o.graphql.route?.path || !o.graphql.ok || !o.graphql.error)) {
    throw new TypeError(`${where}: graphql needs { call, route: { path }, ok, error } (one operation, its endpoint, a success and an errors answer)`);
  }
  if (o.webhook && (typeof o.webhook.verify !== 'function' || typeof o.webhook.scheme?.sign !== 'function' || !o.webhook.secret)) {
    throw new TypeError(`${where}: webhook needs { scheme (with sign), secret, payload, verify }`);
  }
}

function scopeFor(baseUrl: string): nock.Scope {
  return nock(new URL(baseUrl).origin);
}

function methodOf(route: ConformanceRoute): string {
  return (route.method ?? 'GET').toUpperCase();
}

/** Routes are written relative to `baseUrl`, which may itself carry a path (`https://api.x.com/v2`). */
function pathOf(options: { baseUrl: string }, route: ConformanceRoute): string {
  const base = new URL(options.baseUrl).pathname.replace(/\/$/, '');
  const path = route.path.startsWith('/') ? route.path : `/${route.path}`;
  return base && !path.startsWith(`${base}/`) ? `${base}${path}` : path;
}

function queryOf(route: ConformanceRoute): { query?: Record<string, string> } {
  return route.query ? { query: route.query } : {};
}

function respond(source: ResponseSource): ScenarioStep {
  const response = responseOf(source);
  return { kind: 'respond', status: response.status, headers: response.headers ?? {}, ...(typeof response.body === 'string' ? { rawBody: response.body } : { body: response.body }), label: 'fixture' };
}

function routeInterceptor(options: { baseUrl: string }, route: ConformanceRoute): nock.Interceptor {
  const interceptor = scopeFor(options.baseUrl).intercept(pathOf(options, route), methodOf(route));
  return interceptor.query(route.query ?? true);
}

/** Mocks the sample route with these steps; `alsoRepeat` keeps answering with the last step so extra attempts are counted, not unmatched. */
function mockSample<C extends ConnectorInstance>(options: ConformanceOptions<C>, steps: ScenarioStep[], alsoRepeat = false): MockedSequence {
  return mockSequence(scopeFor(options.baseUrl), methodOf(options.sample), pathOf(options, options.sample), steps, { ...queryOf(options.sample), repeatLast: alsoRepeat });
}

function mockTokenEndpoint<C extends ConnectorInstance>(options: ConformanceOptions<C>, ctx: CheckContext<C>, optional: boolean): { accessToken: string; calls: RecordedRequest[] } {
  const oauth = options.oauth!;
  const response = responseOf(oauth.token.response);
  const body = response.body as { access_token?: unknown; refresh_token?: unknown } | undefined;
  if (typeof body?.access_token !== 'string') throw new TypeError('conformance options: oauth.token.response must be a JSON body with an access_token');
  ctx.secrets.push(body.access_token);
  if (typeof body.refresh_token === 'string') ctx.secrets.push(body.refresh_token);
  const url = new URL(oauth.token.url);
  const calls: RecordedRequest[] = [];
  let interceptor = nock(url.origin).intercept(url.pathname, (oauth.token.method ?? 'POST').toUpperCase()).query(true).times(Number.POSITIVE_INFINITY);
  if (optional) interceptor = interceptor.optionally();
  const answer = fixtureToStep(response, 'token');
  interceptor.reply((async (request: Request) => answerStep(answer, request, calls)) as never);
  return { accessToken: body.access_token, calls };
}

async function expectSuccess<C extends ConnectorInstance>(ctx: CheckContext<C>, call: () => Promise<unknown>, what: string): Promise<void> {
  try {
    await call();
  } catch (error) {
    ctx.errors.push(error);
    ctx.fail(`the sample call failed ${what}: ${describeError(error)}`);
  }
}

async function expectRejection<C extends ConnectorInstance>(ctx: CheckContext<C>, call: () => Promise<unknown>, what: string): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    ctx.errors.push(error);
    return error;
  }
  return ctx.fail(`${what} succeeded; it must throw`);
}

/** Matches by class name up the prototype chain, so two copies of core still compare equal. */
function isError(error: unknown, name: string): boolean {
  for (let proto = error; proto; proto = Object.getPrototypeOf(proto)) {
    if ((proto as { constructor?: { name?: string } }).constructor?.name === name) return true;
  }
  return (error as { name?: unknown } | undefined)?.name === name;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (typeof error === 'object' && error !== null) return JSON.stringify(error);
  return String(error);
}

/**
 * Serialises events, errors (message, stack, toJSON, own fields, causes) and results, and returns a
 * description of the first secret found, or undefined.
 */
export function findSecret(values: readonly unknown[], secrets: readonly string[]): string | undefined {
  const candidates = secrets.filter((s) => s.length >= 4 && s !== REDACTED);
  if (candidates.length === 0) return undefined;
  for (const value of values) {
    const text = serialise(value);
    for (const secret of candidates) {
      for (const form of new Set([secret, encodeURIComponent(secret)])) {
        const at = text.indexOf(form);
        if (at >= 0) {
          const kind = value instanceof Error ? `error ${value.name}` : typeof value === 'object' && value !== null && 'type' in value ? `event "${String((value as { type: unknown }).type)}"` : 'value';
          return `${kind} contains a secret (${mask(secret)}) near: ${JSON.stringify(text.slice(Math.max(0, at - 40), at).concat('<secret>'))}`;
        }
      }
    }
  }
  return undefined;
}

function mask(secret: string): string {
  return `${secret.slice(0, Math.min(4, Math.floor(secret.length / 3)))}…(${secret.length} chars)`;
}

function serialise(value: unknown, depth = 0): string {
  if (depth > 5 || value === null || value === undefined) return String(value);
  if (typeof value !== 'object') return String(value);
  const parts: string[] = [];
  if (value instanceof Error) {
    parts.push(value.name, value.message, value.stack ?? '');
    for (const [key, inner] of Object.entries(value)) parts.push(key, typeof inner === 'object' ? serialise(inner, depth + 1) : String(inner));
    if (value.cause !== undefined) parts.push(serialise(value.cause, depth + 1));
  }
  try {
    parts.push(JSON.stringify(value));
  } catch {
    parts.push(String(value));
  }
  return parts.join('\n');
}
