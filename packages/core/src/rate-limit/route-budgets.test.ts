import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useNock } from '../__fixtures__/use-nock.ts';
import { RateLimitError } from '../errors/index.ts';
import { createHttpClient, type HttpClientOptions } from '../http/create-http-client.ts';
import type { ConnectorEvent } from '../http/events.ts';
import { createTestClock } from '../internal/test-clock.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { redisRateLimiter } from './redis-rate-limiter.ts';
import { standardRateLimit } from './standard-rate-limit.ts';

const BASE = 'https://api.acme.test';
const PREFIX = `connectors-test:route-budgets:${randomUUID()}`;

function setup(overrides: Partial<HttpClientOptions> = {}) {
  const events: ConnectorEvent[] = [];
  const clock = createTestClock({ sleep: 'wait' });
  const http = createHttpClient({ connector: 'acme', baseUrl: BASE, clock, circuitBreaker: false, onEvent: (e) => events.push(e), ...overrides });
  return { http, clock, events };
}

/** Resolves to which of the calls have settled so far, without waiting for the rest. */
async function settled(calls: readonly Promise<unknown>[]): Promise<boolean[]> {
  const done = calls.map(() => false);
  calls.forEach((call, i) => call.then(() => (done[i] = true), () => (done[i] = true)));
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
  return done;
}

useNock();

describe('rateLimit.routes', () => {
  it('paces one route by its own windows; a burst on it does not slow another route', async () => {
    nock(BASE).get('/search').times(4).reply(200, {}).get('/items').times(3).reply(200, {});
    const { http, clock, events } = setup({ rateLimit: { parse: false, routes: { 'GET /search': { budget: [{ requests: 2, per: '1m' }, { requests: 100, per: '1d' }] } } } });
    const search = Array.from({ length: 4 }, () => http.request({ path: '/search' }));
    const items = Array.from({ length: 3 }, () => http.request({ path: '/items' }));
    expect(await settled([...search, ...items])).toEqual([true, true, false, false, true, true, true]);
    await clock.advance(60_000);
    await Promise.all(search);
    expect(events.filter((e) => e.type === 'throttled' && e.operation === 'GET /search')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'throttled' && e.operation === 'GET /items')).toHaveLength(0);
  });

  it('matches by operation name and splits a route into sub-buckets by key', async () => {
    nock(BASE).post('/chat.postMessage').times(3).reply(200, { ok: true });
    const { http, clock } = setup({
      rateLimit: {
        parse: false,
        routes: { 'chat.postMessage': { budget: { requests: 1, per: '1s' }, key: ({ body }) => (body as { channel: string }).channel } },
      },
    });
    const post = (channel: string) => http.request({ method: 'POST', path: '/chat.postMessage', operation: 'chat.postMessage', body: { channel, text: 'hi' } });
    const calls = [post('C1'), post('C1'), post('C2')];
    expect(await settled(calls)).toEqual([true, false, true]);
    await clock.advance(1000);
    await Promise.all(calls);
  });

  it('honours a call\'s rateLimit: false on routes, the client-wide limiter and a limiter used as middleware', async () => {
    nock(BASE).get('/search').times(3).reply(200, {});
    const shared = createRateLimiter({ parse: false, budget: { requests: 1, per: '1h' } });
    const { http } = setup({
      rateLimit: { parse: false, budget: { requests: 1, per: '1h' }, routes: { 'GET /search': { budget: { requests: 1, per: '1h' } } } },
      middleware: [shared.middleware],
    });
    await http.request({ path: '/search' });
    // Every limiter is spent for an hour, longer than maxWaitMs: a limited call fails at once...
    await expect(http.request({ path: '/search' })).rejects.toBeInstanceOf(RateLimitError);
    // ...while calls that opt out go straight through all three.
    await Promise.all([http.request({ path: '/search', rateLimit: false }), http.request({ path: '/search', rateLimit: false })]);
  });

  it('paces a route by its own rate-limit headers (a provider bucket of its own), leaving other routes alone', async () => {
    nock(BASE)
      .get('/search').reply(200, {}, { 'x-ratelimit-limit': '30', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '60' })
      .get('/items').times(2).reply(200, {});
    const { http } = setup({ rateLimit: { parse: false, maxWaitMs: 1000, routes: { 'GET /search': { parse: standardRateLimit } } } });
    await http.request({ path: '/search' });
    // The search budget is spent for a minute: the next search is refused at once, items still go.
    const error = await http.request({ path: '/search' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).message).toMatch(/the rate limit the provider reported/);
    await Promise.all([http.request({ path: '/items' }), http.request({ path: '/items' })]);
  });

  it('names the route in an option error', () => {
    expect(() => setup({ rateLimit: { routes: { 'GET /search': { budget: { requests: 0, per: '1m' } } } } })).toThrow(/rateLimit\.routes\["GET \/search"\]\.budget\.requests must be a whole number/);
  });

  it('fails at once past maxWaitMs with a RateLimitError naming the wait', async () => {
    nock(BASE).get('/search').reply(200, {});
    const { http } = setup({ rateLimit: { parse: false, maxWaitMs: 1000, routes: { 'GET /search': { budget: { requests: 1, per: '1m' } } } } });
    await http.request({ path: '/search' });
    const error = await http.request({ path: '/search' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).message).toMatch(/declared budget/);
  });
});

describe('rateLimit.routes shared through Redis, one budget per bucket', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis({ host: '127.0.0.1', port: 6379 });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('two clients (processes) share each channel\'s bucket; another channel has its own', async () => {
    const options = (): Partial<HttpClientOptions> => ({
      rateLimit: {
        parse: false,
        maxWaitMs: 0,
        routes: {
          'chat.postMessage': {
            key: ({ body }) => (body as { channel: string }).channel,
            shared: (bucket) => redisRateLimiter({ redis, key: `${PREFIX}:${bucket}`, requests: 2, per: '1m' }),
          },
        },
      },
      retry: { maxAttempts: 1 },
    });
    const a = setup(options()).http;
    const b = setup(options()).http;
    nock(BASE).post('/chat.postMessage').times(3).reply(200, { ok: true });
    const post = (http: typeof a, channel: string) => http.request({ method: 'POST', path: '/chat.postMessage', operation: 'chat.postMessage', body: { channel } });
    await post(a, 'C1');
    await post(b, 'C1');
    await expect(post(a, 'C1')).rejects.toBeInstanceOf(RateLimitError);
    await expect(post(b, 'C2')).resolves.toEqual({ ok: true });
    expect(await redis.exists(`${PREFIX}:chat.postMessage:C1`, `${PREFIX}:chat.postMessage:C2`)).toBe(2);
  });
});
