import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { tokenStoreContract } from './__fixtures__/token-store-contract.ts';
import { redisTokenStore } from './redis-token-store.ts';

const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: false, maxRetriesPerRequest: 1 });
const runPrefix = `connectors-test:${randomUUID()}:`;

async function deleteKeys(pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 200);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

afterAll(async () => {
  await deleteKeys(`${runPrefix}*`);
  await redis.quit();
});

describe('redisTokenStore', () => {
  let prefix = `${runPrefix}0:`;
  let seq = 0;
  tokenStoreContract(
    () => redisTokenStore({ redis, prefix }),
    async () => {
      await deleteKeys(`${prefix}*`);
      prefix = `${runPrefix}${++seq}:`;
    },
  );

  it('keeps tokens and locks under the prefix, the lock with a TTL', async () => {
    const prefix = `${runPrefix}layout:`;
    const store = redisTokenStore({ redis, prefix });
    await store.set('cred', { accessToken: 'at-x', updatedAt: 1 });
    const lock = await store.tryLock('cred', 2_000);
    expect(await redis.get(`${prefix}token:cred`)).toBe(JSON.stringify({ accessToken: 'at-x', updatedAt: 1 }));
    const ttl = await redis.pttl(`${prefix}lock:cred`);
    expect(ttl).toBeGreaterThan(1_000);
    expect(ttl).toBeLessThanOrEqual(2_000);
    await lock!.release();
    expect(await redis.exists(`${prefix}lock:cred`)).toBe(0);
  });

  it('rejects something that is not a Redis client', () => {
    expect(() => redisTokenStore({ redis: {} as Redis })).toThrow(/ioredis client/);
  });
});
