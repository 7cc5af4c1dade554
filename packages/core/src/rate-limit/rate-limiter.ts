import { ConnectorError, RateLimitError } from '../errors/index.ts';
import { type AttemptGate, gateMiddleware } from '../http/attempt-gate.ts';
import type { AttemptContext, AttemptMiddleware } from '../http/attempt-context.ts';
import type { ConnectorEventOf } from '../http/events.ts';
import { type Clock, systemClock } from '../internal/clock.ts';
import { ConcurrencyLimit } from './concurrency-limit.ts';
import { HeaderPacer, type PacerTicket, type RateLimitBucketState } from './header-pacer.ts';
import { parseDuration } from './parse-duration.ts';
import type { RateLimitParser } from './rate-limit-parser.ts';
import type { RouteRateLimit } from './route-budgets.ts';
import { SlidingWindowBudget } from './sliding-window-budget.ts';
import { standardRateLimit } from './standard-rate-limit.ts';
import { type Admission, WaitQueue } from './wait-queue.ts';

/** A budget you declare because the provider documents it but does not send headers: `{ requests: 100, per: '10s' }`. */
export interface RateBudget {
  /** Calls allowed in any span of `per`. A whole number >= 1. */
  requests: number;
  /** The span: milliseconds, or `'500ms'`, `'10s'`, `'1m'`, `'1h'`, `'1d'`. */
  per: number | string;
}

/** The answer of a shared (cross-process) limiter. */
export type SharedGrant =
  /**
   * `release` marks the call done (the slot then frees `per` later); call it once. `unavailable` is
   * set by a limiter that fails open: its store could not be reached, the call goes without the
   * shared budget, and this says why (no secrets).
   */
  | { granted: true; release(): void; unavailable?: string }
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
   * a connector's own (e.g. `githubRateLimit` from `@connectors/github`); `false` turns header pacing off.
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
   * Limits per route or operation, each apart from the others: keyed by operation name
   * (`chat.postMessage`) or `METHOD /route/template` (`GET /search/issues`). See `RouteRateLimit`.
   */
  routes?: Record<string, RouteRateLimit>;
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
  'graphql-cost': 'the GraphQL cost budget',
};

/** The middleware that applies `RateLimitOptions`, with a view of what it has learned. */
export interface RateLimiter {
  /** The limiter as a gate the client runs around each attempt; the ticket is what it holds. */
  readonly gate: AttemptGate<readonly unknown[]>;
  /** The same as middleware, e.g. to share one limiter between clients of one account. */
  readonly middleware: AttemptMiddleware;
  /** What the pacer knows of each provider bucket (remaining, reset, calls in flight). */
  snapshot(): Record<string, RateLimitBucketState>;
}

/** A step's answer when its gate cannot let the call through at once. */
const WAIT: unique symbol = Symbol('wait');

/** One gate of the middleware, in the order calls pass them. */
interface Step {
  readonly reason: ThrottleReason;
  /** Takes a slot now if the gate is open and nobody waits at it; `WAIT` otherwise (nothing taken). */
  now(context: AttemptContext): unknown;
  wait(context: AttemptContext, limitAt: number, tooLong: (at: number) => Error): Promise<Admission<unknown>>;
  /** Gives the slot back once the attempt is over, with its response when there is one. */
  release(held: unknown, response: Response | undefined): void;
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
  const steps: Step[] = [];
  if (options.concurrency !== undefined) {
    const limit = new ConcurrencyLimit(wholeNumber(options.concurrency, 'rateLimit.concurrency'));
    const queue = new WaitQueue(clock, limit);
    steps.push({
      reason: 'concurrency',
      now: () => (queue.tryNow() ? true : WAIT),
      // Waiting for a call to finish is bounded by that call's own timeout, not by maxWaitMs.
      wait: (context, _limitAt, tooLong) => queue.acquire(context.signal, Number.POSITIVE_INFINITY, tooLong),
      release: () => {
        limit.complete();
        queue.notify();
      },
    });
  }
  const budgetList = options.budget === undefined ? [] : Array.isArray(options.budget) ? options.budget : [options.budget as RateBudget];
  budgetList.forEach((budget, i) => {
    const what = `rateLimit.budget${budgetList.length > 1 ? `[${i}]` : ''}`;
    if (typeof budget !== 'object' || budget === null) throw new TypeError(`${what} must look like { requests: 100, per: '10s' }; got ${JSON.stringify(budget)}`);
    const gate = new SlidingWindowBudget(wholeNumber(budget.requests, `${what}.requests`), parseDuration(budget.per, `${what}.per`));
    const queue = new WaitQueue(clock, gate);
    steps.push({
      reason: 'declared-budget',
      now: () => (queue.tryNow() ? true : WAIT),
      wait: (context, limitAt, tooLong) => queue.acquire(context.signal, limitAt, tooLong),
      release: () => {
        gate.complete(clock.now());
        queue.notify();
      },
    });
  });
  const shared = options.shared;
  if (shared !== undefined && typeof shared.tryAcquire !== 'function') throw new TypeError('rateLimit.shared must be a SharedRateLimiter such as redisRateLimiter(...)');
  if (shared) {
    const queue = new WaitQueue<Extract<SharedGrant, { granted: true }>>(clock, {
      check: async (now) => {
        const grant = await shared.tryAcquire();
        return grant.granted ? { ready: true, value: grant } : { ready: false, at: now + Math.max(1, grant.retryAfterMs) };
      },
      cancel: (grant) => grant.release(),
    });
    // Whether the store answered last time: an outage is reported once when it starts and once when it ends.
    let available = true;
    const report = (context: AttemptContext, unavailable: string | undefined) => {
      if ((unavailable === undefined) === available) return;
      available = unavailable === undefined;
      context.emit({ type: 'shared-budget', operation: context.operation, budget: shared.name, state: available ? 'recovered' : 'unavailable', ...(unavailable ? { reason: unavailable } : {}) });
    };
    steps.push({
      reason: 'shared-budget',
      // The store answers asynchronously: there is no answer to act on at once.
      now: () => WAIT,
      wait: async (context, limitAt, tooLong) => {
        let admission: Admission<Extract<SharedGrant, { granted: true }>>;
        try {
          admission = await queue.acquire(context.signal, limitAt, tooLong);
        } catch (error) {
          if (error instanceof ConnectorError || context.signal.aborted) throw error;
          report(context, error instanceof Error ? error.message : String(error));
          throw new RateLimitError(`${context.connector} ${context.operation}: the shared rate limiter ${shared.name} failed, so the call was not sent`, {
            connector: context.connector, operation: context.operation, retryable: true, retryAt: new Date(clock.now() + 1000),
            reason: 'the shared rate limiter is unavailable', cause: error,
          });
        }
        report(context, admission.value.unavailable);
        return { value: admission.value.release, waitedMs: admission.waitedMs };
      },
      release: (release) => (release as () => void)(),
    });
  }
  if (pacer) {
    // The context is itself a RateLimitRequest (method, url, route): no per-call copy.
    steps.push({
      reason: 'rate-limit-headers',
      now: (context) => pacer.tryAcquire(context) ?? WAIT,
      wait: (context, limitAt, tooLong) => pacer.acquire(context, context.signal, limitAt, tooLong),
      release: (ticket, response) => pacer.complete(ticket as PacerTicket, response),
    });
  }

  /** Gives back what was taken, last taken first. */
  const releaseAll = (held: readonly unknown[], response: Response | undefined) => {
    for (let i = held.length - 1; i >= 0; i--) steps[i]!.release(held[i], response);
  };

  /** From step `from` on, waits at each gate in turn; `held` has what the steps before took. */
  const admit = async (context: AttemptContext, from: number, held: unknown[]): Promise<readonly unknown[]> => {
    const limitAt = Math.min(clock.now() + maxWaitMs, context.deadline ?? Number.POSITIVE_INFINITY);
    try {
      for (let i = from; i < steps.length; i++) {
        const { reason } = steps[i]!;
        const { value, waitedMs } = await steps[i]!.wait(context, limitAt, (at) => waitTooLong(context, reason, at, clock.now(), maxWaitMs));
        held.push(value);
        if (waitedMs >= 1) context.emit({ type: 'throttled', operation: context.operation, waitMs: Math.round(waitedMs), reason });
      }
    } catch (error) {
      releaseAll(held, undefined);
      throw error;
    }
    return held;
  };

  /**
   * Every gate is asked synchronously first: when all are open and nobody is queued (a provider with
   * budget to spare, or one that sends no limits) the call goes straight on, with no promise, timer
   * or listener of its own. The first gate that says "not now" hands the call to the waiting path.
   */
  const gate: AttemptGate<readonly unknown[]> = {
    enter(context) {
      const held: unknown[] = [];
      if (steps.length === 0) return held;
      // An aborted call takes the waiting path, which rejects it with the signal's reason.
      if (context.signal.aborted) return admit(context, 0, held);
      for (let i = 0; i < steps.length; i++) {
        const value = steps[i]!.now(context);
        if (value === WAIT) return admit(context, i, held);
        held.push(value);
      }
      return held;
    },
    leave(_context, held, response) {
      releaseAll(held, response);
    },
  };

  return { gate, middleware: gateMiddleware(gate, { skipUnlimited: true }), snapshot: () => pacer?.snapshot() ?? {} };
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
