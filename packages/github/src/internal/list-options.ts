import { linkHeaderPagination, type PaginationCheckpoint, type PaginateOptions, type QueryParams } from '@connectors/core';

/** Options every GitHub listing takes. Listings follow the `Link` header, 100 items per page by default. */
export interface ListOptions {
  /** Items per page, 1-100 (GitHub's maximum, and the default here: fewer calls against the rate limit). */
  perPage?: number;
  /** Stop after this many items. */
  maxItems?: number;
  /** Stop after this many pages. */
  maxPages?: number;
  /** Resume after the page this checkpoint came from (`listing.checkpoint` or `page.checkpoint`). */
  checkpoint?: PaginationCheckpoint;
  /** Fetch the next page while you process this one. Default true. */
  prefetch?: boolean;
  signal?: AbortSignal;
}

/** Builds the `paginate` options shared by every listing: Link pagination, page size, limits. */
export function listing(operation: string, path: string, query: QueryParams, options: ListOptions = {}): Omit<PaginateOptions, 'schema' | 'params' | 'items'> {
  const perPage = options.perPage ?? 100;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
    throw new TypeError(`github ${operation}: perPage must be a whole number from 1 to 100 (GitHub's maximum); got ${String(options.perPage)}`);
  }
  return {
    path,
    query,
    operation,
    pagination: linkHeaderPagination({ limit: perPage, limitParam: 'per_page' }),
    ...(options.maxItems !== undefined ? { maxItems: options.maxItems } : {}),
    ...(options.maxPages !== undefined ? { maxPages: options.maxPages } : {}),
    ...(options.checkpoint !== undefined ? { checkpoint: options.checkpoint } : {}),
    ...(options.prefetch !== undefined ? { prefetch: options.prefetch } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  };
}

/** Joins list parameters GitHub takes comma-separated (`labels=bug,ui`). */
export function commaList(value: string | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(',');
}
