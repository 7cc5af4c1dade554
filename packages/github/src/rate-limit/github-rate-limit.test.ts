import { describe, expect, it } from 'vitest';
import { githubRateLimit } from './github-rate-limit.ts';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const read = (headers: Record<string, string>, status = 200) => githubRateLimit.read({ status, headers: new Headers(headers) }, NOW);
const primary = (resource: string, remaining: number) => ({
  'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(NOW / 1000 + 600),
  'x-ratelimit-used': String(5000 - remaining), 'x-ratelimit-resource': resource,
});

describe('githubRateLimit', () => {
  it('reads the primary limit per resource, reset in epoch seconds', () => {
    expect(read(primary('core', 4999))).toEqual({ bucket: 'core', limit: 5000, remaining: 4999, resetAt: NOW + 600_000 });
    expect(read(primary('search', 29))).toMatchObject({ bucket: 'search', remaining: 29 });
  });

  it('pauses every bucket on a secondary limit with retry-after', () => {
    expect(read({ ...primary('core', 4000), 'retry-after': '30' }, 403)).toMatchObject({ bucket: 'core', remaining: 4000, retryAfterMs: 30_000, global: true });
  });

  it('waits a minute on a secondary 429 that names no time, as GitHub documents', () => {
    expect(read(primary('core', 4000), 429)).toMatchObject({ retryAfterMs: 60_000, global: true });
  });

  it('leaves an exhausted primary limit to its reset, and a plain 403 alone', () => {
    expect(read(primary('core', 0), 403)).toEqual({ bucket: 'core', limit: 5000, remaining: 0, resetAt: NOW + 600_000 });
    expect(read({}, 403)).toBeUndefined();
  });

  it('knows which bucket a request will spend before sending', () => {
    const bucket = (path: string) => githubRateLimit.bucketFor!({ method: 'GET', route: path, url: new URL(path, 'https://api.github.com') });
    expect(bucket('/search/code')).toBe('code_search');
    expect(bucket('/search/issues')).toBe('search');
    expect(bucket('/graphql')).toBe('graphql');
    expect(bucket('/repos/o/r/issues')).toBe('core');
    expect(githubRateLimit.bucketFor!({ method: 'GET', route: '/search/issues', url: new URL('https://ghe.example.com/api/v3/search/issues') })).toBe('search');
  });
});
