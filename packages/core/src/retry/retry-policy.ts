/** How the client retries. Every field has a sensible default; pass only what you change. */
export interface RetryOptions {
  /** Attempts in total, first one included. Default 4. `1` disables retries. */
  maxAttempts?: number;
  /** First backoff step. Default 1000 ms; steps double: 1 s, 2 s, 4 s... */
  baseDelayMs?: number;
  /** Cap on one backoff step. Default 30 s. */
  maxDelayMs?: number;
  /**
   * The longest server-requested wait (Retry-After, RateLimit reset) the client sleeps through.
   * Longer requests throw `RateLimitError` with `retryAt` instead of blocking. Default 60 s.
   */
  maxRetryAfterMs?: number;
  /** Shared retry budget; `false` disables it. Default: a budget of 20 retries refilled by successes. */
  budget?: RetryBudgetOptions | false;
  /** Statuses worth retrying. Default 408, 425, 429, 500, 502, 503, 504. */
  retryableStatuses?: readonly number[];
  /**
   * A provider-specific verdict that runs before the defaults (e.g. Stripe's `Stripe-Should-Retry`,
   * GitHub's 403 secondary limit). Return undefined to fall back to the defaults. `body` is the
   * response text with known secrets removed (some providers only say "rate limit" in the body).
   */
  classify?: (response: { status: number; headers: Headers; body: string }) => RetryVerdict | undefined;
}

export interface RetryVerdict {
  retryable: boolean;
  /** Why, in a few words; ends up in the error and events. */
  reason: string;
  /** Treat this response as a rate limit (emits `rate-limited`, honours reset headers). */
  rateLimited?: boolean;
  /** Wait at least this long before retrying (e.g. GitHub's 60 s secondary-limit fallback). */
  minDelayMs?: number;
  /** The wait the provider asked for, when it says so outside the headers (a body's `retry_after`); wins over Retry-After. */
  retryAfterMs?: number;
  /**
   * The provider documents that a response like this one was rejected before any processing (a 429,
   * Slack's `ratelimited`): nothing was applied, so even a POST without an idempotency key is retried.
   * Leave unset for ambiguous failures (a 5xx on POST may have been applied).
   */
  notApplied?: boolean;
}

export interface RetryBudgetOptions {
  /** Retries the client may make in a burst before successes must refill the budget. Default 20. */
  maxTokens?: number;
  /** Tokens one successful call gives back. Default 0.2 (one retry earned per five successes). */
  refillPerSuccess?: number;
}

export interface ResolvedRetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
  retryableStatuses: ReadonlySet<number>;
  classify: RetryOptions['classify'];
}

export const DEFAULT_RETRYABLE_STATUSES: readonly number[] = [408, 425, 429, 500, 502, 503, 504];

export function resolveRetryPolicy(options: RetryOptions = {}): ResolvedRetryPolicy {
  const policy = {
    maxAttempts: options.maxAttempts ?? 4,
    baseDelayMs: options.baseDelayMs ?? 1000,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    retryableStatuses: new Set(options.retryableStatuses ?? DEFAULT_RETRYABLE_STATUSES),
    classify: options.classify,
  };
  for (const key of ['maxAttempts', 'baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs'] as const) {
    const value = policy[key];
    if (!Number.isFinite(value) || value < 0 || (key === 'maxAttempts' && (value < 1 || !Number.isInteger(value)))) {
      throw new TypeError(`retry.${key} must be a ${key === 'maxAttempts' ? 'whole number >= 1' : 'number >= 0'}; got ${String(value)}`);
    }
  }
  return policy;
}

/** The verdict for a status with no provider-specific rule. */
export function classifyStatus(status: number, policy: ResolvedRetryPolicy): RetryVerdict {
  // A 429 is refused before processing (RFC 6585 4): nothing was applied, so a POST may be repeated.
  if (status === 429) return { retryable: policy.retryableStatuses.has(429), reason: 'rate limited (429)', rateLimited: true, notApplied: true };
  if (policy.retryableStatuses.has(status)) return { retryable: true, reason: `transient server status ${status}` };
  if (status === 401) return { retryable: false, reason: 'credentials rejected (401)' };
  if (status >= 400 && status < 500) return { retryable: false, reason: `client error ${status}: the same request would fail again` };
  return { retryable: false, reason: `status ${status} is not in the retryable list` };
}

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 * a uniform pick in [0, min(cap, base * 2^(retry-1))]. Full jitter spreads a herd of clients best.
 */
export function backoffDelayMs(retry: number, policy: ResolvedRetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(random() * ceiling);
}

/** Safe methods can be repeated without changing anything on the server (RFC 9110 9.2.2). */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
