import { parseRetryAfter, type RateLimitObservation, type RateLimitParser } from '@connectors/core';
import { SECONDARY_LIMIT_FALLBACK_MS as SECONDARY_FALLBACK_MS } from './classify-github-response.ts';

function num(value: string | null): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * GitHub REST and GraphQL. Primary limits come as `x-ratelimit-limit/remaining/reset` (reset in
 * epoch seconds) per `x-ratelimit-resource` (`core`, `search`, `code_search`, `graphql`...), each its
 * own budget. Secondary limits (too many concurrent or too fast requests) answer 403 or 429 with
 * `retry-after`, or a 429 with budget left and no time, where GitHub asks for at least a minute; they
 * count across resources, so the pause holds every bucket.
 *
 * @example
 * createHttpClient({ connector: 'github', baseUrl: 'https://api.github.com', rateLimit: { parse: githubRateLimit } });
 */
export const githubRateLimit: RateLimitParser = {
  name: 'github',
  read(response, now) {
    const { headers, status } = response;
    const limit = num(headers.get('x-ratelimit-limit'));
    const remaining = num(headers.get('x-ratelimit-remaining'));
    const reset = num(headers.get('x-ratelimit-reset'));
    const observation: RateLimitObservation = {};
    if (remaining !== undefined) {
      observation.remaining = remaining;
      if (limit !== undefined) observation.limit = limit;
      if (reset !== undefined) observation.resetAt = reset * 1000;
      observation.bucket = headers.get('x-ratelimit-resource') ?? 'core';
    }
    if (status === 403 || status === 429) {
      const retryAfter = parseRetryAfter(headers.get('retry-after'), now);
      if (retryAfter !== undefined) Object.assign(observation, { retryAfterMs: retryAfter, global: true });
      else if (status === 429 && remaining !== 0) Object.assign(observation, { retryAfterMs: SECONDARY_FALLBACK_MS, global: true });
    }
    return Object.keys(observation).length ? observation : undefined;
  },
  bucketFor({ url }) {
    const path = url.pathname;
    if (/\/search\/code(\/|$)/.test(path)) return 'code_search';
    if (/\/search\//.test(path)) return 'search';
    if (/\/graphql$/.test(path)) return 'graphql';
    return 'core';
  },
};
