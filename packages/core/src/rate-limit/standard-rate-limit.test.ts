import { describe, expect, it } from 'vitest';
import { parseStructuredList, standardRateLimit } from './standard-rate-limit.ts';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const read = (headers: Record<string, string>, status = 200) => standardRateLimit.read({ status, headers: new Headers(headers) }, NOW);

describe('standardRateLimit', () => {
  it('reads X-RateLimit-* with a reset in seconds from now', () => {
    expect(read({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '42', 'x-ratelimit-reset': '30' })).toEqual({ limit: 100, remaining: 42, resetAt: NOW + 30_000 });
  });

  it('reads X-RateLimit-Reset as epoch seconds and epoch milliseconds', () => {
    const epoch = NOW / 1000 + 90;
    expect(read({ 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': String(epoch) })).toEqual({ remaining: 1, resetAt: NOW + 90_000 });
    expect(read({ 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': String(NOW + 5000) })).toEqual({ remaining: 1, resetAt: NOW + 5000 });
  });

  it('reads the IETF RateLimit and RateLimit-Policy structured fields', () => {
    expect(read({ ratelimit: '"default";r=50;t=30', 'ratelimit-policy': '"default";q=100;w=60' })).toEqual({ remaining: 50, resetAt: NOW + 30_000, limit: 100 });
  });

  it('picks the most constraining of several IETF policies', () => {
    const headers = { ratelimit: '"burst";r=80;t=1, "daily";r=3;t=3600', 'ratelimit-policy': '"burst";q=100;w=1, "daily";q=1000;w=86400' };
    expect(read(headers)).toEqual({ remaining: 3, resetAt: NOW + 3_600_000, limit: 1000 });
  });

  it('falls back to the policy window when the field has no reset', () => {
    expect(read({ ratelimit: 'day;r=9', 'ratelimit-policy': 'day;q=10;w=86400' })).toEqual({ remaining: 9, limit: 10, resetAt: NOW + 86_400_000 });
  });

  it('reads the earlier drafts: RateLimit-Remaining/Reset and the draft-07 list', () => {
    expect(read({ 'ratelimit-limit': '10', 'ratelimit-remaining': '4', 'ratelimit-reset': '5' })).toEqual({ limit: 10, remaining: 4, resetAt: NOW + 5000 });
    expect(read({ ratelimit: 'limit=10, remaining=0, reset=5' })).toEqual({ limit: 10, remaining: 0, resetAt: NOW + 5000 });
  });

  it('reads Retry-After on a 429, in seconds or as a date, but not on a 503', () => {
    expect(read({ 'retry-after': '7' }, 429)).toEqual({ retryAfterMs: 7000 });
    expect(read({ 'retry-after': new Date(NOW + 12_000).toUTCString() }, 429)).toEqual({ retryAfterMs: 12_000 });
    expect(read({ 'retry-after': '7' }, 503)).toBeUndefined();
    expect(read({ 'retry-after': '2', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2' }, 429)).toEqual({ retryAfterMs: 2000, remaining: 0, resetAt: NOW + 2000 });
  });

  it('says nothing when there is nothing to read', () => {
    expect(read({})).toBeUndefined();
    expect(read({ 'x-ratelimit-limit': '100' })).toBeUndefined();
    expect(read({ 'x-ratelimit-remaining': 'lots' })).toBeUndefined();
  });
});

describe('parseStructuredList', () => {
  it('reads quoted and bare names with numeric parameters', () => {
    const items = parseStructuredList('"a, b";r=1;t=2, c;q=3;w=4.5;flag');
    expect(items.map((i) => [i.name, Object.fromEntries(i.params)])).toEqual([
      ['a, b', { r: 1, t: 2 }],
      ['c', { q: 3, w: 4.5 }],
    ]);
  });
});
