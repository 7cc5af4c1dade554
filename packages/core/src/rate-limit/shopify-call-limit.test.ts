import { describe, expect, it } from 'vitest';
import { shopifyCallLimit } from './shopify-call-limit.ts';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const read = (headers: Record<string, string>, status = 200) => shopifyCallLimit.read({ status, headers: new Headers(headers) }, NOW);

describe('shopifyCallLimit', () => {
  it('reads the leaky bucket: 32 used of 40, draining 2 per second', () => {
    expect(read({ 'X-Shopify-Shop-Api-Call-Limit': '32/40' })).toEqual({ limit: 40, remaining: 8, refillPerSecond: 2 });
  });

  it('derives the drain rate from the bucket size (Plus: 400 at 20/s)', () => {
    expect(read({ 'x-shopify-shop-api-call-limit': '1/400' })).toEqual({ limit: 400, remaining: 399, refillPerSecond: 20 });
  });

  it('reads Retry-After on a 429 (Shopify sends 2.0)', () => {
    expect(read({ 'x-shopify-shop-api-call-limit': '40/40', 'retry-after': '2.0' }, 429)).toEqual({ limit: 40, remaining: 0, refillPerSecond: 2, retryAfterMs: 2000 });
  });

  it('ignores what it cannot read', () => {
    expect(read({})).toBeUndefined();
    expect(read({ 'x-shopify-shop-api-call-limit': 'forty' })).toBeUndefined();
    expect(read({ 'x-shopify-shop-api-call-limit': '3/0' })).toBeUndefined();
  });
});
