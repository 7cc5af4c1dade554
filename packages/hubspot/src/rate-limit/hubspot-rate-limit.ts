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
 * ten-secondly window) and `-Daily` / `-Daily-Remaining`. The most constraining of the two is
 * reported; the ten-secondly window is rolling, so its "reset" is taken as one interval from now
 * (the latest a slot can free). `Retry-After` on a 429 pauses the bucket. Search calls are their
 * own bucket (`search`): their answers carry no limit headers, so that bucket is paced by the
 * declared search budget alone.
 *
 * @example
 * createHttpClient({ connector: 'hubspot', baseUrl: 'https://api.hubapi.com', rateLimit: { parse: hubspotRateLimit } });
 */
export const hubspotRateLimit: RateLimitParser = {
  name: 'hubspot',
  read(response, now) {
    const { headers, status } = response;
    const observation: RateLimitObservation = {};
    const max = num(headers.get('x-hubspot-ratelimit-max'));
    const remaining = num(headers.get('x-hubspot-ratelimit-remaining'));
    const interval = num(headers.get('x-hubspot-ratelimit-interval-milliseconds'));
    const daily = num(headers.get('x-hubspot-ratelimit-daily'));
    const dailyRemaining = num(headers.get('x-hubspot-ratelimit-daily-remaining'));
    if (remaining !== undefined) {
      observation.remaining = remaining;
      if (max !== undefined) observation.limit = max;
      observation.resetAt = now + (interval ?? 10_000);
    }
    // The day's budget binds only when it is lower than what the window has left.
    if (dailyRemaining !== undefined && (observation.remaining === undefined || dailyRemaining < observation.remaining)) {
      observation.remaining = dailyRemaining;
      if (daily !== undefined) observation.limit = daily;
      const midnight = new Date(now);
      midnight.setUTCHours(24, 0, 0, 0);
      observation.resetAt = midnight.getTime();
    }
    if (status === 429) {
      const retryAfter = num(headers.get('retry-after'));
      observation.retryAfterMs = retryAfter !== undefined ? retryAfter * 1000 : (interval ?? 1000);
    }
    if (Object.keys(observation).length === 0) return undefined;
    // Limit headers describe the general (ten-secondly/daily) budget; a bare 429 belongs to the call's own bucket.
    if (observation.remaining !== undefined) observation.bucket = 'default';
    return observation;
  },
  bucketFor({ url }) {
    return isSearchPath(url.pathname) ? 'search' : 'default';
  },
};
