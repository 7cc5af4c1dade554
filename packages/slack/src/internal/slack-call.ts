import { cursorPagination, type HttpClient, type PaginationCheckpoint, type PaginationStrategy, type Schema } from '@connectors/core';

/** Options every Slack call takes. */
export interface SlackCallOptions {
  signal?: AbortSignal;
}

/** Options every Slack listing takes. Listings follow `response_metadata.next_cursor`. */
export interface SlackListOptions extends SlackCallOptions {
  /** Items per page, 1-1000. Default 200: Slack recommends "no more than 200 results at a time", and `@slack/web-api` pages by 200. */
  limit?: number;
  /** Stop after this many items. */
  maxItems?: number;
  maxPages?: number;
  /** Resume after the page this checkpoint came from (`page.checkpoint` of an earlier run). */
  checkpoint?: PaginationCheckpoint;
  /** Fetch the next page while you process this one. Default true. */
  prefetch?: boolean;
}

export const DEFAULT_PAGE_SIZE = 200;

/**
 * Slack's cursor pagination (https://docs.slack.dev/apis/web-api/pagination): `cursor` and `limit` go
 * with the other arguments in the POST body; the next cursor is `response_metadata.next_cursor`, and an
 * empty one ends the listing.
 */
export function slackCursor(limit = DEFAULT_PAGE_SIZE): PaginationStrategy {
  return cursorPagination({ in: 'body', cursorParam: 'cursor', nextCursor: 'response_metadata.next_cursor', limit });
}

function pageSize(method: string, limit: number | undefined): number {
  const size = limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > 1000) throw new TypeError(`slack ${method}: limit must be a whole number from 1 to 1000; got ${String(limit)}`);
  return size;
}

/** Drops `undefined` arguments, so they are neither sent nor counted. */
function args(body: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body ?? {})) if (value !== undefined) out[key] = value;
  return out;
}

/**
 * Every Web API method is `POST https://slack.com/api/<method>` with form-encoded arguments, as the
 * official SDK calls them; the method name is the operation (events, metrics, rate-limit routes).
 * `safe` marks calls that may be repeated after an ambiguous failure (reads, and writes whose repeat
 * changes nothing); other writes are retried only when Slack did not apply them (a 429 / `ratelimited`).
 */
export function call<S extends Schema>(http: HttpClient, method: string, body: Record<string, unknown> | undefined, schema: S, options: SlackCallOptions & { safe: boolean }) {
  return http.request({
    method: 'POST',
    path: `/${method}`,
    operation: method,
    body: args(body),
    schema,
    ...(options.safe ? { idempotent: true } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** A cursor listing of `method`, items at `items` (each method names its own: `channels`, `members`, `messages`). */
export function list<S extends Schema, K extends string>(http: HttpClient, method: string, body: Record<string, unknown> | undefined, items: K, schema: S, options: SlackListOptions = {}) {
  return http.paginate<S, K>({
    method: 'POST',
    path: `/${method}`,
    operation: method,
    body: args(body),
    schema,
    items,
    pagination: slackCursor(pageSize(method, options.limit)),
    ...(options.maxItems !== undefined ? { maxItems: options.maxItems } : {}),
    ...(options.maxPages !== undefined ? { maxPages: options.maxPages } : {}),
    ...(options.checkpoint !== undefined ? { checkpoint: options.checkpoint } : {}),
    ...(options.prefetch !== undefined ? { prefetch: options.prefetch } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
}
