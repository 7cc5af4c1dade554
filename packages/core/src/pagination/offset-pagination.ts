import { checkIn, checkLimit, checkParam, pageRequest, type ParamsIn, type PagePosition, type PageValue, type PaginationStrategy, readCount, readHasMore } from './pagination-strategy.ts';

export interface OffsetPaginationOptions {
  /** Page size to ask for. With it, a page shorter than `limit` is the last (see `stopOn`). */
  limit?: number;
  /** Default `offset`. */
  offsetParam?: string;
  /** Default `limit`. */
  limitParam?: string;
  /** Where offset and limit are sent: the query string (default), or the JSON body of a `POST` listing (Elasticsearch's `from`/`size`). */
  in?: ParamsIn;
  /** The first offset. Default 0. */
  start?: number;
  /** The total number of items, when the API says (`total`, `meta.total_count`): decides the stop when present. */
  total?: PageValue;
  /** An explicit "more pages" flag, when the API has one. */
  hasMore?: PageValue;
  /**
   * Without `total` or `hasMore`: `short-page` (default when `limit` is set) stops at the first page with
   * fewer than `limit` items; `empty-page` keeps going until a page is empty, one extra request that
   * is safe against servers that cap the page size below `limit`.
   */
  stopOn?: 'short-page' | 'empty-page';
}

/**
 * `offset`/`limit` paging. The next offset advances by the number of items the server actually
 * returned on the raw page, so a server that caps the page size never makes the listing skip items.
 */
export function offsetPagination(options: OffsetPaginationOptions = {}): PaginationStrategy {
  const name = 'offsetPagination';
  checkLimit(name, options.limit);
  const offsetParam = options.offsetParam ?? 'offset';
  const limitParam = options.limitParam ?? 'limit';
  checkParam(name, 'offsetParam', offsetParam);
  checkParam(name, 'limitParam', limitParam);
  const start = options.start ?? 0;
  if (!Number.isInteger(start) || start < 0) throw new TypeError(`${name}: start must be a non-negative integer; got ${String(start)}`);
  const stopOn = options.stopOn ?? 'short-page';
  const where = checkIn(name, options.in);

  return {
    kind: 'offset',
    request: (position) => pageRequest(where, { [offsetParam]: position ?? start, ...(options.limit !== undefined ? { [limitParam]: options.limit } : {}) }),
    next(page, position): PagePosition | undefined {
      const count = page.items.length;
      if (count === 0) return undefined;
      const nextOffset = Number(position ?? start) + count;
      const total = options.total === undefined ? undefined : readCount(page, options.total, 'total');
      if (total !== undefined) return nextOffset < total ? nextOffset : undefined;
      if (options.hasMore !== undefined) return readHasMore(page, options.hasMore) ? nextOffset : undefined;
      if (stopOn === 'short-page' && options.limit !== undefined && count < options.limit) return undefined;
      return nextOffset;
    },
  };
}
