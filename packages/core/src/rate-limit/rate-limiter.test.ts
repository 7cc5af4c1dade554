import nock from 'nock';
import { afterAll, describe, expect, it } from 'vitest';
import { useNock } from '../__fixtures__/use-nock.ts';
import { AbortedError, RateLimitError } from '../errors/index.ts';
import { type AttemptContext, createHttpClient, type HttpClientOptions } from '../http/create-http-client.ts';
import type { ConnectorEvent, ConnectorEventOf } from '../http/events.ts';
import { createTestClock } from '../internal/test-clock.ts';
import { type LimitedServer, startLimitedServer } from './__fixtures__/limited-server.ts';
import { createRateLimiter, type SharedGrant, type SharedRateLimiter } from './rate-limiter.ts';

const BASE = 'https://api.acme.test';

function client(baseUrl: string, overrides: Partial<HttpClientOptions> = {}) {
  const events: ConnectorEvent[] = [];
  const http = createHttpClient({ connector: 'acme', baseUrl, onEvent: (e) => events.push(e), circuitBreaker: false, ...overrides });
  const of = <T extends ConnectorEvent['type']>(type: T) => events.filter((e): e is ConnectorEventOf<T> => e.type === type);
  return { http, of };
}

/** Sends `count` calls at once and reports what the server saw. */
async function burst(http: ReturnType<typeof createHttpClient>, count: number) {
  const results = await Promise.allSettled(Array.from({ length: count }, () => http.request({ path: '/items' })));
  return { failed: results.filter((r) => r.status === 'rejected') };
}

describe('rate limiting against a local server that enforces 50 requests per second', () => {
  const servers: LimitedServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  const start = async (options: Parameters<typeof startLimitedServer>[0]) => {
    const server = await startLimitedServer(options);
    servers.push(server);
    return server;
  };

  it('paces a burst of 100 calls from X-RateLimit headers: zero 429s', async () => {
    const server = await start({ limit: 50, windowMs: 1000, headers: 'x-ratelimit' });
    const { http, of } = client(server.url);
    const { failed } = await burst(http, 100);
    expect(failed).toEqual([]);
    expect(server.stats).toMatchObject({ requests: 100, rejected: 0 });
    expect(of('rate-limited')).toEqual([]);
    // Past the first 50 the calls had to wait for the next window, and said so.
    const waits = of('throttled');
    expect(waits.length).toBeGreaterThanOrEqual(50);
    expect(waits.every((e) => e.reason === 'rate-limit-headers' && e.waitMs > 0)).toBe(true);
  });

  it('paces from the IETF RateLimit and RateLimit-Policy fields too', async () => {
    const server = await start({ limit: 30, windowMs: 1000, headers: 'ietf' });
    const { http } = client(server.url);
    const { failed } = await burst(http, 60);
    expect(failed).toEqual([]);
    expect(server.stats).toMatchObject({ requests: 60, rejected: 0 });
  });

  it('keeps a burst under a sliding window that sends no headers, with a declared budget', async () => {
    const server = await start({ limit: 50, windowMs: 1000, headers: 'none', mode: 'sliding' });
    const { http, of } = client(server.url, { rateLimit: { budget: { requests: 50, per: '1s' } } });
    const { failed } = await burst(http, 100);
    expect(failed).toEqual([]);
    expect(server.stats).toMatchObject({ requests: 100, rejected: 0 });
    expect(of('throttled').filter((e) => e.reason === 'declared-budget')).toHaveLength(50);
  });

  it('without headers or a budget, the same burst is rejected: the test server does limit', async () => {
    // A minute-long window: on a loaded machine the burst can take longer than a second to send,
    // and a one-second window would then let more than 50 through.
    const server = await start({ limit: 50, windowMs: 60_000, headers: 'none', mode: 'sliding' });
    const { http } = client(server.url, { retry: { maxAttempts: 1 } });
    const { failed } = await burst(http, 100);
    expect(server.stats.rejected).toBe(50);
    expect(failed).toHaveLength(50);
  });

  it('holds calls to the concurrency limit', async () => {
    const server = await start({ limit: 1000, windowMs: 1000, headers: 'none', latencyMs: 20 });
    const { http, of } = client(server.url, { rateLimit: { concurrency: 4 } });
    const { failed } = await burst(http, 20);
    expect(failed).toEqual([]);
    expect(server.stats.maxInFlight).toBe(4);
    expect(of('throttled').some((e) => e.reason === 'concurrency')).toBe(true);
  });
});

describe('rate limiting: bounded waits', () => {
  useNock();

  it('does not sleep through a reset an hour away: RateLimitError with retryAt, nothing sent', async () => {
    const clock = createTestClock();
    const reset = Math.floor(clock.now() / 1000) + 3600;
    nock(BASE).get('/v1/a').reply(200, {}, { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
    const { http } = client(`${BASE}/v1`, { clock });
    await http.request({ path: '/a' });
    const error = await http.request({ path: '/b' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ retryable: true, attempts: 1 });
    expect((error as RateLimitError).retryAt.getTime()).toBe(reset * 1000);
    expect((error as RateLimitError).message).toMatch(/longer than rateLimit\.maxWaitMs \(60000 ms\)/);
    expect(clock.sleeps).toEqual([]);
  });

  it('waits for a reset within maxWaitMs, then sends', async () => {
    const clock = createTestClock();
    const reset = Math.floor(clock.now() / 1000) + 20;
    nock(BASE)
      .get('/v1/a').reply(200, {}, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) })
      .get('/v1/b').reply(200, { ok: true });
    const { http, of } = client(`${BASE}/v1`, { clock });
    await http.request({ path: '/a' });
    await expect(http.request({ path: '/b' })).resolves.toEqual({ ok: true });
    expect(clock.sleeps).toEqual([20_000]);
    expect(of('throttled')).toEqual([expect.objectContaining({ reason: 'rate-limit-headers', waitMs: 20_000, operation: 'GET /b' })]);
  });

  it('honours a shorter rateLimit.maxWaitMs, and the call deadline', async () => {
    const clock = createTestClock();
    nock(BASE).get('/v1/a').times(2).reply(200, {}, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '20' });
    const { http } = client(`${BASE}/v1`, { clock, rateLimit: { maxWaitMs: '10s' } });
    await http.request({ path: '/a' });
    await expect(http.request({ path: '/b' })).rejects.toThrow(/longer than rateLimit\.maxWaitMs \(10000 ms\)/);
    const tight = client(`${BASE}/v1`, { clock, timeout: { totalMs: 5000 } });
    await tight.http.request({ path: '/a' });
    await expect(tight.http.request({ path: '/b' })).rejects.toThrow(/past the call's total deadline/);
  });

  it('holds other calls after a 429 with Retry-After instead of letting them hit the wall', async () => {
    const clock = createTestClock();
    nock(BASE)
      .get('/v1/a').reply(429, '', { 'retry-after': '7' })
      .get('/v1/a').reply(200, {})
      .get('/v1/b').reply(200, {});
    const { http, of } = client(`${BASE}/v1`, { clock, random: () => 0 });
    await http.request({ path: '/a' });
    expect(clock.sleeps).toEqual([7000]);
    await http.request({ path: '/b' });
    expect(of('rate-limited')).toHaveLength(1);
    expect(clock.sleeps).toEqual([7000]);
  });

  it('gives up a wait when the caller aborts', async () => {
    const clock = createTestClock({ sleep: 'wait' });
    nock(BASE).get('/v1/a').reply(200, {}, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '30' });
    const { http } = client(`${BASE}/v1`, { clock });
    await http.request({ path: '/a' });
    const controller = new AbortController();
    const waiting = http.request({ path: '/b', signal: controller.signal }).catch((e: unknown) => e);
    await clock.advance(1000);
    controller.abort();
    expect(await waiting).toBeInstanceOf(AbortedError);
  });

  it('sends one probe first and lets the rest go once the headers show room', async () => {
    const clock = createTestClock({ sleep: 'wait' });
    let served = 0;
    nock(BASE).get('/v1/x').times(5).reply(() => {
      served++;
      return [200, '{}', { 'content-type': 'application/json', 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': String(100 - served), 'x-ratelimit-reset': '60' }];
    });
    const { http } = client(`${BASE}/v1`, { clock });
    const results = await Promise.all(Array.from({ length: 5 }, () => http.request({ path: '/x' })));
    expect(results).toHaveLength(5);
    expect(served).toBe(5);
  });

  it('rejects malformed options with a TypeError that names them', () => {
    expect(() => client(BASE, { rateLimit: { budget: { requests: 10, per: '10 minutes' } } })).toThrow(/rateLimit\.budget\.per must be a positive duration.*'10s'/);
    expect(() => client(BASE, { rateLimit: { budget: { requests: 0, per: '1s' } } })).toThrow(/rateLimit\.budget\.requests must be a whole number >= 1; got 0/);
    expect(() => client(BASE, { rateLimit: { concurrency: 2.5 } })).toThrow(/rateLimit\.concurrency/);
    expect(() => client(BASE, { rateLimit: { spreadBelow: 2 } })).toThrow(/rateLimit\.spreadBelow/);
    expect(() => client(BASE, { rateLimit: { maxWaitMs: -1 } })).toThrow(/rateLimit\.maxWaitMs/);
  });

  it('can be shared by two clients of the same account', async () => {
    const clock = createTestClock();
    const limiter = createRateLimiter({ parse: false, budget: { requests: 2, per: '1m' } }, clock);
    nock(BASE).get('/v1/x').times(3).reply(200, {});
    const a = client(`${BASE}/v1`, { clock, rateLimit: false, middleware: [limiter.middleware] });
    const b = client(`${BASE}/v1`, { clock, rateLimit: false, middleware: [limiter.middleware] });
    await a.http.request({ path: '/x' });
    await b.http.request({ path: '/x' });
    await b.http.request({ path: '/x' });
    // The third call waited for the first slot to free, a minute after its response.
    expect(clock.sleeps).toEqual([60_000]);
    expect(b.of('throttled')).toEqual([expect.objectContaining({ reason: 'declared-budget', waitMs: 60_000 })]);
  });
});

describe('rate limiting: calls that need not wait', () => {
  useNock();

  const events: ConnectorEvent[] = [];
  const attempt = (clock: AttemptContext['clock'], signal = new AbortController().signal): AttemptContext => {
    const url = new URL(`${BASE}/v1/x`);
    return {
      connector: 'acme', operation: 'op', method: 'GET', route: '/x', url, host: url.host, headers: new Headers(), attempt: 1, signal,
      callerAborted: false, clock, emit: (event) => events.push(event as ConnectorEvent),
    };
  };
  /** A send that the test finishes by hand. */
  const deferredSend = () => {
    let finish!: (response: Response) => void;
    let fail!: (error: unknown) => void;
    const sent = { called: false };
    const promise = new Promise<Response>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    return { sent, finish, fail, next: () => ((sent.called = true), promise) };
  };

  it('sends at once while every gate is open, and queues in order behind the first gate that is not', async () => {
    events.length = 0;
    const clock = createTestClock({ sleep: 'wait' });
    const limiter = createRateLimiter({ concurrency: 1, budget: { requests: 2, per: '1m' } }, clock);
    const [a, b, c, d] = [deferredSend(), deferredSend(), deferredSend(), deferredSend()];
    const done = [a, b, c].map((s) => limiter.middleware(attempt(clock), s.next));
    // Nothing to wait for: the call is sent in the same turn.
    expect([a.sent.called, b.sent.called, c.sent.called]).toEqual([true, false, false]);
    a.finish(new Response('{}'));
    await clock.advance(0);
    expect([b.sent.called, c.sent.called]).toEqual([true, false]);
    b.finish(new Response('{}'));
    await clock.advance(0);
    // C has the concurrency slot but both budget slots free only a minute after A's and B's answers.
    expect(c.sent.called).toBe(false);
    await clock.advance(60_000);
    expect(c.sent.called).toBe(true);
    c.finish(new Response('{}'));
    await Promise.all(done);
    expect(events).toEqual([expect.objectContaining({ type: 'throttled', reason: 'declared-budget', waitMs: 60_000 })]);
    // The queue is empty again: the next call goes at once.
    void limiter.middleware(attempt(clock), d.next);
    expect(d.sent.called).toBe(true);
    d.finish(new Response('{}'));
  });

  it('gives every slot back when the send fails, at once or later', async () => {
    const clock = createTestClock({ sleep: 'wait' });
    const limiter = createRateLimiter({ concurrency: 1 }, clock);
    const failing = deferredSend();
    const first = limiter.middleware(attempt(clock), failing.next).catch((e: unknown) => e);
    failing.fail(new Error('reset by peer'));
    expect(await first).toEqual(new Error('reset by peer'));
    const throwing = limiter.middleware(attempt(clock), () => {
      throw new Error('bad request');
    });
    await expect(throwing).rejects.toThrow('bad request');
    expect(limiter.snapshot().default).toMatchObject({ inFlight: 0 });
    const next = deferredSend();
    void limiter.middleware(attempt(clock), next.next);
    expect(next.sent.called).toBe(true);
    next.finish(new Response('{}'));
  });

  it('refuses a call whose signal has already aborted, without sending it', async () => {
    const clock = createTestClock({ sleep: 'wait' });
    const limiter = createRateLimiter({}, clock);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const send = deferredSend();
    await expect(limiter.middleware(attempt(clock, controller.signal), send.next)).rejects.toThrow('stop');
    expect(send.sent.called).toBe(false);
  });

  it('paces from rate-limit headers that appear after calls that had none', async () => {
    const clock = createTestClock();
    const reset = Math.floor(clock.now() / 1000) + 3600;
    nock(BASE)
      .get('/v1/a').times(2).reply(200, {})
      .get('/v1/b').reply(200, {}, { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
    const { http } = client(`${BASE}/v1`, { clock });
    await http.request({ path: '/a' });
    await http.request({ path: '/a' });
    await http.request({ path: '/b' });
    const error = await http.request({ path: '/a' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAt.getTime()).toBe(reset * 1000);
  });
});

describe('rate limiting: a shared budget that stops answering', () => {
  useNock();

  it('reports the outage once when it starts and once when it ends, while calls go on (fail open)', async () => {
    let down = true;
    const shared: SharedRateLimiter = {
      name: 'ratelimit:acme',
      tryAcquire: async () => (down ? { granted: true, release: () => {}, unavailable: 'Redis did not answer within 1000 ms' } : { granted: true, release: () => {} }),
    };
    nock(BASE).get('/v1/items').times(5).reply(200, {});
    const { http, of } = client(`${BASE}/v1`, { rateLimit: { parse: false, shared } });
    for (let i = 0; i < 3; i++) await http.request({ path: '/items' });
    down = false;
    for (let i = 0; i < 2; i++) await http.request({ path: '/items' });
    expect(of('shared-budget').map((e) => [e.state, e.budget, e.reason])).toEqual([
      ['unavailable', 'ratelimit:acme', 'Redis did not answer within 1000 ms'],
      ['recovered', 'ratelimit:acme', undefined],
    ]);
  });

  it('reports it too when the limiter fails closed and the calls are refused', async () => {
    let down = true;
    const shared: SharedRateLimiter = {
      name: 'ratelimit:acme',
      tryAcquire: async () => {
        if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
        return { granted: true, release: () => {} };
      },
    };
    nock(BASE).get('/v1/items').reply(200, {});
    const { http, of } = client(`${BASE}/v1`, { rateLimit: { parse: false, shared }, retry: { maxAttempts: 1 } });
    for (let i = 0; i < 2; i++) await expect(http.request({ path: '/items' })).rejects.toBeInstanceOf(RateLimitError);
    down = false;
    await http.request({ path: '/items' });
    expect(of('shared-budget').map((e) => [e.state, e.reason])).toEqual([
      ['unavailable', 'connect ECONNREFUSED 127.0.0.1:6379'],
      ['recovered', undefined],
    ]);
  });

  it('asks the shared budget for every waiting call at once, not one after another', async () => {
    let inFlight = 0;
    let most = 0;
    const answers: (() => void)[] = [];
    const shared: SharedRateLimiter = {
      name: 'ratelimit:acme',
      tryAcquire: () => {
        most = Math.max(most, ++inFlight);
        return new Promise((resolve) => answers.push(() => {
          inFlight--;
          resolve({ granted: true, release: () => {} });
        }));
      },
    };
    nock(BASE).get('/v1/items').times(8).reply(200, {});
    const { http } = client(`${BASE}/v1`, { rateLimit: { parse: false, shared } });
    const calls = Array.from({ length: 8 }, () => http.request({ path: '/items' }));
    for (let turn = 0; turn < 100 && answers.length < 8; turn++) await new Promise((resolve) => setImmediate(resolve));
    // All eight checks are out before any answer came back (a queue in front of the store asks one at a time).
    expect(most).toBe(8);
    for (const answer of answers) answer();
    await Promise.all(calls);
  });

  it('gives back a slot granted to a call aborted while the store was answering', async () => {
    let released = 0;
    let answer: (() => void) | undefined;
    const shared: SharedRateLimiter = {
      name: 'ratelimit:acme',
      tryAcquire: () => new Promise((resolve) => (answer = () => resolve({ granted: true, release: () => void released++ }))),
    };
    const { http } = client(`${BASE}/v1`, { rateLimit: { parse: false, shared } });
    const controller = new AbortController();
    const call = http.request({ path: '/items', signal: controller.signal }).catch((e: unknown) => e);
    while (!answer) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    // The call ends at the abort, without waiting for the store's answer...
    expect(await call).toBeInstanceOf(AbortedError);
    expect(released).toBe(0);
    // ...and the slot the store grants afterwards is given back.
    answer();
    await new Promise((resolve) => setImmediate(resolve));
    expect(released).toBe(1);
  });

  it('reports an outage once even when an answer to an older check arrives after it began', async () => {
    const pending: ((grant: SharedGrant | Error) => void)[] = [];
    const shared: SharedRateLimiter = {
      name: 'ratelimit:acme',
      tryAcquire: () => new Promise((resolve, reject) => pending.push((g) => (g instanceof Error ? reject(g) : resolve(g)))),
    };
    nock(BASE).get('/v1/items').times(3).reply(200, {});
    const { http, of } = client(`${BASE}/v1`, { rateLimit: { parse: false, shared } });
    const early = http.request({ path: '/items' });
    const second = http.request({ path: '/items' });
    for (let turn = 0; turn < 100 && pending.length < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    // The second check fails first (Redis went down); the first one's success arrives after.
    pending[1]!({ granted: true, release: () => {}, unavailable: 'Redis did not answer within 1000 ms' });
    await second;
    pending[0]!({ granted: true, release: () => {} });
    await early;
    expect(of('shared-budget').map((e) => e.state)).toEqual(['unavailable']);
    // A check asked after the outage began that succeeds is the recovery.
    const third = http.request({ path: '/items' });
    for (let turn = 0; turn < 100 && pending.length < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    pending[2]!({ granted: true, release: () => {} });
    await third;
    expect(of('shared-budget').map((e) => e.state)).toEqual(['unavailable', 'recovered']);
  });
});

