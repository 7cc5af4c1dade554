import type { Cluster, Redis } from 'ioredis';
import type { CostAdmission, CostPacer, CostTicket } from './graphql-types.ts';

export interface RedisCostPacerOptions {
  /** An ioredis client (or cluster). */
  redis: Redis | Cluster;
  /** Prefix of the per-bucket hash keys, e.g. `graphql-cost:shopify`; the bucket name is appended. */
  keyPrefix: string;
  /** How long a bucket's state outlives its last use. Default 1 h. */
  ttlMs?: number;
  /**
   * How long a call let through counts as in flight when its process never reports on it (the process
   * died): after this it counts as answered. Default 10 min; longer than any call may take.
   */
  inFlightTtlMs?: number;
}

/*
 * The same rules as the in-process pacer (see the comment at the top of cost-pacer.ts: which calls a
 * report may not have counted, in-flight points taken off after the cap, a report older than the base
 * only lowers the estimate, points spent when a call is let through), one Lua script per step so that
 * every process sees each step at once. Ticket numbers come from Redis, so they order the calls of
 * all processes; time is Redis's own (TIME), so processes with drifting clocks still agree.
 * Hand-written: rate-limiter libraries count requests, not provider-reported points that the
 * provider itself keeps authoritative.
 *
 * One hash per bucket: the counters `seq`, `admitted`, `ended`; the base (`kind`, `maximum`,
 * `available`, `restoreRate`, `at` or `limit`, `remaining`, `resetAt`; `newest`, `cutoff`); and one
 * field `o:<seq>` = `<points> <expires at>` per call in flight, so that the calls of a process that
 * died stop counting as in flight after `inFlightTtlMs` (`sweepAt`: the earliest expiry).
 */
const COMMON = `
local key = KEYS[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function num(field, default)
  local v = redis.call('HGET', key, field)
  if v then return tonumber(v) end
  return default
end
local sweepAt = num('sweepAt', nil)
if sweepAt and now >= sweepAt then
  local all = redis.call('HGETALL', key)
  local freed, nextAt = 0, nil
  for i = 1, #all, 2 do
    if string.sub(all[i], 1, 2) == 'o:' then
      local points, expires = string.match(all[i + 1], '^(%S+) (%S+)$')
      if tonumber(expires) <= now then
        redis.call('HDEL', key, all[i])
        freed = freed + tonumber(points)
      elseif not nextAt or tonumber(expires) < nextAt then
        nextAt = tonumber(expires)
      end
    end
  end
  if freed > 0 then redis.call('HSET', key, 'ended', tostring(num('ended', 0) + freed)) end
  if nextAt then redis.call('HSET', key, 'sweepAt', tostring(nextAt)) else redis.call('HDEL', key, 'sweepAt') end
end
local function spendable(kind, admitted, m)
  local unseen = admitted - m.cutoff
  if kind == 'window' then return m.remaining - unseen end
  return math.min(m.maximum, m.available + m.restoreRate * math.max(0, now - m.at) / 1000) - unseen
end
local function model()
  local kind = redis.call('HGET', key, 'kind')
  if not kind then return nil, nil end
  local m = { newest = num('newest', 0), cutoff = num('cutoff', 0) }
  if kind == 'window' then
    m.limit, m.remaining, m.resetAt = num('limit', 0), num('remaining', 0), num('resetAt', 0)
  else
    m.maximum, m.available, m.restoreRate, m.at = num('maximum', 0), num('available', 0), num('restoreRate', 0), num('at', now)
  end
  return kind, m
end
`;

/** ARGV: cost, ttlMs, inFlightTtlMs. Returns {'wait', ms} or {'go', seq, endedBefore, points}. */
const RESERVE = `${COMMON}
local cost = tonumber(ARGV[1])
local admitted = num('admitted', 0)
local kind, m = model()
local need = cost
if kind == 'leaky-bucket' then
  need = math.min(cost, m.maximum)
  local refilled = m.available + m.restoreRate * math.max(0, now - m.at) / 1000
  local unseen = admitted - m.cutoff
  if math.min(m.maximum, refilled) - unseen < need and m.restoreRate > 0 then
    local short = need - (refilled - unseen)
    if short <= 0 then short = need end
    return { 'wait', tostring(math.max(1, math.ceil(short / m.restoreRate * 1000))) }
  end
elseif kind == 'window' and now < m.resetAt and spendable(kind, admitted, m) < cost then
  return { 'wait', tostring(m.resetAt - now) }
end
local seq = num('seq', 0) + 1
local ended = num('ended', 0)
local expires = now + tonumber(ARGV[3])
redis.call('HSET', key, 'seq', tostring(seq), 'admitted', tostring(admitted + need), 'o:' .. seq, tostring(need) .. ' ' .. tostring(expires))
local sweep = num('sweepAt', nil)
if not sweep or expires < sweep then redis.call('HSET', key, 'sweepAt', tostring(expires)) end
redis.call('PEXPIRE', key, ARGV[2])
return { 'go', tostring(seq), tostring(ended), tostring(need) }
`;

/** Ends the call `seq` (once) if it is still in flight. */
const END = `
local function finish(seq)
  local open = redis.call('HGET', key, 'o:' .. seq)
  if not open then return end
  redis.call('HDEL', key, 'o:' .. seq)
  redis.call('HSET', key, 'ended', tostring(num('ended', 0) + tonumber(string.match(open, '^(%S+)'))))
end
`;

/**
 * ARGV: seq, points, endedBefore, retrying (1/0), ttlMs, kind, then maximum, available, restoreRate
 * (leaky bucket) or limit, remaining, resetAt (window).
 */
const OBSERVE = `${COMMON}${END}
local seq, points, endedBefore, retrying = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == '1'
if not retrying then finish(seq) end
local admitted = num('admitted', 0)
local unseen = admitted - endedBefore
if not retrying then unseen = unseen - points end
if unseen < 0 then unseen = 0 end
local kind = ARGV[6]
local c = { newest = seq, cutoff = admitted - unseen }
if kind == 'window' then
  c.limit, c.remaining, c.resetAt = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
else
  c.maximum, c.available, c.restoreRate, c.at = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]), now
end
local currentKind, m = model()
local adopt
if not currentKind or currentKind ~= kind then
  adopt = true
else
  if kind == 'window' and c.resetAt <= now then
    adopt = false
  elseif kind == 'window' and (now >= m.resetAt or c.resetAt > m.resetAt) then
    adopt = true
  elseif kind == 'window' and c.resetAt < m.resetAt then
    adopt = false
  elseif seq >= m.newest then
    adopt = true
  else
    adopt = spendable(kind, admitted, c) < spendable(kind, admitted, m)
  end
  if adopt then c.newest = math.max(seq, m.newest) end
end
if adopt then
  redis.call('HSET', key, 'kind', kind, 'newest', tostring(c.newest), 'cutoff', tostring(c.cutoff))
  if kind == 'window' then
    redis.call('HSET', key, 'limit', ARGV[7], 'remaining', ARGV[8], 'resetAt', ARGV[9])
  else
    redis.call('HSET', key, 'maximum', ARGV[7], 'available', ARGV[8], 'restoreRate', ARGV[9], 'at', tostring(now))
  end
end
redis.call('PEXPIRE', key, ARGV[5])
return adopt and 1 or 0
`;

/** ARGV: seq. */
const RELEASE = `${COMMON}${END}
finish(tonumber(ARGV[1]))
return 1
`;

/**
 * A GraphQL cost pacer whose buckets live in Redis, so several processes calling one shop (or one
 * GitHub token) share its points: `graphql: { cost: shopifyCost, pacer: redisCostPacer({ redis, keyPrefix }) }`.
 * The calls every process has in flight count against each report, and reports are ordered across
 * processes by the order Redis let their calls through.
 */
export function redisCostPacer(options: RedisCostPacerOptions): CostPacer {
  const { redis, keyPrefix } = options;
  if (!keyPrefix) throw new TypeError('redisCostPacer: keyPrefix is required (e.g. `graphql-cost:shopify`)');
  const ttlMs = String(options.ttlMs ?? 3_600_000);
  const inFlightTtlMs = String(options.inFlightTtlMs ?? 600_000);
  const keyOf = (bucket: string) => `${keyPrefix}:${bucket}`;
  return {
    async reserve(bucket, cost): Promise<CostAdmission> {
      const reply = (await redis.eval(RESERVE, 1, keyOf(bucket), String(cost), ttlMs, inFlightTtlMs)) as string[];
      if (reply[0] === 'wait') return { waitMs: Number(reply[1]) };
      const ticket: CostTicket = { bucket, seq: Number(reply[1]), endedBefore: Number(reply[2]), cost: Number(reply[3]) };
      return { ticket };
    },
    async observe(ticket, state, observeOptions) {
      const shape = state.kind === 'leaky-bucket'
        ? [String(state.maximum), String(state.available), String(state.restoreRate)]
        : [String(state.limit), String(state.remaining), String(state.resetAt.getTime())];
      await redis.eval(
        OBSERVE, 1, keyOf(ticket.bucket),
        String(ticket.seq), String(ticket.cost), String(ticket.endedBefore), observeOptions?.retrying ? '1' : '0', ttlMs, state.kind, ...shape,
      );
    },
    async release(ticket) {
      await redis.eval(RELEASE, 1, keyOf(ticket.bucket), String(ticket.seq));
    },
  };
}
