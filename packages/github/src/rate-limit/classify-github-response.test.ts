import { describe, expect, it } from 'vitest';
import { classifyGitHubResponse, SECONDARY_LIMIT_FALLBACK_MS } from './classify-github-response.ts';

const verdict = (status: number, headers: Record<string, string> = {}, body = '') =>
  classifyGitHubResponse({ status, headers: new Headers(headers), body });

describe('classifyGitHubResponse', () => {
  it('treats a 403 with x-ratelimit-remaining: 0 as the primary limit (the core waits until x-ratelimit-reset)', () => {
    const v = verdict(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1767225600', 'x-ratelimit-resource': 'core' }, '{"message":"API rate limit exceeded for user ID 1."}');
    expect(v).toMatchObject({ retryable: true, rateLimited: true });
    expect(v?.minDelayMs).toBeUndefined();
    expect(v?.reason).toContain('primary');
    expect(v?.reason).toContain('"core"');
  });

  it('honours retry-after on a 403 or 429 secondary limit', () => {
    for (const status of [403, 429]) {
      const v = verdict(status, { 'retry-after': '30' }, '{"message":"You have exceeded a secondary rate limit."}');
      expect(v).toMatchObject({ retryable: true, rateLimited: true });
      expect(v?.minDelayMs).toBeUndefined();
    }
  });

  it('waits at least 60 s for a secondary limit that names no time', () => {
    const v = verdict(403, {}, '{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}');
    expect(v).toMatchObject({ retryable: true, rateLimited: true, minDelayMs: SECONDARY_LIMIT_FALLBACK_MS });
    expect(verdict(429, {}, '')).toMatchObject({ retryable: true, minDelayMs: 60_000 });
    expect(verdict(403, {}, '{"message":"You have triggered an abuse detection mechanism."}')).toMatchObject({ retryable: true, minDelayMs: 60_000 });
  });

  it('never retries a 403 that is about permissions', () => {
    const v = verdict(403, { 'x-ratelimit-remaining': '4999' }, '{"message":"Resource not accessible by integration"}');
    expect(v).toEqual({ retryable: false, reason: expect.stringContaining('permission') });
  });

  it('leaves every other status to the core defaults', () => {
    for (const status of [400, 404, 422, 500, 502]) expect(verdict(status)).toBeUndefined();
  });
});
