import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { InboxStoreError } from '../errors/inbox-store-error.ts';
import { describeInboxStoreContract, event } from './__fixtures__/inbox-store-contract.ts';
import { deletePrefix, REDIS_URL } from './__fixtures__/redis-helpers.ts';
import { redisInboxStore } from './redis-inbox-store.ts';

describeInboxStoreContract('redis', async () => {
  const redis = new Redis(REDIS_URL);
  const store = redisInboxStore({ redis, prefix: `test-webhooks-${randomUUID()}` });
  return {
    store,
    cleanup: async () => {
      await deletePrefix(redis, store.keyPrefix);
      await redis.quit();
    },
  };
});

describe('redisInboxStore', () => {
  it('keeps every key under the braced prefix (one cluster slot) and removes the event hash once processed', async () => {
    const redis = new Redis(REDIS_URL);
    const store = redisInboxStore({ redis, prefix: `test-webhooks-${randomUUID()}` });
    await store.put(event('k1', { receivedAt: 1000 }));
    const keys = await redis.keys(`${store.keyPrefix}*`);
    expect(keys.sort()).toEqual([`${store.keyPrefix}:e:github:k1`, `${store.keyPrefix}:ready`, `${store.keyPrefix}:seen:github:k1`]);
    const [leased] = await store.lease({ limit: 1, leaseMs: 1000, now: 1000 });
    await store.markProcessed('github:k1', leased!.leaseToken, { now: 1100, retainMs: 60_000 });
    expect((await redis.keys(`${store.keyPrefix}*`)).sort()).toEqual([`${store.keyPrefix}:seen:github:k1`]);
    expect(await redis.pttl(`${store.keyPrefix}:seen:github:k1`)).toBeGreaterThan(50_000);
    expect(await store.get('github:k1')).toMatchObject({ state: 'processed', stateChangedAt: 1100 });
    await deletePrefix(redis, store.keyPrefix);
    await redis.quit();
  });

  it('reports an unreachable Redis as a retryable InboxStoreError', async () => {
    const redis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    const store = redisInboxStore({ redis, prefix: 'test-unreachable' });
    await expect(store.put(event('x'))).rejects.toBeInstanceOf(InboxStoreError);
    await expect(store.stats()).rejects.toMatchObject({ retryable: true, store: 'redis' });
    redis.disconnect();
  });

  it('rejects a prefix with braces and a missing client', () => {
    expect(() => redisInboxStore({ redis: undefined as never })).toThrow(/ioredis/);
    expect(() => redisInboxStore({ redis: new Redis({ lazyConnect: true }), prefix: '{x}' })).toThrow(/braces/);
  });
});
