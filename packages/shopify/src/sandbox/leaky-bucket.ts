/** One shop's cost bucket: `maximum` points, refilled at `restoreRate` points per second. */
export interface BucketState {
  available: number;
  updatedAt: number;
}

export interface BucketConfig {
  maximum: number;
  restoreRate: number;
}

/** Refills `state` up to `now` (in place) and returns the points available. */
export function refill(state: BucketState, config: BucketConfig, now: number): number {
  const elapsed = Math.max(0, now - state.updatedAt) / 1000;
  state.available = Math.min(config.maximum, state.available + elapsed * config.restoreRate);
  state.updatedAt = now;
  return state.available;
}

/** Takes `cost` points when there are enough (true) or leaves the bucket as it is (false). */
export function take(state: BucketState, config: BucketConfig, cost: number, now: number): boolean {
  if (refill(state, config, now) + 1e-9 < cost) return false;
  state.available -= cost;
  return true;
}

/** Returns points (the part of the requested cost the query did not use). */
export function refund(state: BucketState, config: BucketConfig, points: number): void {
  state.available = Math.min(config.maximum, state.available + Math.max(0, points));
}

/** Shopify reports whole points. */
export function throttleStatus(state: BucketState, config: BucketConfig) {
  return { maximumAvailable: config.maximum, currentlyAvailable: Math.floor(state.available), restoreRate: config.restoreRate };
}
