import type { AttemptContext } from '../http/attempt-context.ts';
import type { PathParams, QueryParams } from '../http/build-url.ts';
import type { Clock } from '../internal/clock.ts';
import type { AttemptGate } from '../http/attempt-gate.ts';
import type { RateLimitParser } from './rate-limit-parser.ts';
import { createRateLimiter, type RateBudget, type RateLimiter, type RateLimitOptions as LimiterOptions, type SharedRateLimiter } from './rate-limiter.ts';

/**
 * How a client keeps under the provider's limits: the limiter's options (`createRateLimiter`) plus
 * limits per route. Every field is optional.
 */
export interface RateLimitOptions extends LimiterOptions {
  /**
   * Limits per route or operation, each apart from the others: keyed by operation name
   * (`chat.postMessage`) or `METHOD /route/template` (`GET /search/issues`). See `RouteRateLimit`.
   * Applied by the client; a `createRateLimiter` limiter has no routes (build one per route instead).
   */
  routes?: Record<string, RouteRateLimit>;
}

/** What a route's `key` sees of a call, to split the route into sub-buckets (per channel, per shop...). */
export interface RouteCall {
  readonly operation: string;
  readonly method: string;
  readonly route: string;
  readonly params: PathParams | undefined;
  readonly query: QueryParams | undefined;
  readonly body: unknown;
}

/**
 * The limits of one route or operation, apart from every other route: a burst on one never slows
 * another. The client-wide limits (`rateLimit.budget`, header pacing, `shared`) still apply on top.
 */
export interface RouteRateLimit {
  /** Declared windows for this route, e.g. `[{ requests: 1, per: '1s' }, { requests: 100, per: '1m' }]`. */
  budget?: RateBudget | readonly RateBudget[];
  /** At most this many calls of this route (per sub-bucket) in flight at once. */
  concurrency?: number;
  /**
   * Splits the route into one bucket per key (Slack's `chat.postMessage`: 1 per second per channel).
   * Return undefined to use the route's common bucket.
   */
  key?: (call: RouteCall) => string | undefined;
  /**
   * Shared across processes (e.g. `redisRateLimiter`). A function receives the bucket name
   * (`chat.postMessage` or `chat.postMessage:C123`) and is called once per bucket.
   */
  shared?: SharedRateLimiter | ((bucket: string) => SharedRateLimiter);
  /** Paces this route by its own rate-limit headers (a provider bucket of its own, e.g. GitHub search). Default off. */
  parse?: RateLimitParser | RateLimitParser['read'] | false;
}

/** Sub-buckets kept per route before the least recently used is dropped (a per-channel key over a large workspace). */
const MAX_BUCKETS_PER_ROUTE = 10_000;

interface RouteEntry {
  readonly name: string;
  readonly rule: RouteRateLimit;
  readonly buckets: Map<string, RateLimiter>;
}

interface Held {
  readonly limiter: RateLimiter;
  readonly ticket: readonly unknown[];
}

/** A call on a route without its own limits holds nothing. */
const NONE: Held | undefined = undefined;

/**
 * The gate for `rateLimit.routes`. Routes are matched by operation name (`chat.postMessage`) first,
 * then by `METHOD /route/template`. Each bucket is a limiter of its own, built on first use.
 * @throws TypeError naming the route when one of its options is malformed.
 */
export function createRouteBudgets(
  routes: Record<string, RouteRateLimit>,
  options: { clock: Clock; maxWaitMs?: number | string; spreadBelow?: number },
): AttemptGate<Held | undefined> {
  const entries = new Map<string, RouteEntry>();
  for (const [name, rule] of Object.entries(routes)) {
    if (typeof rule !== 'object' || rule === null) throw new TypeError(`rateLimit.routes[${JSON.stringify(name)}] must be an object such as { budget: { requests: 1, per: '1s' } }`);
    const entry: RouteEntry = { name, rule, buckets: new Map() };
    entries.set(name, entry);
    // Built now so a malformed option fails at client creation, not on the first call of the route.
    limiterFor(entry, name, options);
  }

  return {
    enter(context) {
      const entry = entries.get(context.operation) ?? entries.get(`${context.method} ${context.route}`);
      if (!entry) return NONE;
      const sub = entry.rule.key?.({
        operation: context.operation, method: context.method, route: context.route,
        params: context.input?.params, query: context.input?.query, body: context.input?.body,
      });
      const limiter = limiterFor(entry, sub === undefined ? entry.name : `${entry.name}:${sub}`, options);
      const ticket = limiter.gate.enter(context);
      return ticket instanceof Promise ? ticket.then((t) => ({ limiter, ticket: t })) : { limiter, ticket };
    },
    leave(context, held, response, error) {
      held?.limiter.gate.leave(context, held.ticket, response, error);
    },
  };
}

function limiterFor(entry: RouteEntry, bucket: string, options: { clock: Clock; maxWaitMs?: number | string; spreadBelow?: number }): RateLimiter {
  const found = entry.buckets.get(bucket);
  if (found) {
    // Most recently used last, so the first key is the one to drop.
    entry.buckets.delete(bucket);
    entry.buckets.set(bucket, found);
    return found;
  }
  const { rule } = entry;
  let limiter: RateLimiter;
  try {
    limiter = createRateLimiter(
      {
        parse: rule.parse ?? false,
        ...(rule.budget !== undefined ? { budget: rule.budget } : {}),
        ...(rule.concurrency !== undefined ? { concurrency: rule.concurrency } : {}),
        ...(rule.shared !== undefined ? { shared: typeof rule.shared === 'function' ? rule.shared(bucket) : rule.shared } : {}),
        ...(options.maxWaitMs !== undefined ? { maxWaitMs: options.maxWaitMs } : {}),
        ...(options.spreadBelow !== undefined ? { spreadBelow: options.spreadBelow } : {}),
      },
      options.clock,
    );
  } catch (error) {
    if (error instanceof TypeError) throw new TypeError(error.message.replace(/^rateLimit\./, `rateLimit.routes[${JSON.stringify(entry.name)}].`));
    throw error;
  }
  entry.buckets.set(bucket, limiter);
  if (entry.buckets.size > MAX_BUCKETS_PER_ROUTE) entry.buckets.delete(entry.buckets.keys().next().value as string);
  return limiter;
}
