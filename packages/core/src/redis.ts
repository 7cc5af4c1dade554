export { redisTokenStore, type RedisTokenStoreOptions } from './auth/redis-token-store.ts';
export { redisRateLimiter, type RedisRateLimiterOptions } from './rate-limit/redis-rate-limiter.ts';
export { redisCostPacer, type RedisCostPacerOptions } from './graphql/redis-cost-pacer.ts';
