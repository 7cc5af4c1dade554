import { checkIn, checkLimit, checkParam, pageRequest, type ParamsIn, type PagePosition, type PageValue, type PaginationStrategy, readCount, readHasMore } from './pagination-strategy.ts';

export interface PagePaginationOptions {
  /** Default `page`. */
  pageParam?: string;
  /** The number of the first page. Default 1. */
  firstPage?: number;
  /** Page size to ask for, sent as `limitParam`. With it, a page shorter than `limit` is the last (see `stopOn`). */
  limit?: number;
  /** Default `limit` (GitHub: `per_page`). */
  limitParam?: string;
  /** Where page and limit are sent: the query string (default), or the JSON body of a `POST` listing (Algolia's `page`/`hitsPerPage`). */
  in?: ParamsIn;
  /** The number of pages, when the API says (`total_pages`, `meta.pages`): decides the stop when present. */
  totalPages?: PageValue;
  /** An explicit "more pages" flag, when the API has one. */
  hasMore?: PageValue;
  /** Without `totalPages` or `hasMore`: stop on a `short-page` (default when `limit` is set) or only on an `empty-page`. */
  stopOn?: 'short-page' | 'empty-page';
}

/** Page-number paging (`?page=3`). */
export function pagePagination(options: PagePaginationOptions = {}): PaginationStrategy {
  const name = 'pagePagination';
  checkLimit(name, options.limit);
  const pageParam = options.pageParam ?? 'page';
  const limitParam = options.limitParam ?? 'limit';
  checkParam(name, 'pageParam', pageParam);
  checkParam(name, 'limitParam', limitParam);
  const first = options.firstPage ?? 1;
  if (!Number.isInteger(first) || first < 0) throw new TypeError(`${name}: firstPage must be a non-negative integer; got ${String(first)}`);
  const stopOn = options.stopOn ?? 'short-page';
  const where = checkIn(name, options.in);

  return {
    kind: 'page',
    request: (position) => pageRequest(where, { [pageParam]: position ?? first, ...(options.limit !== undefined ? { [limitParam]: options.limit } : {}) }),
    next(page, position): PagePosition | undefined {
      const count = page.items.length;
      if (count === 0) return undefined;
      const current = Number(position ?? first);
      const totalPages = options.totalPages === undefined ? undefined : readCount(page, options.totalPages, 'totalPages');
      // Page numbers may start at 0 or 1: the last page's number is totalPages - 1 + first.
      if (totalPages !== undefined) return current < totalPages - 1 + first ? current + 1 : undefined;
      if (options.hasMore !== undefined) return readHasMore(page, options.hasMore) ? current + 1 : undefined;
      if (stopOn === 'short-page' && options.limit !== undefined && count < options.limit) return undefined;
      return current + 1;
    },
  };
}
