import { describe, expect, it } from 'vitest';
import { parseRetryAfter, readRateLimitHeaders, resetToEpochMs, serverRetryDelayMs } from './retry-after.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP-dates, ignores junk', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter('1.5', NOW)).toBe(1500);
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
  });
});

describe('readRateLimitHeaders', () => {
  it('reads the IETF structured fields', () => {
    const h = new Headers({ ratelimit: '"default";r=5;t=30', 'ratelimit-policy': '"default";q=100;w=60' });
    expect(readRateLimitHeaders(h, NOW)).toEqual({ remaining: 5, resetAt: NOW + 30_000, limit: 100, windowMs: 60_000 });
  });

  it('reads the earlier draft forms', () => {
    expect(readRateLimitHeaders(new Headers({ ratelimit: 'limit=10, remaining=0, reset=5' }), NOW)).toEqual({ limit: 10, remaining: 0, resetAt: NOW + 5000 });
    expect(readRateLimitHeaders(new Headers({ 'ratelimit-limit': '10', 'ratelimit-remaining': '2', 'ratelimit-reset': '7' }), NOW)).toEqual({
      limit: 10, remaining: 2, resetAt: NOW + 7000,
    });
  });

  it('reads X-RateLimit-* with reset as delta seconds, epoch seconds or epoch ms', () => {
    const epochS = String(NOW / 1000 + 60);
    expect(readRateLimitHeaders(new Headers({ 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': epochS }), NOW)).toEqual({
      limit: 5000, remaining: 0, resetAt: NOW + 60_000,
    });
    expect(resetToEpochMs(30, NOW)).toBe(NOW + 30_000);
    expect(resetToEpochMs(NOW + 5, NOW)).toBe(NOW + 5);
  });

  it('returns nothing for a response without rate-limit headers', () => {
    expect(readRateLimitHeaders(new Headers(), NOW)).toEqual({});
  });
});

describe('serverRetryDelayMs', () => {
  it('prefers Retry-After, uses a reset only when the budget is spent', () => {
    expect(serverRetryDelayMs(new Headers({ 'retry-after': '3', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '99' }), NOW)).toBe(3000);
    expect(serverRetryDelayMs(new Headers({ 'x-ratelimit-remaining': '4', 'x-ratelimit-reset': '99' }), NOW)).toBeUndefined();
    expect(serverRetryDelayMs(new Headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '9' }), NOW)).toBe(9000);
  });
});
