/**
 * What one response says about the provider's budget. Every field is optional: a parser fills in
 * what the provider sends.
 */
export interface RateLimitObservation {
  /**
   * The provider's name for the budget this response drew from (GitHub's `x-ratelimit-resource`:
   * `core`, `search`, `graphql`...). Calls on different buckets are paced apart. Default `default`.
   */
  bucket?: string;
  /** Requests allowed per window (or the leaky bucket's size). */
  limit?: number;
  /** Requests left right now. */
  remaining?: number;
  /** Window budgets: when the window resets, epoch milliseconds. */
  resetAt?: number;
  /** Leaky or token buckets: how many requests' worth of budget comes back per second. */
  refillPerSecond?: number;
  /** The provider asked for a pause (Retry-After on a 429): send nothing on this bucket for this long. */
  retryAfterMs?: number;
  /** The pause applies to every bucket (GitHub's secondary limits count across resources). */
  global?: boolean;
}

/** What a parser sees of a response: never the body, which belongs to the caller. */
export interface RateLimitResponse {
  readonly status: number;
  readonly headers: Headers;
}

/** What a parser sees of a request before it is sent. */
export interface RateLimitRequest {
  readonly method: string;
  readonly url: URL;
  /** The path template, e.g. `/search/issues`. */
  readonly route: string;
}

/**
 * Reads a provider's rate-limit headers. Pass one as `rateLimit.parse` when a provider speaks a
 * dialect the default (`standardRateLimit`) does not; connectors ship theirs (e.g. `githubRateLimit` in `@connectors/github`).
 */
export interface RateLimitParser {
  /** Short name for errors and docs, e.g. `shopify`. */
  readonly name: string;
  /** Reads one response; undefined when it says nothing about limits. */
  read(response: RateLimitResponse, now: number): RateLimitObservation | undefined;
  /**
   * The bucket a request will draw from, when the provider's rules tell it before sending (GitHub:
   * `/search/...` spends the `search` budget). Without it the pacer learns the bucket of each route
   * from responses.
   */
  bucketFor?(request: RateLimitRequest): string | undefined;
}
