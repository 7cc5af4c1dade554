import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { type EncodedTokenRecord, isEncryptedRecord, type ReencryptResult, type TokenEncryptionOptions, tokenRecordCodec } from './token-cipher.ts';
import type { TokenLock, TokenRecord, TokenStore } from './token-store.ts';

export interface RedisTokenStoreOptions {
  /** An ioredis client (or cluster). The store never closes it. */
  redis: Redis | Cluster;
  /** Prefix for every key. Default `connectors:auth:`. */
  prefix?: string;
  /**
   * The longest one store operation waits for Redis. Default 1 s. Past it the operation fails (the
   * call fails with a retryable `AuthError` and keeps a freshly minted token in memory until it can
   * be saved) instead of waiting for as long as the client's offline queue holds the command.
   */
  timeoutMs?: number;
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

/*
 * The stored form says what it holds: a JSON object with `v: 2` and `kind` (`sealed` or `clear`),
 * read by those fields and never by the look of the text. `updatedAt` is at the top in both, in
 * clear (not a secret), so the scripts below can refuse a late write older than what is stored.
 *   sealed: {"updatedAt":...,"sealed":"enc:v1:...","v":2,"kind":"sealed"}
 *   clear:  {...the record's own fields (accessToken, updatedAt...),"v":2,"kind":"clear"}
 * Both are laid out so that the previous version can still read them during a rolling upgrade (it
 * took the `sealed` field of an object starting with `{"updatedAt"`, and any other object as the
 * record itself).
 *
 * Records written before `v` existed are read as they are, by the only thing that told them apart:
 *   - an object without `v`: a `sealed` string and no `accessToken` is the encrypted wrapper
 *     (`{"updatedAt":...,"sealed":"enc:v1:..."}`), anything else is a record in clear;
 *   - bare `enc:v1:...` text (not JSON): a record encrypted before the wrapper existed.
 */
const FORMAT = 2;

function envelope(encoded: EncodedTokenRecord, record: TokenRecord): string {
  if (encoded.kind === 'sealed') return JSON.stringify({ updatedAt: record.updatedAt, sealed: encoded.text, v: FORMAT, kind: 'sealed' });
  // The record's own fields, then the envelope's (which win over any `v`/`kind` a record brought along).
  return JSON.stringify({ ...record, v: FORMAT, kind: 'clear' });
}

function unwrap(stored: string, where: string): EncodedTokenRecord {
  if (isEncryptedRecord(stored)) return { kind: 'sealed', text: stored };
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch {
    throw new Error(`${where}: the stored token record is not valid JSON; delete it and authorize again`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${where}: the stored token record is not a JSON object; delete it and authorize again`);
  }
  const { v, kind, ...rest } = value as Record<string, unknown>;
  if (v === undefined) {
    // Written before the format had a version.
    if (typeof rest['sealed'] === 'string' && !('accessToken' in rest)) return { kind: 'sealed', text: rest['sealed'] };
    return { kind: 'clear', text: stored };
  }
  if (v !== FORMAT) {
    throw new Error(`${where}: the stored token record is in format ${JSON.stringify(v)}, which this version does not know (it reads ${FORMAT}); upgrade @connectors/core`);
  }
  if (kind === 'sealed' && typeof rest['sealed'] === 'string') return { kind: 'sealed', text: rest['sealed'] };
  if (kind === 'clear') return { kind: 'clear', text: JSON.stringify(rest) };
  throw new Error(`${where}: the stored token record says kind ${JSON.stringify(kind)}, which is not sealed or clear; delete it and authorize again`);
}

/** Deletes the lock only if we still own it: after our TTL ran out it may be another process's lock. */
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/*
 * A write lands only if it is not older than what is stored. A write that timed out can still be sent
 * by ioredis once Redis is back (its offline queue, or a resend after a reconnect); by then another
 * process may have saved a newer token pair, and overwriting it would bring back a rotated-out
 * refresh token. Records carry `updatedAt`, so "older" is well defined.
 */
const SET_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, record = pcall(cjson.decode, current)
  if ok and type(record) == 'table' and tonumber(record.updatedAt) and tonumber(record.updatedAt) > tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;

/* A delete removes only records written before it was issued, for the same reason. */
const DELETE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local ok, record = pcall(cjson.decode, current)
if ok and type(record) == 'table' and tonumber(record.updatedAt) and tonumber(record.updatedAt) > tonumber(ARGV[1]) then return 0 end
return redis.call('DEL', KEYS[1])`;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redisTokenStore: Redis did not answer ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Keeps tokens in Redis so a fleet shares each credential's tokens and refreshes it once. The
 * refresh lock is `SET NX PX` with a random owner token and a token-checked release (Lua), so a
 * holder that dies mid-refresh blocks the others for at most the TTL. Every operation waits at most
 * `timeoutMs`; a write that Redis runs late never replaces a newer record, and a lock taken late
 * is released.
 */
export function redisTokenStore(options: RedisTokenStoreOptions): RedisTokenStore {
  const { redis } = options;
  if (!redis || typeof (redis as { set?: unknown }).set !== 'function') throw new TypeError('redisTokenStore: `redis` must be an ioredis client');
  const prefix = options.prefix ?? 'connectors:auth:';
  const timeoutMs = options.timeoutMs ?? 1000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError(`redisTokenStore: timeoutMs must be a number of milliseconds > 0; got ${String(options.timeoutMs)}`);
  const tokenKey = (id: string) => `${prefix}token:${id}`;
  const lockKey = (id: string) => `${prefix}lock:${id}`;
  const where = `redisTokenStore(${prefix})`;
  const codec = tokenRecordCodec(options.encryption, where);
  return {
    async get(id) {
      const text = await withTimeout(redis.get(tokenKey(id)), timeoutMs, `GET ${tokenKey(id)}`);
      return text === null ? undefined : codec.open(id, unwrap(text, where));
    },
    async set(id, record) {
      await withTimeout(redis.eval(SET_SCRIPT, 1, tokenKey(id), envelope(codec.seal(id, record), record), record.updatedAt), timeoutMs, `a write of ${tokenKey(id)}`);
    },
    async delete(id) {
      await withTimeout(redis.eval(DELETE_SCRIPT, 1, tokenKey(id), Date.now()), timeoutMs, `a delete of ${tokenKey(id)}`);
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
            const record = codec.open(id, unwrap(text, where), { allowPlaintext: true });
            // A refresh that wrote in between already wrote with the first key: nothing to do then.
            if (Number(await redis.eval(REPLACE_SCRIPT, 1, key, text, envelope(codec.seal(id, record), record))) === 1) rewritten++;
          }
          cursor = next;
        } while (cursor !== '0');
      }
      return { rewritten };
    },
    async tryLock(id, ttlMs): Promise<TokenLock | undefined> {
      const owner = randomUUID();
      const key = lockKey(id);
      const release = () => redis.eval(RELEASE_SCRIPT, 1, key, owner);
      const taking = redis.set(key, owner, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
      let taken: string | null;
      try {
        taken = await withTimeout(taking, timeoutMs, `taking the lock ${key}`);
      } catch (error) {
        // Taken late, the lock would hold the fleet off until its TTL for nobody: give it back.
        taking.then((late) => late === 'OK' && release(), () => undefined).catch(() => undefined);
        throw error;
      }
      if (taken !== 'OK') return undefined;
      return {
        async release() {
          await withTimeout(release(), timeoutMs, `releasing the lock ${key}`);
        },
      };
    },
  };
}
