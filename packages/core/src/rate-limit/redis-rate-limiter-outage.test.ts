import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitError } from '../errors/index.ts';
import { createHttpClient } from '../http/create-http-client.ts';
import type { ConnectorEvent } from '../http/events.ts';
import { startLimitedServer, type LimitedServer } from './__fixtures__/limited-server.ts';
import { startRedisProcess, type RedisProcess } from '../__fixtures__/redis-process.ts';
import { redisRateLimiter } from './redis-rate-limiter.ts';

/*
 * The shared limiter against a real redis-server of its own, killed and restarted under load
 * (16 callers, each about 2.5 calls a second: under the 50-per-second budget, so any wait is the
 * limiter's, not the budget's). The README promises: no call waits for Redis longer than
 * `timeoutMs`; the outage is reported once and its end once; the budget is whole one window
 * after Redis answers again.
 */

const TIMEOUT_MS = 300;
// What a loaded 2-core machine may add to a local HTTP call on top of the limiter's own wait (a run
// with every package testing at once measured 1,055 ms). TIMEOUT_MS + SLACK_MS stays under the shortest
// outage (2 s), so a call that waited for Redis to come back still fails the bound.
const SLACK_MS = 1200;
const PER_MS = 1000;
const REQUESTS = 50;

let redisServer: RedisProcess;
let api: LimitedServer;

beforeAll(async () => {
  redisServer = await startRedisProcess();
  api = await startLimitedServer({ limit: 1_000_000, windowMs: 1000, headers: 'none' });
});
afterAll(async () => {
  await api?.close();
  await redisServer?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function outage(outageMs: number, clientOptions: RedisOptions, failOpen: boolean) {
  const redis = new Redis({ port: redisServer.port, ...clientOptions });
  redis.on('error', () => {});
  // Without an offline queue, commands sent before the first connection fail (fail open): start connected.
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  const key = `connectors-test:outage:${randomUUID()}`;
  const shared = redisRateLimiter({ redis, key, requests: REQUESTS, per: PER_MS, timeoutMs: TIMEOUT_MS, probeIntervalMs: 200, failOpen });
  const events: ConnectorEvent[] = [];
  const http = createHttpClient({
    connector: 'acme', baseUrl: api.url, retry: { maxAttempts: 1 }, circuitBreaker: false,
    rateLimit: { parse: false, shared }, onEvent: (event) => events.push(event),
  });
  const durations: number[] = [];
  const failures: unknown[] = [];
  let running = true;
  const caller = async () => {
    while (running) {
      const started = Date.now();
      try {
        await http.request({ path: '/items' });
      } catch (error) {
        failures.push(error);
      }
      durations.push(Date.now() - started);
      await sleep(400);
    }
  };
  const callers = Array.from({ length: 16 }, caller);
  try {
    await sleep(1000);
    await redisServer.kill();
    await sleep(outageMs);
    await redisServer.start();
    const deadline = Date.now() + 10_000;
    while (!events.some((e) => e.type === 'shared-budget' && e.state === 'recovered') && Date.now() < deadline) await sleep(20);
    const recoveredAt = Date.now();
    running = false;
    await Promise.all(callers);
    // One window after recovery (and after the last call finished), every slot is free again.
    await sleep(Math.max(0, recoveredAt + PER_MS + 250 - Date.now()));
    const check = redisRateLimiter({ redis, key, requests: REQUESTS, per: PER_MS, timeoutMs: 2000, failOpen: false });
    const grants = await Promise.all(Array.from({ length: REQUESTS + 1 }, () => check.tryAcquire()));
    return {
      durations, failures, granted: grants.filter((g) => g.granted).length,
      budgetEvents: events.filter((e) => e.type === 'shared-budget').map((e) => (e as { state: string }).state),
    };
  } finally {
    running = false;
    redis.disconnect();
  }
}

describe.each([
  ['a plain client, as `new Redis(url)` (offline queue on)', {}],
  ['a client with enableOfflineQueue: false', { enableOfflineQueue: false }],
] as [string, RedisOptions][])('redisRateLimiter through a Redis outage, %s', (_name, clientOptions) => {
  it.each([2000, 12_000])('a %i ms outage: no call waits beyond timeoutMs, one event each way, the budget whole a window later', async (outageMs) => {
    const result = await outage(outageMs, clientOptions, true);
    expect(result.failures).toEqual([]);
    expect(Math.max(...result.durations)).toBeLessThanOrEqual(TIMEOUT_MS + SLACK_MS);
    expect(result.budgetEvents).toEqual(['unavailable', 'recovered']);
    expect(result.granted).toBe(REQUESTS);
  }, 60_000);
});

describe('redisRateLimiter through a Redis outage, failing closed', () => {
  it('refuses calls at once while Redis is known down, then lets them through again', async () => {
    const result = await outage(2000, {}, false);
    expect(result.failures.length).toBeGreaterThan(0);
    expect(result.failures.every((e) => e instanceof RateLimitError)).toBe(true);
    expect(Math.max(...result.durations)).toBeLessThanOrEqual(TIMEOUT_MS + SLACK_MS);
    expect(result.budgetEvents).toEqual(['unavailable', 'recovered']);
    expect(result.granted).toBe(REQUESTS);
  }, 60_000);
});

describe('redisRateLimiter with a Redis that stops answering (CLIENT PAUSE)', () => {
  it('trips after one timeout: later calls do not ask Redis until the probe, and the timed-out reservation does not outlive its call', async () => {
    const redis = new Redis({ port: redisServer.port });
    const admin = new Redis({ port: redisServer.port });
    redis.on('error', () => {});
    try {
      await new Promise((resolve) => (redis.status === 'ready' ? resolve(undefined) : redis.once('ready', resolve)));
      const key = `connectors-test:pause:${randomUUID()}`;
      const errors: unknown[] = [];
      const shared = redisRateLimiter({ redis, key, requests: 5, per: 60_000, timeoutMs: 200, probeIntervalMs: 60_000, onError: (e) => errors.push(e) });
      // Every command of other clients waits (writes too) until the pause ends: a Redis that hangs.
      await admin.client('PAUSE', 1500, 'ALL');
      const first = await shared.tryAcquire();
      expect(first).toMatchObject({ granted: true, unavailable: expect.stringMatching(/did not answer within 200 ms/) });
      // Known down: twenty more calls get the same answer without a command sent (one error, not 21).
      const rest = await Promise.all(Array.from({ length: 20 }, () => shared.tryAcquire()));
      expect(rest.every((g) => g.granted && g.unavailable !== undefined)).toBe(true);
      expect(errors).toHaveLength(1);
      // Once Redis answers again, the check that timed out has run, and its reservation is gone.
      await sleep(1800);
      expect(await admin.zcard(key)).toBe(0);
    } finally {
      redis.disconnect();
      admin.disconnect();
    }
  }, 20_000);
});
