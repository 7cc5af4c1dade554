export { createRateLimiter, type RateLimiter, type RateLimitOptions, type RateBudget, type SharedRateLimiter, type SharedGrant } from './rate-limiter.ts';
export type { RateLimitBucketState } from './header-pacer.ts';
export { createCircuitBreaker, type CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from '../circuit-breaker/circuit-breaker.ts';
export type { RateLimitParser, RateLimitObservation, RateLimitRequest, RateLimitResponse } from './rate-limit-parser.ts';
export { standardRateLimit } from './standard-rate-limit.ts';
export { parseDuration } from './parse-duration.ts';
export { createRouteBudgets, type RouteRateLimit, type RouteCall } from './route-budgets.ts';
