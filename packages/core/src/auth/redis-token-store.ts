import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { type ReencryptResult, type TokenEncryptionOptions, tokenRecordCodec } from './token-cipher.ts';
import type { TokenLock, TokenStore } from './token-store.ts';

export interface RedisTokenStoreOptions {
  /** An ioredis client (or cluster). The store never closes it. */
  redis: Redis | Cluster;
  /** Prefix for every key. Default `connectors:auth:`. */
  prefix?: string;
  /** Encrypt tokens at rest (AES-256-GCM) with keys from environment variables; see `TokenEncryptionOptions`. */
  encryption?: TokenEncryptionOptions;
}

/** A `TokenStore` in Redis. */
export interface RedisTokenStore extends TokenStore {
  /** Rewrites every record under the prefix with the first configured key (records in clear or under an older key). */
  reencrypt(): Promise<ReencryptResult>;
}

/** Rewrites a record only if it is still the value that was read, so a concurrent refresh is never overwritten. */
const REPLACE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[1], ARGV[2]) return 1 else return 0 end`;

/** Deletes the lock only if we still own it: after our TTL ran out it may be another process's lock. */
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Keeps tokens in Redis so a fleet shares each credential's tokens and refreshes it once. The
 * refresh lock is `SET NX PX` with a random owner token and a token-checked release (Lua), so a
 * holder that dies mid-refresh blocks the others for at most the TTL.
 */
export function redisTokenStore(options: RedisTokenStoreOptions): RedisTokenStore {
  const { redis } = options;
  if (!redis || typeof (redis as { set?: unknown }).set !== 'function') throw new TypeError('redisTokenStore: `redis` must be an ioredis client');
  const prefix = options.prefix ?? 'connectors:auth:';
  const tokenKey = (id: string) => `${prefix}token:${id}`;
  const lockKey = (id: string) => `${prefix}lock:${id}`;
  const codec = tokenRecordCodec(options.encryption, `redisTokenStore(${prefix})`);
  return {
    async get(id) {
      const text = await redis.get(tokenKey(id));
      return text === null ? undefined : codec.decode(id, text);
    },
    async set(id, record) {
      await redis.set(tokenKey(id), codec.encode(id, record));
    },
    async delete(id) {
      await redis.del(tokenKey(id));
    },
    async reencrypt() {
      if (!codec.encrypted) throw new TypeError(`redisTokenStore(${prefix}): reencrypt() needs \`encryption: { keyEnv }\` on the store`);
      const nodes = 'nodes' in redis ? redis.nodes('master') : [redis];
      const tokenPrefix = tokenKey('');
      let rewritten = 0;
      for (const node of nodes) {
        let cursor = '0';
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', `${tokenPrefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 200);
          for (const key of keys) {
            const text = await redis.get(key);
            if (text === null) continue;
            const id = key.slice(tokenPrefix.length);
            // A refresh that wrote in between already wrote with the first key: nothing to do then.
            if (Number(await redis.eval(REPLACE_SCRIPT, 1, key, text, codec.reencode(id, text))) === 1) rewritten++;
          }
          cursor = next;
        } while (cursor !== '0');
      }
      return { rewritten };
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
