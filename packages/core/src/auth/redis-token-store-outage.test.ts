import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRedisProcess, type RedisProcess } from '../__fixtures__/redis-process.ts';
import { redisTokenStore } from './redis-token-store.ts';
import type { TokenRecord } from './token-store.ts';

/*
 * The Redis token store against a redis-server of its own, killed and restarted: every operation
 * gives up within `timeoutMs` while Redis is gone, works again by itself once it is back, and every
 * write that was acknowledged is still there.
 */

const TIMEOUT_MS = 300;
// What a loaded 2-core machine may add on top of the store's own bound.
const SLACK_MS = 700;

let redisServer: RedisProcess;
beforeAll(async () => {
  redisServer = await startRedisProcess();
});
afterAll(async () => {
  await redisServer?.close();
});

const record = (accessToken: string, updatedAt: number): TokenRecord => ({ accessToken, refreshToken: `rt-${accessToken}`, expiresAt: 2_000_000_000_000, updatedAt });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `operation` until it succeeds (each try bounded by the store's timeoutMs), for at most `ms`. */
const untilSucceeds = <T>(operation: () => Promise<T>, ms = 20_000): Promise<T> => vi.waitFor(operation, { timeout: ms, interval: 100 });

/** How long an operation took, and whether it failed. */
async function timed(run: () => Promise<unknown>): Promise<{ ms: number; failed: boolean }> {
  const started = Date.now();
  try {
    await run();
    return { ms: Date.now() - started, failed: false };
  } catch {
    return { ms: Date.now() - started, failed: true };
  }
}

describe.each([
  ['a plain client (offline queue on)', {}],
  ['a client with enableOfflineQueue: false', { enableOfflineQueue: false }],
] as [string, RedisOptions][])('redisTokenStore through a Redis outage, %s', (_name, clientOptions) => {
  it.each([2000, 12_000])('a %i ms outage: each operation fails within timeoutMs, then the store works again alone; acknowledged writes survive', async (outageMs) => {
    const redis = new Redis({ port: redisServer.port, ...clientOptions });
    redis.on('error', () => {});
    await new Promise((resolve) => redis.once('ready', resolve));
    const store = redisTokenStore({ redis, prefix: `connectors-test:${randomUUID()}:`, timeoutMs: TIMEOUT_MS });
    try {
      await store.set('cred', record('before', 1));
      await redisServer.kill();
      const during: { ms: number; failed: boolean }[] = [];
      const outageEnds = Date.now() + outageMs;
      let n = 0;
      while (Date.now() < outageEnds - TIMEOUT_MS - SLACK_MS) {
        during.push(
          ...(await Promise.all([
            timed(() => store.get('cred')),
            timed(() => store.set('cred', record(`during-${++n}`, 1 + n))),
            timed(() => store.tryLock('cred', 5000)),
          ])),
        );
        await sleep(200);
      }
      await sleep(Math.max(0, outageEnds - Date.now()));
      await redisServer.start();
      expect(during.length).toBeGreaterThanOrEqual(3);
      expect(during.every((op) => op.failed)).toBe(true);
      expect(Math.max(...during.map((op) => op.ms))).toBeLessThanOrEqual(TIMEOUT_MS + SLACK_MS);

      // Recovers by itself within 10 s: no new client, no call to reconnect.
      await untilSucceeds(() => store.get('cred'), 10_000);
      // This Redis fsyncs every write (appendfsync always), and a loaded CI machine's disk has stalled a
      // flush past timeoutMs: a write is tried again until acknowledged, as an app would, each try bounded.
      await untilSucceeds(() => store.set('cred', record('after', 1_000)));
      await sleep(200);
      // The acknowledged write is there, and a write that timed out but ran late did not replace it.
      expect((await store.get('cred'))!.accessToken).toBe('after');
      const lock = await untilSucceeds(() => store.tryLock('cred', 5000));
      expect(lock).toBeDefined();
      await lock!.release();
    } finally {
      redis.disconnect();
    }
  }, 60_000);
});

describe('redisTokenStore writes', () => {
  it('never replace a newer record with an older one (a write Redis runs late)', async () => {
    const redis = new Redis({ port: redisServer.port });
    try {
      // Not about timeouts: this Redis fsyncs every write, and a loaded machine's disk has stalled past 1 s.
      const store = redisTokenStore({ redis, prefix: `connectors-test:${randomUUID()}:`, timeoutMs: 15_000 });
      await store.set('cred', record('newer', 2000));
      await store.set('cred', record('older', 1000));
      expect((await store.get('cred'))!.accessToken).toBe('newer');
      await store.set('cred', record('newest', 3000));
      expect((await store.get('cred'))!.accessToken).toBe('newest');
    } finally {
      redis.disconnect();
    }
  });
});
