import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitError } from '../errors/index.ts';
import { createHttpClient } from '../http/create-http-client.ts';
import { startLimitedServer } from './__fixtures__/limited-server.ts';
import { redisRateLimiter } from './redis-rate-limiter.ts';

const run = promisify(execFile);
const PREFIX = `connectors-test:rate-limit:${randomUUID()}`;
let redis: Redis;

beforeAll(() => {
  redis = new Redis({ host: '127.0.0.1', port: 6379 });
});
afterAll(async () => {
  const keys = await redis.keys(`${PREFIX}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe('redisRateLimiter', () => {
  it('grants `requests` slots, then says when one frees; a finished call frees `per` after it finished', async () => {
    const limiter = redisRateLimiter({ redis, key: `${PREFIX}:a`, requests: 3, per: '1s' });
    const grants = await Promise.all([limiter.tryAcquire(), limiter.tryAcquire(), limiter.tryAcquire()]);
    expect(grants.map((g) => g.granted)).toEqual([true, true, true]);
    const refused = await limiter.tryAcquire();
    // All three still in flight: none can free sooner than a full window from now.
    expect(refused).toEqual({ granted: false, retryAfterMs: 1000 });
    if (grants[0]!.granted) grants[0]!.release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const later = await limiter.tryAcquire();
    expect(later.granted).toBe(false);
    if (!later.granted) {
      expect(later.retryAfterMs).toBeGreaterThan(900);
      expect(later.retryAfterMs).toBeLessThanOrEqual(1000);
    }
  });

  it('fails open by default when Redis is unreachable, and says so', async () => {
    const down = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    down.on('error', () => {});
    const errors: unknown[] = [];
    const open = redisRateLimiter({ redis: down, key: `${PREFIX}:down`, requests: 1, per: 1000, timeoutMs: 200, onError: (e) => errors.push(e) });
    expect(await open.tryAcquire()).toMatchObject({ granted: true, unavailable: expect.stringMatching(/isn't writeable|ECONNREFUSED|Connection is closed|did not answer/) });
    expect(errors).toHaveLength(1);
    const closed = redisRateLimiter({ redis: down, key: `${PREFIX}:down`, requests: 1, per: 1000, timeoutMs: 200, failOpen: false });
    await expect(closed.tryAcquire()).rejects.toThrow();
    const http = createHttpClient({ connector: 'acme', baseUrl: 'http://127.0.0.1:9', circuitBreaker: false, rateLimit: { parse: false, shared: closed } });
    const error = await http.request({ path: '/x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).message).toMatch(/shared rate limiter connectors-test:rate-limit:.*:down failed, so the call was not sent/);
    down.disconnect();
  });

  it('rejects malformed options', () => {
    expect(() => redisRateLimiter({ redis, key: '', requests: 1, per: 1 })).toThrow(/`key` must be a non-empty string/);
    expect(() => redisRateLimiter({ redis, key: 'k', requests: 1.5, per: 1 })).toThrow(/`requests` must be a whole number >= 1/);
    expect(() => redisRateLimiter({ redis, key: 'k', requests: 1, per: 'a while' })).toThrow(/redisRateLimiter\(k\)\.per must be a positive duration/);
    expect(() => redisRateLimiter({ redis: {} as Redis, key: 'k', requests: 1, per: 1 })).toThrow(/must be an ioredis client/);
  });

  it('keeps two processes together under one provider limit (20 per 500 ms, sliding)', async () => {
    const server = await startLimitedServer({ limit: 20, windowMs: 500, mode: 'sliding', headers: 'none' });
    try {
      const worker = fileURLToPath(new URL('./__fixtures__/redis-worker.ts', import.meta.url));
      const key = `${PREFIX}:shared`;
      const outputs = await Promise.all([1, 2].map(() => run(process.execPath, [worker, server.url, key, '25', '20', '500'], { timeout: 15_000 })));
      const results = outputs.map((o) => JSON.parse(o.stdout.trim()) as { ok: number; failed: number; errors: string[] });
      expect(results).toEqual([
        { ok: 25, failed: 0, errors: [] },
        { ok: 25, failed: 0, errors: [] },
      ]);
      expect(server.stats).toMatchObject({ requests: 50, rejected: 0 });
    } finally {
      await server.close();
    }
  });
});
