import type { RateLimitParser } from './rate-limit-parser.ts';
import { readPause } from './standard-rate-limit.ts';

/**
 * Shopify REST Admin API: `X-Shopify-Shop-Api-Call-Limit: 32/40` is a leaky bucket, 32 used of 40.
 * Shopify drains every plan's bucket at a twentieth of its size per second (40 at 2/s, 80 at 4/s,
 * 400 at 20/s for Plus), so the refill rate follows from the size the header reports.
 * A 429 carries `Retry-After` (seconds, e.g. `2.0`).
 *
 * @example
 * createHttpClient({ connector: 'shopify', baseUrl, rateLimit: { parse: shopifyCallLimit } });
 */
export const shopifyCallLimit: RateLimitParser = {
  name: 'shopify',
  read(response, now) {
    const pause = readPause(response, now);
    const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(response.headers.get('x-shopify-shop-api-call-limit') ?? '');
    if (!match) return pause.retryAfterMs !== undefined ? pause : undefined;
    const used = Number(match[1]);
    const limit = Number(match[2]);
    if (!(limit > 0)) return pause.retryAfterMs !== undefined ? pause : undefined;
    return { ...pause, limit, remaining: Math.max(0, limit - used), refillPerSecond: limit / 20 };
  },
};
