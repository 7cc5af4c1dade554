import type { RetryBudgetOptions } from './retry-policy.ts';

/**
 * A token bucket for retries, in the spirit of gRPC retry throttling and the AWS SDK retry quota:
 * each retry spends a token, each success earns a fraction back. In a full outage the budget runs
 * dry and the client stops multiplying the load on the provider (one attempt per call) until
 * successes refill it.
 */
export class RetryBudget {
  readonly maxTokens: number;
  readonly refillPerSuccess: number;
  #tokens: number;

  constructor(options: RetryBudgetOptions = {}) {
    this.maxTokens = options.maxTokens ?? 20;
    this.refillPerSuccess = options.refillPerSuccess ?? 0.2;
    if (!(this.maxTokens > 0) || !(this.refillPerSuccess >= 0)) {
      throw new TypeError('retry.budget needs maxTokens > 0 and refillPerSuccess >= 0');
    }
    this.#tokens = this.maxTokens;
  }

  get tokens(): number {
    return this.#tokens;
  }

  /** Takes one token if there is one. */
  tryAcquire(): boolean {
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  recordSuccess(): void {
    this.#tokens = Math.min(this.maxTokens, this.#tokens + this.refillPerSuccess);
  }
}
