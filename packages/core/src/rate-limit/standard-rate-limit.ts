import { parseRetryAfter, readRateLimitHeaders } from '../retry/retry-after.ts';
import type { RateLimitObservation, RateLimitParser, RateLimitResponse } from './rate-limit-parser.ts';

/** One item of an IETF `RateLimit` or `RateLimit-Policy` list: `"name";r=10;t=4`. */
interface PolicyItem {
  name: string;
  params: Map<string, number>;
}

/**
 * Splits a structured-field list (RFC 9651) into items with numeric parameters. Hand-written because
 * only this small subset is needed: quoted or bare item names and integer/decimal parameters.
 */
export function parseStructuredList(field: string): PolicyItem[] {
  const items: PolicyItem[] = [];
  let index = 0;
  const text = field.trim();
  while (index < text.length) {
    let name = '';
    if (text[index] === '"') {
      const end = text.indexOf('"', index + 1);
      if (end < 0) break;
      name = text.slice(index + 1, end);
      index = end + 1;
    } else {
      const match = /^[A-Za-z*][\w:.*/-]*/.exec(text.slice(index));
      if (match) {
        name = match[0];
        index += name.length;
      }
    }
    const params = new Map<string, number>();
    while (text[index] === ';') {
      const match = /^;\s*([a-z*][a-z0-9_.*-]*)(?:=("?)(-?\d+(?:\.\d+)?)\2)?/.exec(text.slice(index));
      if (!match) break;
      if (match[3] !== undefined) params.set(match[1]!, Number(match[3]));
      index += match[0].length;
    }
    items.push({ name, params });
    const comma = text.indexOf(',', index);
    if (comma < 0) break;
    index = comma + 1;
    while (text[index] === ' ' || text[index] === '\t') index++;
  }
  return items;
}

/**
 * Reads the IETF structured fields (draft-ietf-httpapi-ratelimit-headers-08 and later):
 * `RateLimit: "burst";r=5;t=1, "day";r=900;t=3600` with `RateLimit-Policy: "burst";q=100;w=60, ...`.
 * With several policies the most constraining one wins: the fewest requests left.
 */
function readIetf(headers: Headers, now: number): RateLimitObservation | undefined {
  const field = headers.get('ratelimit');
  // The earlier draft-07 form (`limit=10, remaining=0, reset=5`) has no `r` parameter; leave it to the generic reader.
  if (!field || !/;\s*r=/.test(field)) return undefined;
  const policies = new Map(parseStructuredList(headers.get('ratelimit-policy') ?? '').map((item) => [item.name, item.params]));
  let best: RateLimitObservation | undefined;
  for (const item of parseStructuredList(field)) {
    const remaining = item.params.get('r');
    if (remaining === undefined) continue;
    const reset = item.params.get('t');
    const policy = policies.get(item.name);
    const quota = policy?.get('q');
    const window = policy?.get('w');
    const candidate: RateLimitObservation = {
      remaining,
      ...(reset !== undefined ? { resetAt: now + reset * 1000 } : window !== undefined ? { resetAt: now + window * 1000 } : {}),
      ...(quota !== undefined ? { limit: quota } : {}),
    };
    if (!best || remaining < best.remaining! || (remaining === best.remaining && (candidate.resetAt ?? 0) > (best.resetAt ?? 0))) best = candidate;
  }
  return best;
}

/** Retry-After on a 429 (and only there: a 503's Retry-After is about an outage, not the budget). */
export function readPause(response: RateLimitResponse, now: number): Pick<RateLimitObservation, 'retryAfterMs'> {
  if (response.status !== 429) return {};
  const wait = parseRetryAfter(response.headers.get('retry-after'), now);
  return wait === undefined ? {} : { retryAfterMs: wait };
}

/**
 * The default parser: `X-RateLimit-Limit/Remaining/Reset` (reset as seconds-until, epoch seconds or
 * epoch milliseconds), the IETF `RateLimit` + `RateLimit-Policy` structured fields and their earlier
 * drafts (`RateLimit-Remaining`, `RateLimit-Reset`), and `Retry-After` on a 429.
 */
export const standardRateLimit: RateLimitParser = {
  name: 'standard',
  read(response, now) {
    const { headers } = response;
    // Every form below carries the budget left in one of these three fields; most providers send
    // none of them, and then the dozen other reads are skipped.
    if (!headers.has('ratelimit') && !headers.has('x-ratelimit-remaining') && !headers.has('ratelimit-remaining')) {
      if (response.status !== 429) return undefined;
      const pause = readPause(response, now);
      return pause.retryAfterMs !== undefined ? pause : undefined;
    }
    const pause = readPause(response, now);
    const ietf = readIetf(headers, now);
    const generic = ietf ? undefined : readRateLimitHeaders(headers, now);
    const state = ietf ?? generic;
    if (state?.remaining === undefined) return pause.retryAfterMs !== undefined ? pause : undefined;
    const observation: RateLimitObservation = { ...pause };
    if (state.remaining !== undefined) observation.remaining = state.remaining;
    if (state.limit !== undefined) observation.limit = state.limit;
    if (state.resetAt !== undefined) observation.resetAt = state.resetAt;
    else if (generic?.windowMs !== undefined) observation.resetAt = now + generic.windowMs;
    return observation;
  },
};
