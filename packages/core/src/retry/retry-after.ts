/**
 * What a response says about when to try again and how much budget is left.
 * Hand-written because no maintained library reads all of these forms together:
 * - `Retry-After` (RFC 9110 10.2.3): delay-seconds or an HTTP-date;
 * - IETF `RateLimit` / `RateLimit-Policy` structured fields (`"default";r=0;t=30`, `"default";q=100;w=60`)
 *   and the earlier draft forms (`RateLimit-Remaining` / `RateLimit-Reset`, `limit=10, remaining=0, reset=5`);
 * - the common `X-RateLimit-Limit/Remaining/Reset`, where reset is seconds-until or an epoch in s or ms.
 */
export interface RateLimitState {
  limit?: number;
  remaining?: number;
  /** When the window resets, in epoch milliseconds. */
  resetAt?: number;
  /** Length of the quota window from `RateLimit-Policy` (`w`), in milliseconds. */
  windowMs?: number;
}

/** Milliseconds to wait according to `Retry-After`, or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Interprets a reset value: small numbers are seconds from now, large ones epoch seconds or milliseconds. */
export function resetToEpochMs(value: number, now: number): number {
  if (value > 1e12) return value; // epoch ms
  if (value > 1e9) return value * 1000; // epoch seconds
  return now + value * 1000; // delta seconds
}

function num(value: string | null | undefined): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  const n = Number(value.trim());
  return Number.isFinite(n) ? n : undefined;
}

/** Reads `key=value` parameters from a structured field item or a comma list (first item wins). */
function params(field: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of field.split(/[;,]/)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    if (!out.has(key)) out.set(key, part.slice(eq + 1).trim().replace(/^"|"$/g, ''));
  }
  return out;
}

/** Reads whatever rate-limit headers the response has. Empty object when none. */
export function readRateLimitHeaders(headers: Headers, now: number): RateLimitState {
  const state: RateLimitState = {};
  const ietf = headers.get('ratelimit');
  if (ietf) {
    const p = params(ietf);
    const remaining = num(p.get('r') ?? p.get('remaining'));
    const reset = num(p.get('t') ?? p.get('reset'));
    const limit = num(p.get('limit'));
    if (remaining !== undefined) state.remaining = remaining;
    if (reset !== undefined) state.resetAt = now + reset * 1000;
    if (limit !== undefined) state.limit = limit;
  }
  const policy = headers.get('ratelimit-policy');
  if (policy) {
    const p = params(policy);
    const quota = num(p.get('q')) ?? num(policy.split(/[;,]/)[0]);
    const window = num(p.get('w'));
    if (quota !== undefined && state.limit === undefined) state.limit = quota;
    if (window !== undefined) state.windowMs = window * 1000;
  }
  for (const prefix of ['ratelimit-', 'x-ratelimit-']) {
    const limit = num(headers.get(`${prefix}limit`));
    const remaining = num(headers.get(`${prefix}remaining`));
    const reset = num(headers.get(`${prefix}reset`));
    if (state.limit === undefined && limit !== undefined) state.limit = limit;
    if (state.remaining === undefined && remaining !== undefined) state.remaining = remaining;
    if (state.resetAt === undefined && reset !== undefined) {
      // The IETF draft header is always delta-seconds; the X- form is either.
      state.resetAt = prefix === 'ratelimit-' ? now + reset * 1000 : resetToEpochMs(reset, now);
    }
  }
  return state;
}

/**
 * How long the server asked us to wait before trying again, from any of the headers above.
 * A reset time only counts when the budget is exhausted (`remaining` is 0).
 */
export function serverRetryDelayMs(headers: Headers, now: number): number | undefined {
  const retryAfter = parseRetryAfter(headers.get('retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  const state = readRateLimitHeaders(headers, now);
  if (state.remaining === 0 && state.resetAt !== undefined) return Math.max(0, state.resetAt - now);
  return undefined;
}
