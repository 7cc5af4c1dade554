// One app instance for the shared-limit test: `node redis-worker.ts <baseUrl> <key> <calls> <requests> <perMs>`.
// Prints one JSON line: how many calls succeeded and failed.
import { Redis } from 'ioredis';
import { createHttpClient } from '../../http/create-http-client.ts';
import { redisRateLimiter } from '../redis-rate-limiter.ts';

const [baseUrl, key, calls, requests, perMs] = process.argv.slice(2);
const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: false });
const http = createHttpClient({
  connector: 'shared-test',
  baseUrl: baseUrl!,
  retry: { maxAttempts: 1 },
  circuitBreaker: false,
  rateLimit: { parse: false, shared: redisRateLimiter({ redis, key: key!, requests: Number(requests), per: Number(perMs) }) },
});
const results = await Promise.allSettled(Array.from({ length: Number(calls) }, () => http.request({ path: '/items' })));
const failed = results.filter((r) => r.status === 'rejected');
process.stdout.write(`${JSON.stringify({ ok: results.length - failed.length, failed: failed.length, errors: failed.slice(0, 3).map((f) => String((f as PromiseRejectedResult).reason)) })}\n`);
await redis.quit();
