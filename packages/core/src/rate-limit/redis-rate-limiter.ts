import { createHash, randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { parseDuration } from './parse-duration.ts';
import type { SharedGrant, SharedRateLimiter } from './rate-limiter.ts';

export interface RedisRateLimiterOptions {
  /** An ioredis client (or cluster). The limiter only runs two small Lua scripts on it. */
  redis: Redis | Cluster;
  /** The sorted-set key holding the budget, e.g. `ratelimit:github:acme`. Every process sharing the budget uses the same key. */
  key: string;
  /** Calls allowed in any span of `per`, across every process. A whole number >= 1. */
  requests: number;
  /** The span: milliseconds, or `'500ms'`, `'10s'`, `'1m'`, `'1h'`. */
  per: number | string;
  /**
   * A call whose process died before it finished still holds its slot for this long. Default 2 min
   * (the client's default `timeout.totalMs`).
   */
  holdMs?: number | string;
  /**
   * When Redis fails or is slower than `timeoutMs`: `true` (default) lets the call go, so a Redis
   * outage does not become an outage of every integration (local limits and 429 handling still
   * apply); `false` fails the call with `RateLimitError`.
   */
  failOpen?: boolean;
  /**
   * The longest a call waits for Redis, per check. Default 1 s. After one failure or timeout the
   * limiter knows Redis is down and stops asking: later calls get the `failOpen` answer at once,
   * without waiting, while one call every `probeIntervalMs` asks Redis again (waiting at most
   * `timeoutMs`). So no call waits longer than `timeoutMs` for Redis, and most wait not at all.
   */
  timeoutMs?: number;
  /** While Redis is known down, how often one call probes it. Default 1 s. */
  probeIntervalMs?: number;
  /**
   * Told about every Redis failure. The client also reports each outage once as a `shared-budget`
   * event (`unavailable`, then `recovered`), which `@connectors/observability` logs and shows in health.
   */
  onError?: (error: unknown) => void;
}

/*
 * A sliding-window log in one sorted set, kept atomic by Lua. Hand-written because the libraries that
 * do this (rate-limiter-flexible, @upstash/ratelimit) count a call when it is granted; here a slot is
 * held until `per` after the response, which is what keeps several processes under a provider's
 * window whatever the network delay. Scores: a call in flight is scored `now + hold` (so a crashed
 * process frees its slot eventually); a finished one is re-scored to its finish time. Time comes from
 * the Redis server, so the processes' clocks do not need to agree.
 */
const ACQUIRE = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local per = tonumber(ARGV[2])
local hold = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - per)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now + hold, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], hold + per)
  return {1, 0}
end
local oldest = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES', 'LIMIT', 0, 1)
if oldest[2] then return {0, tonumber(oldest[2]) + per - now} end
return {0, per}
`;

const RELEASE = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
return 1
`;

const sha = (script: string) => createHash('sha1').update(script).digest('hex');
const ACQUIRE_SHA = sha(ACQUIRE);
const RELEASE_SHA = sha(RELEASE);

async function runScript(redis: Redis | Cluster, script: string, digest: string, key: string, args: Array<string | number>): Promise<unknown> {
  try {
    return await redis.evalsha(digest, 1, key, ...args);
  } catch (error) {
    if (!String((error as Error)?.message).includes('NOSCRIPT')) throw error;
    return redis.eval(script, 1, key, ...args);
  }
}

/** A short, secret-free account of a Redis failure: ioredis messages name the host and the error, never the password. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 200 ? `${message.slice(0, 200)}...` : message;
}

function withTimeout<T>(promise: Promise<T>, ms: number, key: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redisRateLimiter(${key}): Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Members whose cleanup could not be sent (Redis down) and is retried once it answers again; bounded. */
const MAX_PENDING_CLEANUPS = 10_000;

/**
 * A rate limit shared by every process of an app through Redis, so N instances together stay under
 * one provider limit. Pass it as `rateLimit.shared`.
 *
 * Under a Redis outage (see the README, "One budget across processes"): no call waits longer than
 * `timeoutMs`; after the first failure the limiter answers at once (`failOpen`) and probes Redis once
 * every `probeIntervalMs`; a reservation whose check timed out is removed (ioredis may still send the
 * check once Redis is back), and a slot whose release could not be sent is released when Redis
 * answers again, so the budget is whole one window after recovery, not `holdMs` later.
 *
 * @example
 * import Redis from 'ioredis';
 * import { redisRateLimiter } from '@connectors/core/redis';
 * const shared = redisRateLimiter({ redis: new Redis({ enableOfflineQueue: false }), key: 'ratelimit:acme', requests: 100, per: '10s' });
 * createHttpClient({ connector: 'acme', baseUrl, rateLimit: { shared } });
 * @throws TypeError for a malformed option, naming it.
 */
export function redisRateLimiter(options: RedisRateLimiterOptions): SharedRateLimiter {
  const { redis, key } = options;
  if (!redis || typeof (redis as Redis).evalsha !== 'function') throw new TypeError('redisRateLimiter: `redis` must be an ioredis client');
  if (typeof key !== 'string' || key === '') throw new TypeError(`redisRateLimiter: \`key\` must be a non-empty string; got ${JSON.stringify(key)}`);
  if (!Number.isInteger(options.requests) || options.requests < 1) {
    throw new TypeError(`redisRateLimiter(${key}): \`requests\` must be a whole number >= 1; got ${JSON.stringify(options.requests)}`);
  }
  const per = Math.ceil(parseDuration(options.per, `redisRateLimiter(${key}).per`));
  const hold = Math.ceil(parseDuration(options.holdMs ?? 120_000, `redisRateLimiter(${key}).holdMs`));
  const timeoutMs = Math.ceil(parseDuration(options.timeoutMs ?? 1000, `redisRateLimiter(${key}).timeoutMs`));
  const probeIntervalMs = Math.ceil(parseDuration(options.probeIntervalMs ?? 1000, `redisRateLimiter(${key}).probeIntervalMs`));
  const failOpen = options.failOpen ?? true;
  const failed = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      // A logging hook must not change the outcome.
    }
  };

  /*
   * What the limiter knows of Redis. Hand-written rather than core's circuit breaker: that one counts
   * HTTP outcomes per host; this is one store, tripped by one failure (a check that timed out has
   * already cost a call its whole `timeoutMs`), with one probe at a time.
   */
  let down: { reason: string; error: unknown; probeAt: number } | undefined;
  let probing = false;
  /** Reservations to drop (their check timed out) and releases to resend, once Redis answers. */
  const cleanups = new Map<string, 'forget' | 'release'>();

  const later = (member: string, what: 'forget' | 'release') => {
    if (cleanups.size >= MAX_PENDING_CLEANUPS && !cleanups.has(member)) return; // `holdMs` still frees it
    if (cleanups.get(member) !== 'forget') cleanups.set(member, what);
  };
  const forget = (member: string) => {
    // Sent after the check on the same connection, so it runs after it even when ioredis replays both.
    withTimeout(Promise.resolve(redis.zrem(key, member)), timeoutMs, key).catch(() => later(member, 'forget'));
  };
  const release = (member: string) => {
    withTimeout(runScript(redis, RELEASE, RELEASE_SHA, key, [member]), timeoutMs, key).catch((error: unknown) => {
      failed(error);
      later(member, 'release');
    });
  };
  const flushCleanups = () => {
    if (cleanups.size === 0) return;
    const pending = [...cleanups];
    cleanups.clear();
    for (const [member, what] of pending) (what === 'forget' ? forget : release)(member);
  };

  const unavailable = (reason: string, error: unknown): SharedGrant => {
    if (failOpen) return { granted: true, release: () => {}, unavailable: reason };
    throw error;
  };

  return {
    name: key,
    async tryAcquire(): Promise<SharedGrant> {
      if (down !== undefined && (probing || Date.now() < down.probeAt)) {
        // Known down: answer at once instead of making every call wait `timeoutMs` for nothing.
        return unavailable(down.reason, down.error);
      }
      const probe = down !== undefined;
      if (probe) probing = true;
      const member = randomUUID();
      const check = runScript(redis, ACQUIRE, ACQUIRE_SHA, key, [options.requests, per, hold, member]);
      let answer: unknown;
      try {
        answer = await withTimeout(check, timeoutMs, key);
      } catch (error) {
        // The check may still run (a slow Redis, or ioredis' offline queue replaying it after an
        // outage): its reservation must not outlive this call.
        check.then((late) => (late as [number] | undefined)?.[0] === 1 && forget(member), () => undefined);
        forget(member);
        failed(error);
        if (probe) probing = false;
        const reason = describe(error);
        down = { reason, error, probeAt: Date.now() + probeIntervalMs };
        return unavailable(reason, error);
      }
      if (probe) probing = false;
      // Redis answers: what could not be sent while it did not is sent now.
      down = undefined;
      flushCleanups();
      const [granted, waitMs] = answer as [number, number];
      if (granted !== 1) return { granted: false, retryAfterMs: Math.max(1, Number(waitMs)) };
      let released = false;
      return {
        granted: true,
        release: () => {
          if (released) return;
          released = true;
          release(member);
        },
      };
    },
  };
}
