import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { InboxStoreError } from '../errors/inbox-store-error.ts';
import {
  eventKey,
  matchesDeadLetterFilter,
  toEpochMs,
  type DeadLetterFilter,
  type InboxEventState,
  type InboxStats,
  type InboxStore,
  type LeasedInboxEvent,
  type NewInboxEvent,
  type PutOutcome,
  type StoredInboxEvent,
} from './inbox-store.ts';

/** Options of the Redis inbox store. */
export interface RedisInboxStoreOptions {
  /** An ioredis client. The store defines its Lua commands on it and never closes it. */
  redis: Redis;
  /**
   * Namespace of every key. Keys are `{prefix}:...`: the braces make them one Redis Cluster hash slot,
   * which the Lua scripts need. Default `webhooks`.
   */
  prefix?: string;
}

export interface RedisInboxStore extends InboxStore {
  /** The key prefix in use, braces included (e.g. `{webhooks}`). */
  readonly keyPrefix: string;
}

/*
 * Key layout (p = `{prefix}`):
 *   p:ready   zset  key -> due time (ms): pending events, including retries scheduled for later
 *   p:leased  zset  key -> lease expiry (ms)
 *   p:dead    zset  key -> dead-letter time (ms)
 *   p:e:<key> hash  the event: source, id, type, ts, receivedAt, headers, body, attempts, state, lease, lastError
 *   p:seen:<key>    dedupe marker: `pending` while the event exists; `processed:<ms>` or `discarded:<ms>` with a TTL afterwards
 * Every state change is one Lua script, so a crash between two commands cannot leave an event in two
 * queues or in none.
 */
const FIELDS = ['source', 'id', 'type', 'ts', 'receivedAt', 'headers', 'body', 'attempts', 'state', 'lastError', 'dueAt'] as const;

const SCRIPTS = {
  // KEYS: seen, event, ready. ARGV: key, now, source, id, type, ts, headers, body
  cwPut: {
    numberOfKeys: 3,
    lua: `
if not redis.call('SET', KEYS[1], 'pending', 'NX') then return 0 end
redis.call('HSET', KEYS[2], 'source', ARGV[3], 'id', ARGV[4], 'type', ARGV[5], 'ts', ARGV[6], 'receivedAt', ARGV[2],
  'headers', ARGV[7], 'body', ARGV[8], 'attempts', 0, 'state', 'pending', 'dueAt', ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
return 1`,
  },
  // KEYS: ready, leased. ARGV: now, limit, leaseUntil, token, event key prefix
  cwLease: {
    numberOfKeys: 2,
    lua: `
local limit = tonumber(ARGV[2])
local picked = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, limit)
if #picked < limit then
  local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, limit - #picked)
  for _, m in ipairs(due) do picked[#picked + 1] = m end
end
local out = {}
for i, m in ipairs(picked) do
  local ek = ARGV[5] .. m
  redis.call('ZREM', KEYS[1], m)
  if redis.call('EXISTS', ek) == 1 then
    local token = ARGV[4] .. '.' .. i
    redis.call('ZADD', KEYS[2], ARGV[3], m)
    redis.call('HINCRBY', ek, 'attempts', 1)
    redis.call('HSET', ek, 'state', 'leased', 'lease', token, 'dueAt', ARGV[3])
    out[#out + 1] = { m, token, redis.call('HMGET', ek, ${FIELDS.map((f) => `'${f}'`).join(', ')}) }
  else
    redis.call('ZREM', KEYS[2], m)
  end
end
return out`,
  },
  // KEYS: event, leased. ARGV: key, token, leaseUntil
  cwRenew: {
    numberOfKeys: 2,
    lua: `
if redis.call('HGET', KEYS[1], 'lease') ~= ARGV[2] then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[1], 'dueAt', ARGV[3])
return 1`,
  },
  // KEYS: event, leased, ready, seen. ARGV: key, token, now, retainMs
  cwProcessed: {
    numberOfKeys: 4,
    lua: `
if redis.call('HGET', KEYS[1], 'lease') ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[4], 'processed:' .. ARGV[3], 'PX', ARGV[4])
return 1`,
  },
  // A leased event leaves the lease set for the ready set (a retry, state `pending`) or the dead set
  // (state `dead`), scored by when it is due or died, with the error of its attempt.
  // KEYS: event, leased, ready or dead. ARGV: key, token, score, error, state
  cwRelease: {
    numberOfKeys: 3,
    lua: `
if redis.call('HGET', KEYS[1], 'lease') ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[1], 'state', ARGV[5], 'dueAt', ARGV[3], 'lastError', ARGV[4])
redis.call('HDEL', KEYS[1], 'lease')
return 1`,
  },
  // KEYS: dead, ready. ARGV: now, event key prefix, keys...
  cwReplay: {
    numberOfKeys: 2,
    lua: `
local n = 0
for i = 3, #ARGV do
  local m = ARGV[i]
  if redis.call('ZREM', KEYS[1], m) == 1 then
    redis.call('ZADD', KEYS[2], ARGV[1], m)
    redis.call('HSET', ARGV[2] .. m, 'state', 'pending', 'attempts', 0, 'dueAt', ARGV[1])
    n = n + 1
  end
end
return n`,
  },
  // KEYS: dead. ARGV: now, retainMs, event key prefix, seen key prefix, keys...
  cwDiscard: {
    numberOfKeys: 1,
    lua: `
local n = 0
for i = 5, #ARGV do
  local m = ARGV[i]
  if redis.call('ZREM', KEYS[1], m) == 1 then
    redis.call('DEL', ARGV[3] .. m)
    redis.call('SET', ARGV[4] .. m, 'discarded:' .. ARGV[1], 'PX', ARGV[2])
    n = n + 1
  end
end
return n`,
  },
} as const;

type ScriptName = keyof typeof SCRIPTS;
type ScriptArg = string | number | Buffer;
type ScriptedRedis = Redis & { [K in ScriptName]: (...args: ScriptArg[]) => Promise<unknown> } & {
  [K in `${ScriptName}Buffer`]: (...args: ScriptArg[]) => Promise<unknown>;
};

function text(value: Buffer | null | undefined): string | undefined {
  return value == null || value.length === 0 ? undefined : value.toString('utf8');
}

function num(value: Buffer | null | undefined): number | undefined {
  const t = text(value);
  if (t === undefined) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

function fromFields(key: string, values: (Buffer | null)[]): StoredInboxEvent {
  const [source, id, type, ts, receivedAt, headers, body, attempts, state, lastError, dueAt] = values;
  return {
    key,
    source: text(source) ?? '',
    id: text(id) ?? '',
    type: text(type),
    timestamp: num(ts),
    receivedAt: num(receivedAt) ?? 0,
    headers: JSON.parse(text(headers) ?? '{}') as Record<string, string>,
    body: body ?? Buffer.alloc(0),
    state: (text(state) ?? 'pending') as InboxEventState,
    attempts: num(attempts) ?? 0,
    lastError: text(lastError),
    stateChangedAt: num(dueAt),
  };
}

class RedisInboxStoreImpl implements RedisInboxStore {
  readonly keyPrefix: string;
  readonly #redis: ScriptedRedis;
  readonly #k: { ready: string; leased: string; dead: string; event: string; seen: string };

  constructor(options: RedisInboxStoreOptions) {
    if (options.redis == null || typeof options.redis.defineCommand !== 'function') {
      throw new TypeError('redisInboxStore: `redis` must be an ioredis client (new Redis(url)).');
    }
    const prefix = options.prefix ?? 'webhooks';
    if (prefix === '' || /[{}]/.test(prefix)) throw new TypeError(`redisInboxStore: prefix must be non-empty and without braces; got ${JSON.stringify(prefix)}.`);
    this.keyPrefix = `{${prefix}}`;
    const p = this.keyPrefix;
    this.#k = { ready: `${p}:ready`, leased: `${p}:leased`, dead: `${p}:dead`, event: `${p}:e:`, seen: `${p}:seen:` };
    const redis = options.redis as ScriptedRedis;
    for (const [name, script] of Object.entries(SCRIPTS)) {
      if (typeof (redis as unknown as Record<string, unknown>)[name] !== 'function') redis.defineCommand(name, script);
    }
    this.#redis = redis;
  }

  async #call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (cause) {
      throw new InboxStoreError(`Redis inbox ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { store: 'redis', operation, cause });
    }
  }

  put(event: NewInboxEvent): Promise<PutOutcome> {
    const key = eventKey(event.source, event.id);
    const body = Buffer.isBuffer(event.body) ? event.body : Buffer.from(event.body.buffer, event.body.byteOffset, event.body.byteLength);
    return this.#call('put', async () => {
      const stored = await this.#redis.cwPut(
        this.#k.seen + key, this.#k.event + key, this.#k.ready,
        key, event.receivedAt, event.source, event.id, event.type ?? '', event.timestamp ?? '', JSON.stringify(event.headers), body,
      );
      return stored === 1 ? 'stored' : 'duplicate';
    });
  }

  lease({ limit, leaseMs, now }: { limit: number; leaseMs: number; now: number }): Promise<LeasedInboxEvent[]> {
    const token = `${now.toString(36)}-${randomBytes(6).toString('hex')}`;
    const leaseUntil = now + leaseMs;
    return this.#call('lease', async () => {
      const rows = (await this.#redis.cwLeaseBuffer(this.#k.ready, this.#k.leased, now, limit, leaseUntil, token, this.#k.event)) as [Buffer, Buffer, (Buffer | null)[]][];
      return rows.map(([key, leaseToken, values]) => ({ ...fromFields(key.toString('utf8'), values), leaseToken: leaseToken.toString('utf8'), leaseUntil }));
    });
  }

  renewLease(key: string, leaseToken: string, leaseUntil: number): Promise<boolean> {
    return this.#call('renewLease', async () => (await this.#redis.cwRenew(this.#k.event + key, this.#k.leased, key, leaseToken, leaseUntil)) === 1);
  }

  markProcessed(key: string, leaseToken: string, { now, retainMs }: { now: number; retainMs: number }): Promise<boolean> {
    return this.#call('markProcessed', async () =>
      (await this.#redis.cwProcessed(this.#k.event + key, this.#k.leased, this.#k.ready, this.#k.seen + key, key, leaseToken, now, Math.max(1, Math.round(retainMs)))) === 1,
    );
  }

  scheduleRetry(key: string, leaseToken: string, { retryAt, error }: { retryAt: number; error: string }): Promise<boolean> {
    return this.#call('scheduleRetry', async () => (await this.#redis.cwRelease(this.#k.event + key, this.#k.leased, this.#k.ready, key, leaseToken, retryAt, error, 'pending')) === 1);
  }

  deadLetter(key: string, leaseToken: string, { now, error }: { now: number; error: string }): Promise<boolean> {
    return this.#call('deadLetter', async () => (await this.#redis.cwRelease(this.#k.event + key, this.#k.leased, this.#k.dead, key, leaseToken, now, error, 'dead')) === 1);
  }

  get(key: string): Promise<StoredInboxEvent | undefined> {
    return this.#call('get', async () => {
      const values = await this.#redis.hmgetBuffer(this.#k.event + key, ...FIELDS);
      if (values[0] != null) return fromFields(key, values);
      const seen = await this.#redis.get(this.#k.seen + key);
      const state = seen?.startsWith('processed:') ? 'processed' : seen?.startsWith('discarded:') ? 'discarded' : undefined;
      if (state === undefined) return undefined;
      const colon = key.indexOf(':');
      const changedAt = Number(seen!.slice(state.length + 1));
      return {
        key, source: key.slice(0, colon), id: key.slice(colon + 1), type: undefined, timestamp: undefined, receivedAt: 0,
        headers: {}, body: Buffer.alloc(0), state, attempts: 0, lastError: undefined, stateChangedAt: changedAt,
      } satisfies StoredInboxEvent;
    });
  }

  async #deadEvents(filter: DeadLetterFilter): Promise<StoredInboxEvent[]> {
    const since = toEpochMs(filter.since);
    const until = toEpochMs(filter.until);
    const keys = filter.keys !== undefined
      ? filter.keys
      : await this.#redis.zrangebyscore(this.#k.dead, since ?? '-inf', until === undefined ? '+inf' : `(${until}`);
    if (keys.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const key of keys) pipeline.hmgetBuffer(this.#k.event + key, ...FIELDS);
    const results = (await pipeline.exec()) ?? [];
    const events: StoredInboxEvent[] = [];
    results.forEach(([error, values], i) => {
      if (error) throw error;
      const fields = values as (Buffer | null)[];
      if (fields[0] == null) return;
      const event = fromFields(keys[i]!, fields);
      if (event.state === 'dead' && matchesDeadLetterFilter(event, filter)) events.push(event);
    });
    events.sort((a, b) => (a.stateChangedAt ?? 0) - (b.stateChangedAt ?? 0));
    return filter.limit === undefined ? events : events.slice(0, filter.limit);
  }

  listDeadLetters(filter: DeadLetterFilter = {}): Promise<StoredInboxEvent[]> {
    return this.#call('listDeadLetters', () => this.#deadEvents(filter));
  }

  replayDeadLetters(filter: DeadLetterFilter, { now }: { now: number }): Promise<number> {
    return this.#call('replayDeadLetters', async () => {
      const events = await this.#deadEvents(filter);
      if (events.length === 0) return 0;
      return (await this.#redis.cwReplay(this.#k.dead, this.#k.ready, now, this.#k.event, ...events.map((e) => e.key))) as number;
    });
  }

  discardDeadLetters(filter: DeadLetterFilter, { now, retainMs }: { now: number; retainMs: number }): Promise<number> {
    return this.#call('discardDeadLetters', async () => {
      const events = await this.#deadEvents(filter);
      if (events.length === 0) return 0;
      const retain = Math.max(1, Math.round(retainMs));
      return (await this.#redis.cwDiscard(this.#k.dead, now, retain, this.#k.event, this.#k.seen, ...events.map((e) => e.key))) as number;
    });
  }

  stats(): Promise<InboxStats> {
    return this.#call('stats', async () => {
      const results = (await this.#redis.pipeline().zcard(this.#k.ready).zcard(this.#k.leased).zcard(this.#k.dead).exec()) ?? [];
      const [pending, leased, deadLetters] = results.map(([error, n]) => {
        if (error) throw error;
        return n as number;
      });
      return { pending: pending ?? 0, leased: leased ?? 0, deadLetters: deadLetters ?? 0 };
    });
  }

  async close(): Promise<void> {
    // The client belongs to the caller.
  }
}

/**
 * An inbox store in Redis for several instances sharing one queue: dedupe by `SET NX`, a ready zset,
 * a lease zset and a dead-letter zset, each change one Lua script. Durability is the Redis server's:
 * for "on disk before 2xx" run it with `appendonly yes` and `appendfsync always` (or accept the
 * one-second window of `everysec`).
 */
export function redisInboxStore(options: RedisInboxStoreOptions): RedisInboxStore {
  return new RedisInboxStoreImpl(options);
}
