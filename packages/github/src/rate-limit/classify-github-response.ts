import type { RetryVerdict } from '@connectors/core';

/**
 * GitHub's documented fallback when a secondary limit says nothing about time: wait at least a minute.
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#handling-rate-limit-errors
 */
export const SECONDARY_LIMIT_FALLBACK_MS = 60_000;

const SECONDARY_LIMIT_TEXT = /secondary rate limit|abuse detection/i;
const PRIMARY_LIMIT_TEXT = /API rate limit exceeded/i;

/**
 * GitHub's retry verdicts, run before the core defaults (`retry.classify`):
 * - 403/429 with `x-ratelimit-remaining: 0`: the primary limit; the core waits until `x-ratelimit-reset`
 *   (or throws `RateLimitError` with `retryAt` when that is further than `retry.maxRetryAfterMs`).
 * - 403/429 with `retry-after`: a secondary limit with a stated wait; the core honours it.
 * - 403/429 whose body says "secondary rate limit" without either header: wait at least 60 s.
 * - any other 403 is a permission problem: never retried (Octokit's plugin-throttling gets this right,
 *   plugin-retry does not distinguish them).
 * Everything else falls through to the core defaults.
 */
export function classifyGitHubResponse(response: { status: number; headers: Headers; body: string }): RetryVerdict | undefined {
  const { status, headers, body } = response;
  if (status !== 403 && status !== 429) return undefined;
  const resource = headers.get('x-ratelimit-resource');
  const where = resource ? ` (resource "${resource}")` : '';
  if (headers.get('x-ratelimit-remaining') === '0' && headers.has('x-ratelimit-reset')) {
    return { retryable: true, rateLimited: true, reason: `GitHub primary rate limit exhausted${where}; waiting for x-ratelimit-reset` };
  }
  if (headers.has('retry-after')) {
    return { retryable: true, rateLimited: true, reason: `GitHub secondary rate limit${where}; waiting as retry-after says` };
  }
  if (status === 429 || SECONDARY_LIMIT_TEXT.test(body) || PRIMARY_LIMIT_TEXT.test(body)) {
    return {
      retryable: true,
      rateLimited: true,
      minDelayMs: SECONDARY_LIMIT_FALLBACK_MS,
      reason: `GitHub secondary rate limit${where} without a stated wait; waiting at least 60 s as GitHub documents`,
    };
  }
  return { retryable: false, reason: 'GitHub answered 403: the token lacks permission for this resource (not a rate limit)' };
}
