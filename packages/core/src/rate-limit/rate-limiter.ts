import { ConnectorError, RateLimitError } from '../errors/index.ts';
import type { AttemptContext, AttemptMiddleware } from '../http/create-http-client.ts';
import type { ConnectorEventOf } from '../http/events.ts';
import { type Clock, systemClock } from '../internal/clock.ts';
import { ConcurrencyLimit } from './concurrency-limit.ts';
import { HeaderPacer, type RateLimitBucketState } from './header-pacer.ts';
import { parseDuration } from './parse-duration.ts';
import type { RateLimitParser } from './rate-limit-parser.ts';
import { SlidingWindowBudget } from './sliding-window-budget.ts';
import { standardRateLimit } from './standard-rate-limit.ts';
import { WaitQueue } from './wait-queue.ts';

/** A budget you declare because the provider documents it but does not send headers: `{ requests: 100, per: '10s' }`. */
export interface RateBudget {
  /** Calls allowed in any span of `per`. A whole number >= 1. */
  requests: number;
  /** The span: milliseconds, or `'500ms'`, `'10s'`, `'1m'`, `'1h'`, `'1d'`. */
  per: number | string;
}

/** The answer of a shared (cross-process) limiter. */
export type SharedGrant =
  /** `release` marks the call done (the slot then frees `per` later); call it once. */
  | { granted: true; release(): void }
  | { granted: false; retryAfterMs: number };

/**
 * A budget shared by every process of an app, e.g. `redisRateLimiter` from `@connectors/core/redis`.
 * Implement it to back the budget with another store.
 */
export interface SharedRateLimiter {
  /** Names the budget in errors; never a secret. */
  readonly name: string;
  /** Takes one slot now if there is one, or says when to ask again. Never waits itself. */
  tryAcquire(): Promise<SharedGrant>;
}

/** How a client keeps under the provider's limits. Every field is optional. */
export interface RateLimitOptions {
  /**
   * How to read the provider's rate-limit headers, to pace calls before the limit is hit. Default
   * `standardRateLimit` (X-RateLimit-*, IETF RateLimit/RateLimit-Policy, Retry-After on 429); pass
   * `shopifyCallLimit`, `githubRateLimit` or your own; `false` turns header pacing off.
   */
  parse?: RateLimitParser | RateLimitParser['read'] | false;
  /** Declared budgets for this client, e.g. `{ requests: 100, per: '10s' }`, or several (`10/s` and `1000/h`). */
  budget?: RateBudget | readonly RateBudget[];
  /** At most this many calls in flight at once. Default unlimited. */
  concurrency?: number;
  /** A budget shared across processes (see `redisRateLimiter`). */
  shared?: SharedRateLimiter;
  /**
   * The longest a call waits for budget. A call that would wait longer (or past its `timeout.totalMs`)
   * fails at once with `RateLimitError` and its `retryAt`, so a job scheduler can come back then.
   * Milliseconds or `'30s'`-style text; default 60 s.
   */
  maxWaitMs?: number | string;
  /**
   * Once the budget left falls to this fraction of the limit, the rest is spread over the time to
   * reset instead of sent in a burst. Default 0.2; 1 always spreads; 0 bursts until empty.
   */
  spreadBelow?: number;
}

type ThrottleReason = ConnectorEventOf<'throttled'>['reason'];

const WHAT: Record<ThrottleReason, string> = {
  'rate-limit-headers': 'the rate limit the provider reported',
  'declared-budget': 'the declared budget (rateLimit.budget)',
  'shared-budget': 'the shared budget',
  concurrency: 'the concurrency limit',
};

/** The middleware that applies `RateLimitOptions`, with a view of what it has learned. */
export interface RateLimiter {
  readonly middleware: AttemptMiddleware;
  /** What the pacer knows of each provider bucket (remaining, reset, calls in flight). */
  snapshot(): Record<string, RateLimitBucketState>;
}

function toParser(parse: RateLimitOptions['parse']): RateLimitParser | undefined {
  if (parse === false) return undefined;
  if (parse === undefined) return standardRateLimit;
  if (typeof parse === 'function') return { name: parse.name || 'custom', read: parse };
  if (typeof parse.read !== 'function') throw new TypeError('rateLimit.parse must be a RateLimitParser (an object with read()), a read function, or false');
  return parse;
}

function wholeNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`${what} must be a whole number >= 1; got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Builds the rate-limit middleware. `createHttpClient` does this from its `rateLimit` option; build
 * one yourself to share one budget between several clients of the same account:
 * `const limiter = createRateLimiter({ budget: { requests: 100, per: '10s' } })`, then
 * `createHttpClient({ ..., rateLimit: false, middleware: [limiter.middleware] })` for each.
 * @throws TypeError for a malformed option, naming it.
 */
export function createRateLimiter(options: RateLimitOptions = {}, clock: Clock = systemClock): RateLimiter {
  const maxWaitMs = options.maxWaitMs === 0 ? 0 : parseDuration(options.maxWaitMs ?? 60_000, 'rateLimit.maxWaitMs');
  const parser = toParser(options.parse);
  const pacer = parser ? new HeaderPacer({ parser, clock, ...(options.spreadBelow !== undefined ? { spreadBelow: options.spreadBelow } : {}) }) : undefined;
  const concurrency = options.concurrency === undefined ? undefined : new ConcurrencyLimit(wholeNumber(options.concurrency, 'rateLimit.concurrency'));
  const concurrencyQueue = concurrency && new WaitQueue(clock, concurrency);
  const budgetList = options.budget === undefined ? [] : Array.isArray(options.budget) ? options.budget : [options.budget as RateBudget];
  const budgets = budgetList.map((budget, i) => {
    const what = `rateLimit.budget${budgetList.length > 1 ? `[${i}]` : ''}`;
    if (typeof budget !== 'object' || budget === null) throw new TypeError(`${what} must look like { requests: 100, per: '10s' }; got ${JSON.stringify(budget)}`);
    const gate = new SlidingWindowBudget(wholeNumber(budget.requests, `${what}.requests`), parseDuration(budget.per, `${what}.per`));
    return { gate, queue: new WaitQueue(clock, gate) };
  });
  const shared = options.shared;
  if (shared !== undefined && typeof shared.tryAcquire !== 'function') throw new TypeError('rateLimit.shared must be a SharedRateLimiter such as redisRateLimiter(...)');
  const sharedQueue = shared && new WaitQueue<() => void>(clock, {
    check: async (now) => {
      const grant = await shared.tryAcquire();
      return grant.granted ? { ready: true, value: grant.release } : { ready: false, at: now + Math.max(1, grant.retryAfterMs) };
    },
    cancel: (release) => release(),
  });

  const middleware: AttemptMiddleware = async (context, next) => {
    const now = clock.now();
    const limitAt = Math.min(now + maxWaitMs, context.deadline ?? Number.POSITIVE_INFINITY);
    const tooLong = (reason: ThrottleReason) => (at: number) => waitTooLong(context, reason, at, clock.now(), maxWaitMs);
    const throttled = (reason: ThrottleReason, waitedMs: number) => {
      if (waitedMs >= 1) context.emit({ type: 'throttled', operation: context.operation, waitMs: Math.round(waitedMs), reason });
    };
    const releases: Array<(response: Response | undefined) => void> = [];
    const releaseAll = (response: Response | undefined) => {
      for (const release of releases.splice(0).reverse()) release(response);
    };
    try {
      if (concurrency && concurrencyQueue) {
        const { waitedMs } = await concurrencyQueue.acquire(context.signal, Number.POSITIVE_INFINITY, tooLong('concurrency'));
        releases.push(() => {
          concurrency.complete();
          concurrencyQueue.notify();
        });
        throttled('concurrency', waitedMs);
      }
      for (const { gate, queue } of budgets) {
        const { waitedMs } = await queue.acquire(context.signal, limitAt, tooLong('declared-budget'));
        releases.push(() => {
          gate.complete(clock.now());
          queue.notify();
        });
        throttled('declared-budget', waitedMs);
      }
      if (sharedQueue) {
        let admission;
        try {
          admission = await sharedQueue.acquire(context.signal, limitAt, tooLong('shared-budget'));
        } catch (error) {
          if (error instanceof ConnectorError || context.signal.aborted) throw error;
          throw new RateLimitError(`${context.connector} ${context.operation}: the shared rate limiter ${shared!.name} failed, so the call was not sent`, {
            connector: context.connector, operation: context.operation, retryable: true, retryAt: new Date(clock.now() + 1000),
            reason: 'the shared rate limiter is unavailable', cause: error,
          });
        }
        const release = admission.value;
        releases.push(() => release());
        throttled('shared-budget', admission.waitedMs);
      }
      if (pacer) {
        const request = { method: context.method, url: context.url, route: context.route };
        const { value: ticket, waitedMs } = await pacer.acquire(request, context.signal, limitAt, tooLong('rate-limit-headers'));
        releases.push((response) => pacer.complete(ticket, response));
        throttled('rate-limit-headers', waitedMs);
      }
    } catch (error) {
      releaseAll(undefined);
      throw error;
    }
    let response: Response | undefined;
    try {
      response = await next();
      return response;
    } finally {
      releaseAll(response);
    }
  };

  return { middleware, snapshot: () => pacer?.snapshot() ?? {} };
}

function waitTooLong(context: AttemptContext, reason: ThrottleReason, at: number, now: number, maxWaitMs: number): RateLimitError {
  const waitMs = Math.max(0, at - now);
  const pastDeadline = context.deadline !== undefined && at > context.deadline && waitMs <= maxWaitMs;
  const limit = pastDeadline ? 'past the call\'s total deadline (timeout.totalMs)' : `longer than rateLimit.maxWaitMs (${maxWaitMs} ms)`;
  const retryAt = new Date(at);
  return new RateLimitError(
    `${context.connector} ${context.operation}: ${WHAT[reason]} would hold this call for ${Math.ceil(waitMs / 1000)} s, ${limit}; it was not sent. Try again after ${retryAt.toISOString()}`,
    { connector: context.connector, operation: context.operation, retryable: true, retryAt, reason: `${WHAT[reason]} would hold the call ${limit}` },
  );
}
