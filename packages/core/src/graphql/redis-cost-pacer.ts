import type { Cluster, Redis } from 'ioredis';
import type { CostPacer } from './graphql-types.ts';

export interface RedisCostPacerOptions {
  /** An ioredis client (or cluster). */
  redis: Redis | Cluster;
  /** Prefix of the per-bucket hash keys, e.g. `graphql-cost:shopify`; the bucket name is appended. */
  keyPrefix: string;
  /** How long a bucket's state outlives its last report. Default 1 h. */
  ttlMs?: number;
}

/*
 * The same arithmetic as the in-process pacer (cost-pacer.ts), in one Lua script per step so that
 * every process sees each reservation at once. Time is Redis's own (TIME), so processes with drifting
 * clocks still agree. Hand-written: rate-limiter libraries count requests, not provider-reported
 * points that the provider itself keeps authoritative.
 */
const RESERVE = `
local kind = redis.call('HGET', KEYS[1], 'kind')
if not kind then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cost = tonumber(ARGV[1])
if kind == 'leaky-bucket' then
  local maximum = tonumber(redis.call('HGET', KEYS[1], 'maximum'))
  local rate = tonumber(redis.call('HGET', KEYS[1], 'restoreRate'))
  local at = tonumber(redis.call('HGET', KEYS[1], 'at'))
  local available = math.min(maximum, tonumber(redis.call('HGET', KEYS[1], 'available')) + rate * (now - at) / 1000)
  local need = math.min(cost, maximum)
  local wait = 0
  if available < need and rate > 0 then wait = math.ceil((need - available) / rate * 1000) end
  redis.call('HSET', KEYS[1], 'available', tostring(available - need), 'at', tostring(now))
  return wait
end
local resetAt = tonumber(redis.call('HGET', KEYS[1], 'resetAt'))
if now >= resetAt then return 0 end
local remaining = tonumber(redis.call('HGET', KEYS[1], 'remaining'))
local wait = 0
if remaining < cost then wait = resetAt - now end
redis.call('HSET', KEYS[1], 'remaining', tostring(remaining - cost))
return wait
`;

const OBSERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('DEL', KEYS[1])
if ARGV[1] == 'leaky-bucket' then
  redis.call('HSET', KEYS[1], 'kind', ARGV[1], 'maximum', ARGV[2], 'available', ARGV[3], 'restoreRate', ARGV[4], 'at', tostring(now))
else
  redis.call('HSET', KEYS[1], 'kind', ARGV[1], 'limit', ARGV[2], 'remaining', ARGV[3], 'resetAt', ARGV[4])
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`;

/**
 * A GraphQL cost pacer whose buckets live in Redis, so several processes calling one shop (or one
 * GitHub token) share its points: `graphql: { cost: shopifyCost, pacer: redisCostPacer({ redis, keyPrefix }) }`.
 */
export function redisCostPacer(options: RedisCostPacerOptions): CostPacer {
  const { redis, keyPrefix } = options;
  if (!keyPrefix) throw new TypeError('redisCostPacer: keyPrefix is required (e.g. `graphql-cost:shopify`)');
  const ttlMs = options.ttlMs ?? 3_600_000;
  return {
    async reserve(bucket, cost) {
      return Number(await redis.eval(RESERVE, 1, `${keyPrefix}:${bucket}`, String(cost)));
    },
    async observe(bucket, state) {
      const args = state.kind === 'leaky-bucket'
        ? [state.kind, String(state.maximum), String(state.available), String(state.restoreRate)]
        : [state.kind, String(state.limit), String(state.remaining), String(state.resetAt.getTime())];
      await redis.eval(OBSERVE, 1, `${keyPrefix}:${bucket}`, ...args, String(ttlMs));
    },
  };
}
