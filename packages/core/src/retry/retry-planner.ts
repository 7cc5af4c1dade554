import { ConnectorError, NetworkError, RateLimitError } from '../errors/index.ts';
import type { EventInput } from '../http/events.ts';
import type { Clock } from '../internal/clock.ts';
import { serverRetryDelayMs } from './retry-after.ts';
import type { RetryBudget } from './retry-budget.ts';
import { backoffDelayMs, type ResolvedRetryPolicy, type RetryVerdict } from './retry-policy.ts';

/** What the planner needs to know of a call. */
export interface RetryCall {
  readonly operation: string;
  readonly callId: string;
  readonly method: string;
  /** Safe to repeat: an idempotent method, an idempotency key, or `idempotent: true`. */
  readonly retrySafe: boolean;
  /** The body is a stream: it can be sent once only. */
  readonly oneShot: boolean;
  /** Epoch ms when the whole call times out. */
  readonly deadline: number;
}

/** Retry after `delayMs`, or stop with `error` (the failure itself, or a RateLimitError carrying `retryAt`). */
export type RetryPlan =
  | { retry: true; delayMs: number; reason: string; source: 'backoff' | 'server' }
  | { retry: false; error?: ConnectorError };

/**
 * Decides whether and when a failed attempt is tried again: the retry policy, server-directed waits
 * (Retry-After, a body's wait), "not applied" failures, the deadline and the retry budget, in that order.
 */
export class RetryPlanner {
  readonly #connector: string;
  readonly #policy: ResolvedRetryPolicy;
  readonly #budget: RetryBudget | undefined;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #totalMs: number;
  readonly #emit: (event: EventInput) => void;

  constructor(options: { connector: string; policy: ResolvedRetryPolicy; budget: RetryBudget | undefined; clock: Clock; random: () => number; totalMs: number; emit: (event: EventInput) => void }) {
    this.#connector = options.connector;
    this.#policy = options.policy;
    this.#budget = options.budget;
    this.#clock = options.clock;
    this.#random = options.random;
    this.#totalMs = options.totalMs;
    this.#emit = options.emit;
  }

  /** Decides whether and when to retry; may swap the error for a RateLimitError with `retryAt`. */
  plan(call: RetryCall, attempt: number, failure: ConnectorError, verdict: RetryVerdict, response: Response | undefined): RetryPlan {
    const now = this.#clock.now();
    const status = response?.status;
    const serverDelay = verdict.retryAfterMs ?? (response ? serverRetryDelayMs(response.headers, now) : undefined);
    const rateLimited = verdict.rateLimited === true;
    if (rateLimited && status !== undefined) {
      this.#emit({ type: 'rate-limited', operation: call.operation, callId: call.callId, status, ...(serverDelay !== undefined ? { retryAfterMs: serverDelay } : {}) });
    }
    const give = (reason: string, retryAfterMs?: number): { retry: false; error: ConnectorError } => {
      if (rateLimited || (serverDelay !== undefined && retryAfterMs !== undefined)) {
        const wait = retryAfterMs ?? serverDelay ?? backoffDelayMs(attempt, this.#policy, this.#random);
        return {
          retry: false,
          error: new RateLimitError(`${this.#connector} ${call.operation}: rate limited; ${reason}. Try again after ${new Date(now + wait).toISOString()}`, {
            connector: this.#connector, operation: call.operation, retryable: true, reason, attempts: attempt, retryAt: new Date(now + wait),
            ...(status !== undefined ? { status } : {}), ...(failure.requestId ? { requestId: failure.requestId } : {}), cause: failure,
          }),
        };
      }
      return { retry: false, error: withReason(failure, reason) };
    };

    if (!verdict.retryable) return { retry: false, error: withReason(failure, verdict.reason) };
    if (call.oneShot) return give('the request body is a stream, which can be sent only once: the call is not retried');
    const beforeSend = failure instanceof NetworkError && failure.beforeSend;
    // Not applied (a 429, a provider code documented as refused before processing): repeating cannot duplicate anything.
    if (!call.retrySafe && !beforeSend && verdict.notApplied !== true) {
      return give(`${call.method} without an idempotency key is not retried: the first attempt may have been applied`);
    }
    if (attempt >= this.#policy.maxAttempts) return give(`gave up after ${attempt} attempt${attempt > 1 ? 's' : ''} (retry.maxAttempts)`);
    if (serverDelay !== undefined && serverDelay > this.#policy.maxRetryAfterMs) {
      return give(`the server asked for a ${Math.ceil(serverDelay / 1000)} s wait, longer than retry.maxRetryAfterMs (${this.#policy.maxRetryAfterMs} ms)`, serverDelay);
    }
    let delayMs: number;
    let source: 'backoff' | 'server';
    if (serverDelay !== undefined) {
      // A little jitter on top of the server's time keeps a fleet from returning in one burst.
      delayMs = serverDelay + Math.round(this.#random() * Math.min(1000, serverDelay * 0.1));
      source = 'server';
    } else {
      delayMs = backoffDelayMs(attempt, this.#policy, this.#random);
      source = 'backoff';
    }
    if (verdict.minDelayMs !== undefined && delayMs < verdict.minDelayMs) {
      if (verdict.minDelayMs > this.#policy.maxRetryAfterMs) {
        return give(`the provider needs at least a ${Math.ceil(verdict.minDelayMs / 1000)} s wait, longer than retry.maxRetryAfterMs (${this.#policy.maxRetryAfterMs} ms)`, verdict.minDelayMs);
      }
      delayMs = verdict.minDelayMs;
      source = 'server';
    }
    if (now + delayMs >= call.deadline) {
      return give(`waiting ${delayMs} ms would pass the total deadline (timeout.totalMs ${this.#totalMs} ms)`, source === 'server' ? delayMs : undefined);
    }
    if (this.#budget && !this.#budget.tryAcquire()) {
      return give('retry budget exhausted: too many recent failures; retries resume as calls succeed');
    }
    return { retry: true, delayMs, reason: verdict.reason, source };
  }
}

function withReason(error: ConnectorError, reason: string): ConnectorError {
  error.reason = reason;
  return error;
}
