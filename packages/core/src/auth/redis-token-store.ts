import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { parseTokenRecord, type TokenLock, type TokenStore } from './token-store.ts';

export interface RedisTokenStoreOptions {
  /** An ioredis client (or cluster). The store never closes it. */
  redis: Redis | Cluster;
  /** Prefix for every key. Default `connectors:auth:`. */
  prefix?: string;
}

/** Deletes the lock only if we still own it: after our TTL ran out it may be another process's lock. */
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Keeps tokens in Redis so a fleet shares each credential's tokens and refreshes it once. The
 * refresh lock is `SET NX PX` with a random owner token and a token-checked release (Lua), so a
 * holder that dies mid-refresh blocks the others for at most the TTL.
 */
export function redisTokenStore(options: RedisTokenStoreOptions): TokenStore {
  const { redis } = options;
  if (!redis || typeof (redis as { set?: unknown }).set !== 'function') throw new TypeError('redisTokenStore: `redis` must be an ioredis client');
  const prefix = options.prefix ?? 'connectors:auth:';
  const tokenKey = (id: string) => `${prefix}token:${id}`;
  const lockKey = (id: string) => `${prefix}lock:${id}`;
  return {
    async get(id) {
      const text = await redis.get(tokenKey(id));
      return text === null ? undefined : parseTokenRecord(text, `redisTokenStore(${tokenKey(id)})`);
    },
    async set(id, record) {
      await redis.set(tokenKey(id), JSON.stringify(record));
    },
    async delete(id) {
      await redis.del(tokenKey(id));
    },
    async tryLock(id, ttlMs): Promise<TokenLock | undefined> {
      const owner = randomUUID();
      const key = lockKey(id);
      const taken = await redis.set(key, owner, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
      if (taken !== 'OK') return undefined;
      return {
        async release() {
          await redis.eval(RELEASE_SCRIPT, 1, key, owner);
        },
      };
    },
  };
}
