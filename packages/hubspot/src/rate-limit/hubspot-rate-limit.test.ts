import { describe, expect, it } from 'vitest';
import { hubspotRateLimit, isSearchPath } from './hubspot-rate-limit.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const read = (status: number, headers: Record<string, string>) => hubspotRateLimit.read({ status, headers: new Headers(headers) }, NOW);

describe('hubspotRateLimit', () => {
  it('reports the daily budget as a window ending at midnight UTC', () => {
    expect(read(200, { 'x-hubspot-ratelimit-max': '100', 'x-hubspot-ratelimit-remaining': '97', 'x-hubspot-ratelimit-interval-milliseconds': '10000', 'x-hubspot-ratelimit-daily': '250000', 'x-hubspot-ratelimit-daily-remaining': '1200' })).toEqual({
      bucket: 'default', remaining: 1200, limit: 250000, resetAt: Date.parse('2026-03-02T00:00:00Z'),
    });
  });

  it('pauses for Retry-After on a 429, or one interval when it is missing', () => {
    expect(read(429, { 'retry-after': '2', 'x-hubspot-ratelimit-interval-milliseconds': '10000' })).toEqual({ retryAfterMs: 2000 });
    expect(read(429, { 'x-hubspot-ratelimit-interval-milliseconds': '10000' })).toEqual({ retryAfterMs: 10000 });
  });

  it('says nothing for answers without limit headers (search)', () => {
    expect(read(200, {})).toBeUndefined();
  });

  it('puts search calls in their own bucket', () => {
    const bucket = (path: string) => hubspotRateLimit.bucketFor!({ method: 'POST', url: new URL(`https://api.hubapi.com${path}`), route: path });
    expect(bucket('/crm/v3/objects/contacts/search')).toBe('search');
    expect(bucket('/crm/v3/objects/2-123/search')).toBe('search');
    expect(bucket('/crm/v3/objects/contacts/batch/read')).toBe('default');
    expect(isSearchPath('/crm/v3/objects/deals')).toBe(false);
  });
});
