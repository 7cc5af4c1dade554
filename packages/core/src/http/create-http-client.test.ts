import http_ from 'node:http';
import net from 'node:net';
import nock from 'nock';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { useNock } from '../__fixtures__/use-nock.ts';
import type { AuthStrategy } from '../auth/auth-strategy.ts';
import { AbortedError, AuthError, HttpError, InvalidRequestError, NetworkError, RateLimitError, SchemaValidationError, TimeoutError } from '../errors/index.ts';
import { createTestClock } from '../internal/test-clock.ts';
import { createHttpClient, type HttpClientOptions } from './create-http-client.ts';
import type { ConnectorEvent } from './events.ts';

const BASE = 'https://api.acme.test';

/** The call's rejection, for assertions on its fields (each test checks the class first); fails if the call succeeds. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const failure = (call: Promise<unknown>): Promise<any> =>
  call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );

function setup(overrides: Partial<HttpClientOptions> = {}) {
  const events: ConnectorEvent[] = [];
  const clock = createTestClock();
  const http = createHttpClient({
    connector: 'acme',
    baseUrl: `${BASE}/v1`,
    clock,
    random: () => 0.5,
    onEvent: (e) => events.push(e),
    ...overrides,
  });
  const of = <T extends ConnectorEvent['type']>(type: T) => events.filter((e): e is Extract<ConnectorEvent, { type: T }> => e.type === type);
  return { http, events, clock, of };
}

// Local servers on 127.0.0.1 stand in for misbehaving hosts; everything else is mocked.
useNock({ allow: '127.0.0.1' });

describe('createHttpClient: requests', () => {
  it('fills path templates, sends query and the pinned version header, validates the body', async () => {
    nock(BASE, { reqheaders: { 'acme-version': '2024-06-01' } })
      .get('/v1/users/a%2Fb')
      .query({ expand: 'team', tags: ['x', 'y'] })
      .reply(200, { id: 'a/b', name: 'Ada' }, { 'content-type': 'application/json' });
    const { http } = setup({ apiVersion: { header: 'Acme-Version', value: '2024-06-01' } });
    const user = await http.request({
      path: '/users/{id}',
      params: { id: 'a/b' },
      query: { expand: 'team', tags: ['x', 'y'], skip: undefined },
      schema: v.object({ id: v.string(), name: v.string() }),
    });
    expect(user).toEqual({ id: 'a/b', name: 'Ada' });
  });

  it('pins the version as a path prefix', async () => {
    nock(BASE).get('/v1/2024-06/things').reply(200, []);
    const { http } = setup({ apiVersion: { pathPrefix: '2024-06' } });
    await expect(http.request({ path: '/things' })).resolves.toEqual([]);
  });

  it('rejects a missing path parameter before sending, naming it', async () => {
    const { http } = setup();
    const error = await failure(http.request({ path: '/users/{id}', operation: 'getUser' }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toContain('missing path parameter id');
    expect(error.retryable).toBe(false);
  });

  it('refuses an absolute URL on another origin (credentials stay home)', async () => {
    const { http } = setup();
    await expect(http.request({ path: 'https://evil.test/steal' })).rejects.toThrow(/refusing to send credentials to https:\/\/evil.test/);
  });

  it('throws SchemaValidationError with paths and never retries it', async () => {
    nock(BASE).get('/v1/users/1').reply(200, { id: 1 });
    const { http, of } = setup();
    const error = await failure(http.request({ path: '/users/{id}', params: { id: 1 }, schema: v.object({ id: v.string(), name: v.string() }) }));
    expect(error).toBeInstanceOf(SchemaValidationError);
    expect(error.issues.map((i: { path: string }) => i.path)).toEqual(['id', 'name']);
    expect(of('request')).toHaveLength(1);
  });

  it('validates a request body before sending', async () => {
    const { http } = setup();
    const error = await failure(http.request({ method: 'POST', path: '/users', body: { name: 3 }, bodySchema: v.object({ name: v.string() }) }));
    expect(error).toBeInstanceOf(SchemaValidationError);
    expect(error.direction).toBe('request');
  });
});

describe('createHttpClient: retry classification', () => {
  it.each([408, 425, 429, 500, 502, 503, 504])('retries %i and succeeds', async (status) => {
    nock(BASE).get('/v1/x').reply(status, 'busy').get('/v1/x').reply(200, { ok: true });
    const { http, of, clock } = setup();
    await expect(http.request({ path: '/x' })).resolves.toEqual({ ok: true });
    expect(of('retry')).toHaveLength(1);
    expect(of('retry')[0]).toMatchObject({ status, delaySource: 'backoff' });
    expect(clock.sleeps).toHaveLength(1);
  });

  it.each([400, 403, 404, 409, 410, 422])('does not retry %i and says why', async (status) => {
    nock(BASE).get('/v1/x').reply(status, { error: 'nope' });
    const { http, of } = setup();
    const error = await failure(http.request({ path: '/x' }));
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status, retryable: false, attempts: 1, connector: 'acme', operation: 'GET /x' });
    expect(error.reason).toMatch(/client error/);
    expect(error.bodyExcerpt).toContain('nope');
    expect(of('request')).toHaveLength(1);
    expect(of('give-up')[0]).toMatchObject({ retryable: false, status });
  });

  it('backs off exponentially with full jitter, capped', async () => {
    nock(BASE).get('/v1/x').times(5).reply(503);
    const { http, clock } = setup({ retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 3000 }, random: () => 0.999 });
    const error = await failure(http.request({ path: '/x' }));
    expect(error).toMatchObject({ status: 503, attempts: 5, retryable: true });
    expect(error.reason).toMatch(/gave up after 5 attempts/);
    expect(clock.sleeps).toEqual([999, 1998, 2997, 2997]);
  });

  it('retries network errors', async () => {
    nock(BASE).get('/v1/x').replyWithError('socket hang up').get('/v1/x').reply(200, 'ok');
    const { http } = setup();
    await expect(http.request({ path: '/x', responseType: 'text' })).resolves.toBe('ok');
  });

  it('reports the provider request id', async () => {
    nock(BASE).get('/v1/x').reply(404, {}, { 'x-request-id': 'req_123' });
    const { http } = setup();
    await expect(http.request({ path: '/x' })).rejects.toMatchObject({ requestId: 'req_123' });
  });
});

describe('createHttpClient: server-directed waits', () => {
  it('honours Retry-After in seconds', async () => {
    nock(BASE).get('/v1/x').reply(429, '', { 'retry-after': '7' }).get('/v1/x').reply(200, {});
    const { http, clock, of } = setup({ random: () => 0 });
    await http.request({ path: '/x' });
    expect(clock.sleeps).toEqual([7000]);
    expect(of('retry')[0]).toMatchObject({ delaySource: 'server', status: 429 });
    expect(of('rate-limited')[0]).toMatchObject({ status: 429, retryAfterMs: 7000 });
  });

  it('honours Retry-After as an HTTP-date', async () => {
    const { http, clock } = setup({ random: () => 0 });
    const at = new Date(clock.now() + 12_000).toUTCString();
    nock(BASE).get('/v1/x').reply(503, '', { 'retry-after': at }).get('/v1/x').reply(200, {});
    await http.request({ path: '/x' });
    expect(clock.sleeps).toEqual([12_000]);
  });

  it('reads IETF RateLimit fields and X-RateLimit-Reset when the budget is spent', async () => {
    const { http, clock } = setup({ random: () => 0 });
    nock(BASE)
      .get('/v1/x').reply(429, '', { ratelimit: '"default";r=0;t=4', 'ratelimit-policy': '"default";q=100;w=60' })
      .get('/v1/x').reply(429, '', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(clock.now() / 1000) + 30) })
      .get('/v1/x').reply(200, {});
    await http.request({ path: '/x' });
    expect(clock.sleeps[0]).toBe(4000);
    // the clock moved 4 s during the first wait; the epoch reset is 30 s after the start
    expect(clock.sleeps[1]).toBe(26_000);
  });

  it('does not sleep past maxRetryAfterMs: throws RateLimitError with retryAt', async () => {
    nock(BASE).get('/v1/x').reply(429, '', { 'retry-after': '3600' });
    const { http, clock } = setup({ retry: { maxRetryAfterMs: 60_000 } });
    const error = await failure(http.request({ path: '/x' }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAt.getTime()).toBe(clock.now() + 3_600_000);
    expect(error.retryable).toBe(true);
    expect(clock.sleeps).toEqual([]);
  });

  it('does not sleep past the total deadline either', async () => {
    nock(BASE).get('/v1/x').reply(503, '', { 'retry-after': '50' });
    const { http, clock } = setup({ timeout: { totalMs: 20_000 } });
    const error = await failure(http.request({ path: '/x' }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.reason).toMatch(/total deadline/);
    expect(clock.sleeps).toEqual([]);
  });
});

describe('createHttpClient: timeouts and abort', () => {
  // Timeouts use a real local server: nock's delayed replies trip an undici assertion when aborted.
  async function localServer(handler: http_.RequestListener) {
    const server = http_.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      close: () => {
        server.closeAllConnections();
        server.close();
      },
    };
  }

  it('times out one attempt and retries it', async () => {
    let hits = 0;
    let stuck: { end(body: string): void } | undefined;
    const server = await localServer((_req, res) => {
      hits++;
      // The first answer never comes while the test runs; the second is immediate. The attempt
      // timeout leaves a loaded CI machine plenty of time for the immediate one.
      if (hits === 1) stuck = res;
      else res.setHeader('content-type', 'application/json').end('{"second":true}');
    });
    const { http, of } = setup({ baseUrl: server.url, timeout: { attemptMs: 2_000 } });
    await expect(http.request({ path: '/slow' })).resolves.toEqual({ second: true });
    expect(of('response')[0]).toMatchObject({ outcome: 'retry', error: 'TimeoutError' });
    stuck?.end('{}');
    server.close();
  });

  it('stops at the total deadline', async () => {
    const server = await localServer((_req, res) => setTimeout(() => res.end('{}'), 300));
    const { http } = setup({ baseUrl: server.url, timeout: { attemptMs: 1000, totalMs: 100 }, clock: undefined });
    const error = await failure(http.request({ path: '/slow' }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.timeout).toBe('total');
    server.close();
  });

  it('honours an AbortSignal during a wait', async () => {
    nock(BASE).get('/v1/x').reply(503);
    const controller = new AbortController();
    const { http } = setup({
      clock: { now: () => Date.now(), sleep: (_ms, signal) => new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason))) },
    });
    const pending = failure(http.request({ path: '/x', signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('shutdown')), 20);
    const error = await pending;
    expect(error).toBeInstanceOf(AbortedError);
    expect(error.retryable).toBe(false);
  });

  it('honours an AbortSignal during an attempt', async () => {
    // A real server that never answers: nock's delayed replies trip an undici assertion on abort.
    const server = http_.createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const { http } = setup({ baseUrl: `http://127.0.0.1:${port}` });
    const error = await failure(http.request({ path: '/x', signal: AbortSignal.timeout(30) }));
    server.closeAllConnections();
    server.close();
    expect(error).toBeInstanceOf(AbortedError);
  });
});

describe('createHttpClient: non-idempotent methods', () => {
  it('does not retry a POST without an idempotency key', async () => {
    nock(BASE).post('/v1/charges').reply(503);
    const { http, of } = setup();
    const error = await failure(http.request({ method: 'POST', path: '/charges', body: { amount: 1 } }));
    expect(error).toBeInstanceOf(HttpError);
    expect(error.reason).toMatch(/POST without an idempotency key is not retried/);
    expect(of('request')).toHaveLength(1);
  });

  it('retries a POST that carries an idempotency key, with the same key', async () => {
    const keys: string[] = [];
    const record = (value: string | null) => (keys.push(String(value)), true);
    nock(BASE)
      .post('/v1/charges').matchHeader('idempotency-key', record).reply(502)
      .post('/v1/charges').matchHeader('idempotency-key', record).reply(200, { id: 'ch_1' });
    const { http } = setup();
    await expect(http.request({ method: 'POST', path: '/charges', body: { amount: 1 }, idempotencyKey: 'k-1' })).resolves.toEqual({ id: 'ch_1' });
    expect(keys).toEqual(['k-1', 'k-1']);
  });

  it('adds keys automatically where the connector declares support', async () => {
    const keys: string[] = [];
    const record = (value: string | null) => (keys.push(String(value)), true);
    nock(BASE)
      .post('/v1/charges').matchHeader('idempotency-key', record).reply(500)
      .post('/v1/charges').matchHeader('idempotency-key', record).reply(200, {});
    const { http } = setup({ idempotency: { auto: true } });
    await http.request({ method: 'POST', path: '/charges', body: {} });
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
  });

  it('retries a POST whose connection was refused (nothing was sent)', async () => {
    // A real closed port: the kernel refuses the connection before any byte is sent.
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const { http, of } = setup({ baseUrl: `http://127.0.0.1:${port}`, retry: { maxAttempts: 2 } });
    const error = await failure(http.request({ method: 'POST', path: '/charges', body: {} }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED', beforeSend: true, attempts: 2 });
    expect(of('retry')).toHaveLength(1);
  });

  it('does not retry a POST whose connection was reset (it may have been applied)', async () => {
    nock(BASE).post('/v1/charges').replyWithError('socket hang up');
    const { http } = setup();
    const error = await failure(http.request({ method: 'POST', path: '/charges', body: {} }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ beforeSend: false, attempts: 1 });
    expect(error.reason).toMatch(/without an idempotency key/);
  });
});

describe('createHttpClient: retry budget', () => {
  it('stops multiplying load during a full outage and recovers with successes', async () => {
    let hits = 0;
    nock(BASE).get('/v1/x').times(1000).reply(() => {
      hits++;
      return [503, ''];
    });
    // The circuit breaker would stop this outage even sooner; this test is about the retry budget alone.
    const { http } = setup({ retry: { maxAttempts: 4, budget: { maxTokens: 10, refillPerSuccess: 0.5 } }, circuitBreaker: false });
    for (let i = 0; i < 20; i++) await http.request({ path: '/x' }).catch(() => undefined);
    // 20 calls x 4 attempts would be 80 requests; the budget allows 20 first attempts + 10 retries.
    expect(hits).toBe(30);
    const last = await failure(http.request({ path: '/x' }));
    expect(last.reason).toMatch(/retry budget exhausted/);
    nock.cleanAll();
    nock(BASE).get('/v1/ok').times(4).reply(200, {});
    for (let i = 0; i < 4; i++) await http.request({ path: '/ok' });
    nock(BASE).get('/v1/x').reply(503).get('/v1/x').reply(200, { back: true });
    await expect(http.request({ path: '/x' })).resolves.toEqual({ back: true });
  });
});

describe('createHttpClient: 401 handling', () => {
  function refreshingAuth(results: boolean[]) {
    let token = 'tok_old_aaaaaaaa';
    const calls = { refresh: 0 };
    const auth: AuthStrategy = {
      kind: 'test',
      authorize: (req) => req.headers.set('authorization', `Bearer ${token}`),
      onUnauthorized: () => {
        calls.refresh++;
        token = 'tok_new_bbbbbbbb';
        return results.shift() ?? false;
      },
      secrets: () => [token, 'tok_old_aaaaaaaa'],
    };
    return { auth, calls };
  }

  it('refreshes once and retries once', async () => {
    nock(BASE)
      .get('/v1/me').matchHeader('authorization', 'Bearer tok_old_aaaaaaaa').reply(401)
      .get('/v1/me').matchHeader('authorization', 'Bearer tok_new_bbbbbbbb').reply(200, { me: 1 });
    const { auth, calls } = refreshingAuth([true]);
    const { http } = setup({ auth });
    await expect(http.request({ path: '/me' })).resolves.toEqual({ me: 1 });
    expect(calls.refresh).toBe(1);
  });

  it('a refresh that failed (the token endpoint said 429) does not spend the one refresh: the retry refreshes again', async () => {
    let token = 'tok_old_aaaaaaaa';
    let refreshes = 0;
    const auth: AuthStrategy = {
      kind: 'test',
      authorize: (req) => req.headers.set('authorization', `Bearer ${token}`),
      onUnauthorized: () => {
        refreshes++;
        if (refreshes === 1) throw new AuthError('the token endpoint refused to issue a token (429)', { connector: 'test', operation: 'GET /me', code: 'refresh-failed', retryable: true });
        token = 'tok_new_bbbbbbbb';
        return true;
      },
      secrets: () => [token, 'tok_old_aaaaaaaa'],
    };
    nock(BASE)
      .get('/v1/me').matchHeader('authorization', 'Bearer tok_old_aaaaaaaa').times(2).reply(401)
      .get('/v1/me').matchHeader('authorization', 'Bearer tok_new_bbbbbbbb').reply(200, { me: 1 });
    const { http } = setup({ auth });
    await expect(http.request({ path: '/me' })).resolves.toEqual({ me: 1 });
    expect(refreshes).toBe(2);
    // The same for a POST without an idempotency key: the provider refused it, nothing was applied.
    token = 'tok_old_aaaaaaaa';
    refreshes = 0;
    nock(BASE)
      .post('/v1/messages').matchHeader('authorization', 'Bearer tok_old_aaaaaaaa').times(2).reply(401)
      .post('/v1/messages').matchHeader('authorization', 'Bearer tok_new_bbbbbbbb').reply(200, { sent: 1 });
    await expect(http.request({ method: 'POST', path: '/messages', body: { text: 'hi' } })).resolves.toEqual({ sent: 1 });
    expect(refreshes).toBe(2);
  });

  it('never loops: a second 401 is an AuthError', async () => {
    nock(BASE).get('/v1/me').times(2).reply(401, { message: 'Bad credentials tok_new_bbbbbbbb' });
    const { auth, calls } = refreshingAuth([true, true]);
    const { http } = setup({ auth });
    const error = await failure(http.request({ path: '/me' }));
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'rejected', status: 401, attempts: 2 });
    expect(calls.refresh).toBe(1);
  });
});

describe('createHttpClient: rotating credentials', () => {
  it('uses the new credentials from the next call, and keeps the old ones when the new are misconfigured', async () => {
    const strategy = (token: string): AuthStrategy => ({ kind: 'test', authorize: (req) => req.headers.set('authorization', `Bearer ${token}`) });
    nock(BASE)
      .get('/v1/me').matchHeader('authorization', 'Bearer old-token-1').reply(200, { who: 'old' })
      .get('/v1/me').matchHeader('authorization', 'Bearer new-token-2').reply(200, { who: 'new' })
      .get('/v1/me').matchHeader('authorization', 'Bearer new-token-2').reply(200, { who: 'still new' });
    const { http } = setup({ auth: strategy('old-token-1') });
    expect(await http.request({ path: '/me' })).toEqual({ who: 'old' });
    http.rotateCredentials(strategy('new-token-2'));
    expect(await http.request({ path: '/me' })).toEqual({ who: 'new' });
    const broken: AuthStrategy = {
      kind: 'test',
      init: () => {
        throw new AuthError('no token: environment variable ACME_TOKEN is not set', { connector: 'acme', operation: 'init', code: 'missing' });
      },
      authorize: () => undefined,
    };
    expect(() => http.rotateCredentials(broken)).toThrow(AuthError);
    expect(await http.request({ path: '/me' })).toEqual({ who: 'still new' });
  });
});

describe('createHttpClient: headers per attempt', () => {
  it('does not carry one strategy\'s headers into the next attempt after a rotation', async () => {
    const header: AuthStrategy = { kind: 'header', authorize: (req) => req.headers.set('authorization', 'Bearer header-token-1') };
    const query: AuthStrategy = { kind: 'query', authorize: (req) => req.url.searchParams.set('api_key', 'query-key-2') };
    nock(BASE).get('/v1/x').matchHeader('authorization', 'Bearer header-token-1').reply(503);
    // The retry must carry the new query key and no Authorization header at all.
    nock(BASE, { badheaders: ['authorization'] }).get('/v1/x').query({ api_key: 'query-key-2' }).reply(200, { ok: true });
    const { http } = setup({ auth: header });
    http.subscribe((event) => {
      if (event.type === 'retry') http.rotateCredentials(query);
    });
    await expect(http.request({ path: '/x' })).resolves.toEqual({ ok: true });
  });
});

describe('createHttpClient: deprecation notices', () => {
  it('emits one structured event per operation', async () => {
    const headers = {
      deprecation: '@1767225600',
      sunset: 'Wed, 30 Jun 2027 23:59:59 GMT',
      link: '<https://docs.acme.test/deprecations/v1-users>; rel="deprecation", <https://docs.acme.test/sunset>; rel="sunset"',
    };
    nock(BASE).get('/v1/users').times(3).reply(200, [], headers).get('/v1/teams').reply(200, [], headers);
    const { http, of } = setup();
    for (let i = 0; i < 3; i++) await http.request({ path: '/users', operation: 'users.list' });
    await http.request({ path: '/teams', operation: 'teams.list' });
    expect(of('deprecation')).toEqual([
      expect.objectContaining({
        operation: 'users.list',
        deprecation: '2026-01-01T00:00:00.000Z',
        sunset: '2027-06-30T23:59:59.000Z',
        deprecationLink: 'https://docs.acme.test/deprecations/v1-users',
        sunsetLink: 'https://docs.acme.test/sunset',
      }),
      expect.objectContaining({ operation: 'teams.list' }),
    ]);
  });

  it('reads a provider\'s own deprecation headers through the `deprecation` option', async () => {
    nock(BASE).get('/v1/orders').reply(200, [], { 'x-provider-deprecated-reason': 'Field `orders.legacyStatus` is deprecated' }).get('/v1/teams').reply(200, []);
    const { http, of } = setup({
      deprecation: (headers) => {
        const reason = headers.get('x-provider-deprecated-reason');
        return reason ? { reason } : undefined;
      },
    });
    await http.request({ path: '/orders', operation: 'orders.list' });
    await http.request({ path: '/teams', operation: 'teams.list' });
    expect(of('deprecation')).toEqual([expect.objectContaining({ operation: 'orders.list', reason: 'Field `orders.legacyStatus` is deprecated' })]);
  });
});

describe('createHttpClient: secrets', () => {
  it('keeps credentials out of errors and events', async () => {
    // Built at run time so the repository's secret scan stays strict about literals.
    const secret = ['sk', 'live', '51H' + 'abcdefghijklmnopqrstuv'].join('_');
    const auth: AuthStrategy = {
      kind: 'api-key',
      authorize: (req) => {
        req.headers.set('authorization', `Bearer ${secret}`);
        req.url.searchParams.set('api_key', secret);
      },
      secrets: () => [secret],
      sensitiveQueryParams: ['api_key'],
    };
    nock(BASE).get('/v1/x').query(true).reply(400, { error: `invalid key ${secret}` });
    nock(BASE).get('/v1/y').query(true).times(4).reply(500, `echo ${secret}`);
    const { http, events } = setup({ auth });
    const errors = [await failure(http.request({ path: '/x' })), await failure(http.request({ path: '/y' }))];
    const text = JSON.stringify({ events, errors: errors.map((e) => ({ ...e.toJSON(), message: e.message, stack: e.stack })) });
    expect(errors[0].bodyExcerpt).toContain('[REDACTED]');
    expect(text).not.toContain(secret);
  });
});
