import { type Clock, systemClock } from '../internal/clock.ts';
import type { CostPacer, CostState } from './graphql-types.ts';

type Bucket =
  | { kind: 'leaky-bucket'; maximum: number; available: number; restoreRate: number; at: number }
  | { kind: 'window'; limit: number; remaining: number; resetAt: number };

/**
 * Paces GraphQL calls by the cost their provider reports, in this process. A leaky bucket refills
 * at `restoreRate` points per second up to `maximum`; a window gives `limit` points until `resetAt`.
 * A call spends its estimated cost when it reserves (so concurrent calls do not all see the same
 * points), and the provider's next report replaces the estimate. Until a bucket's first report,
 * calls go at once.
 */
export function createCostPacer(clock: Clock = systemClock): CostPacer {
  const buckets = new Map<string, Bucket>();
  return {
    reserve(name, cost) {
      const bucket = buckets.get(name);
      if (!bucket) return 0;
      const now = clock.now();
      if (bucket.kind === 'leaky-bucket') {
        const available = Math.min(bucket.maximum, bucket.available + (bucket.restoreRate * (now - bucket.at)) / 1000);
        // More than the bucket can ever hold: send it and let the provider answer (Shopify rejects it as MAX_COST_EXCEEDED).
        const need = Math.min(cost, bucket.maximum);
        const waitMs = available >= need || bucket.restoreRate <= 0 ? 0 : Math.ceil(((need - available) / bucket.restoreRate) * 1000);
        bucket.available = available - need;
        bucket.at = now;
        return waitMs;
      }
      if (now >= bucket.resetAt) return 0; // a new window: the next report says how much it holds
      const waitMs = bucket.remaining >= cost ? 0 : bucket.resetAt - now;
      bucket.remaining -= cost;
      return waitMs;
    },
    observe(name, state: CostState) {
      const now = clock.now();
      buckets.set(
        name,
        state.kind === 'leaky-bucket'
          ? { kind: 'leaky-bucket', maximum: state.maximum, available: state.available, restoreRate: state.restoreRate, at: now }
          : { kind: 'window', limit: state.limit, remaining: state.remaining, resetAt: state.resetAt.getTime() },
      );
    },
  };
}
