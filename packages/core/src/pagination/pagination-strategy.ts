import type { PaginationErrorCode } from '../errors/pagination-error.ts';
import type { PagePosition } from './pagination-checkpoint.ts';
import type { QueryParams } from '../http/build-url.ts';
import { readPath } from './read-path.ts';

export type { PagePosition, PaginationCheckpoint } from './pagination-checkpoint.ts';

/** What to send for one page. */
export interface PageRequest {
  /** Merged over the caller's `query`. */
  query?: QueryParams;
  /** An absolute URL to fetch instead of `path` + `query` (next links). Refused unless on the client's origin. */
  url?: string;
  /** Merged over the caller's `body`, for `POST` listings (a cursor in a search request). */
  body?: Record<string, unknown>;
}

/** A page as received, before any schema ran: stop decisions are made from this, never from filtered items. */
export interface RawPage {
  /** The parsed body exactly as received. */
  body: unknown;
  /** The list at `items` in the raw body (its length is the page size the server returned). */
  items: readonly unknown[];
  headers: Headers;
  status: number;
  /** The URL the page was fetched from; next links are resolved against it. */
  url: URL;
  /** Stops the listing with a `PaginationError` that names the connector, operation and page. */
  fail(code: PaginationErrorCode, message: string): never;
}

/**
 * How a listing moves from page to page. The built-in strategies cover cursors, offsets, page numbers,
 * `Link` headers and next URLs; a custom one is an object with these three members.
 */
export interface PaginationStrategy {
  /** Written into checkpoints and checked on resume, e.g. `cursor`. */
  readonly kind: string;
  /** The request for a position; `undefined` asks for the first page. */
  request(position: PagePosition | undefined): PageRequest;
  /**
   * The position of the page after `page`, decided from the raw page, or `undefined` when `page` is
   * the last. `position` is the one `page` was fetched with.
   */
  next(page: RawPage, position: PagePosition | undefined): PagePosition | undefined;
}

/** A value in the raw body: a dotted path (`has_more`, `paging.next.after`) or a function of the page. */
export type PageValue = string | ((page: RawPage) => unknown);

export function readValue(page: RawPage, value: PageValue): unknown {
  return typeof value === 'function' ? value(page) : readPath(page.body, value);
}

/** Reads an explicit "more pages" flag; a missing or non-boolean flag is an error, never a silent stop. */
export function readHasMore(page: RawPage, hasMore: PageValue): boolean {
  const more = readValue(page, hasMore);
  if (typeof more === 'boolean') return more;
  return page.fail(
    'invalid-page',
    `the "more pages" flag ${typeof hasMore === 'string' ? `\`${hasMore}\`` : '(hasMore function)'} is ${more === undefined ? 'missing from the page' : `${JSON.stringify(more)}, not a boolean`}; check the strategy's hasMore option`,
  );
}

/** Reads a count (`total`, `total_pages`); absent is fine, anything but a finite number is an error. */
export function readCount(page: RawPage, value: PageValue, name: string): number | undefined {
  const count = readValue(page, value);
  if (count === undefined || count === null) return undefined;
  const n = typeof count === 'string' && count.trim() !== '' ? Number(count) : count;
  if (typeof n === 'number' && Number.isFinite(n)) return n;
  return page.fail('invalid-page', `${name} is ${JSON.stringify(count)}, not a number; check the strategy's ${name} option`);
}

export function checkLimit(name: string, limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new TypeError(`${name}: limit must be a positive integer; got ${String(limit)}`);
  }
}

/** Where a strategy sends its parameters: the query string, or the JSON body of a `POST` listing (search endpoints). */
export type ParamsIn = 'query' | 'body';

export function checkIn(name: string, value: ParamsIn | undefined): ParamsIn {
  const where = value ?? 'query';
  if (where !== 'query' && where !== 'body') throw new TypeError(`${name}: in must be 'query' or 'body'; got ${JSON.stringify(where)}`);
  return where;
}

/** A page request with the strategy's parameters where it sends them. */
export function pageRequest(where: ParamsIn, params: Record<string, string | number>): PageRequest {
  return where === 'body' ? { body: params } : { query: params };
}

export function checkParam(name: string, option: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${name}: ${option} must be a non-empty string (the query parameter name)`);
}
