import { redisRateLimiter } from '@connectors/core/redis';
import { createFakeClock } from '@connectors/testing';
import { Redis } from 'ioredis';
import nock from 'nock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import postMessage from '../chat/__fixtures__/post-message.json' with { type: 'json' };
import { slack } from '../slack-connector.ts';
import { SLACK_METHOD_TIERS, slackRateLimitRoutes, tierBudget } from './slack-tiers.ts';

const API = 'https://slack.com';
const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
afterAll(() => redis.quit());
beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('slack tiers', () => {
  it("declares each method's documented tier as a per-minute budget", () => {
    const routes = slackRateLimitRoutes(['conversations.list', 'users.info', 'chat.postMessage', 'admin.unknown']);
    expect(routes['conversations.list']!.budget).toEqual([tierBudget(2)]);
    expect(routes['users.info']!.budget).toEqual([{ requests: 100, per: '1m' }]);
    // Unknown methods are paced as Tier 2, the most common tier.
    expect(routes['admin.unknown']!.budget).toEqual([{ requests: 20, per: '1m' }]);
    expect(routes['chat.postMessage']!.budget).toEqual([{ requests: 300, per: '1m' }, { requests: 1, per: '1s' }]);
    expect(routes['chat.postMessage']!.key!({ operation: 'chat.postMessage', method: 'POST', route: '/chat.postMessage', body: { channel: 'C1', text: 'x' } } as never)).toBe('C1');
    expect(SLACK_METHOD_TIERS['conversations.history']).toBe(3);
  });

  it('takes tier overrides (a non-Marketplace app reads history at Tier 1), and paces a method called through request once it has a tier', async () => {
    expect(slackRateLimitRoutes(['conversations.history'], { tiers: { 'conversations.history': 1 } })['conversations.history']!.budget).toEqual([{ requests: 1, per: '1m' }]);
    nock(API).post('/api/pins.add').times(2).reply(200, { ok: true });
    const clock = createFakeClock();
    const client = slack.create({ token: 'xoxb-tierstest', clock, random: () => 0, tiers: { 'pins.add': 1 } });
    const start = clock.now();
    for (let i = 0; i < 2; i++) await client.request({ method: 'POST', path: '/pins.add', operation: 'pins.add', body: { channel: 'C1', timestamp: '1.2' } });
    expect(clock.now() - start).toBeGreaterThanOrEqual(60_000);
  });

  it('paces chat.postMessage per channel: a burst to one channel waits, another channel does not', async () => {
    nock(API).post('/api/chat.postMessage').times(4).reply(200, postMessage);
    const clock = createFakeClock();
    const throttled: string[] = [];
    const client = slack.create({ token: 'xoxb-tierstest', clock, random: () => 0, onEvent: (e) => void (e.type === 'throttled' && throttled.push(e.operation)) });
    const start = clock.now();
    await Promise.all([0, 1, 2].map((i) => client.chat.postMessage({ channel: 'C1', text: `burst ${i}` })));
    expect(clock.now() - start).toBeGreaterThanOrEqual(2000);
    expect(throttled.filter((op) => op === 'chat.postMessage').length).toBeGreaterThanOrEqual(2);
    const other = clock.now();
    await client.chat.postMessage({ channel: 'C2', text: 'elsewhere' });
    expect(clock.now() - other).toBeLessThan(1000);
  });

  it("an app's own rateLimit.routes add to the method tiers instead of replacing them", async () => {
    nock(API).post('/api/chat.postMessage').times(2).reply(200, postMessage);
    const clock = createFakeClock();
    const client = slack.create({ token: 'xoxb-tierstest', clock, random: () => 0, rateLimit: { routes: { 'files.list': { concurrency: 1 } } } });
    const start = clock.now();
    for (let i = 0; i < 2; i++) await client.chat.postMessage({ channel: 'C1', text: `message ${i}` });
    // chat.postMessage keeps its 1 per second per channel.
    expect(clock.now() - start).toBeGreaterThanOrEqual(1000);
  });

  it('shares a channel bucket across instances through Redis: the second instance waits for the first', async () => {
    await redis.connect().catch(() => undefined);
    const prefix = `test:slack:${process.pid}:${Date.now()}`;
    nock(API).post('/api/chat.postMessage').times(2).reply(200, postMessage);
    const events: { instance: number; type: string; reason?: string }[] = [];
    const make = (instance: number) =>
      slack.create({
        token: 'xoxb-tierstest',
        random: () => 0,
        onEvent: (e) => void events.push({ instance, type: e.type, ...(e.type === 'throttled' ? { reason: e.reason } : {}) }),
        shared: (bucket, budget) => redisRateLimiter({ redis, key: `${prefix}:${bucket}`, ...budget }),
      });
    const [a, b] = [make(1), make(2)];
    await a.chat.postMessage({ channel: 'C9', text: 'from instance 1' });
    await b.chat.postMessage({ channel: 'C9', text: 'from instance 2' });
    expect(events.some((e) => e.instance === 2 && e.type === 'throttled' && e.reason === 'shared-budget')).toBe(true);
    expect(events.some((e) => e.instance === 1 && e.type === 'throttled')).toBe(false);
    await redis.del(...(await redis.keys(`${prefix}:*`)));
  });
});
