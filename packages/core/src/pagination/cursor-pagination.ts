import { checkIn, checkLimit, checkParam, pageRequest, type PagePosition, type ParamsIn, type PageValue, type PaginationStrategy, type RawPage, readHasMore, readValue } from './pagination-strategy.ts';
import { readPath } from './read-path.ts';

export interface CursorPaginationOptions {
  /** The parameter that carries the cursor: `starting_after` (Stripe), `cursor` (Slack), `after` (HubSpot), `start_cursor` (Notion). */
  cursorParam: string;
  /**
   * Where the cursor and the limit are sent: the query string (default), or the JSON body of a
   * `POST` listing (`paginate({ method: 'POST', body })`), as HubSpot search and Notion queries want.
   */
  in?: ParamsIn;
  /**
   * Where the next cursor is: a path in the body (`response_metadata.next_cursor`, `paging.next.after`),
   * `{ lastItem: 'id' }` when the cursor is the last item's id (Stripe), or a function of the raw page.
   * An empty or missing cursor ends the listing, unless `hasMore` says otherwise.
   */
  nextCursor: PageValue | { lastItem: string };
  /**
   * An explicit "more pages" flag (`has_more`). When set it decides the stop, and a page that says
   * there is more but gives no cursor is an error instead of a silent early stop.
   */
  hasMore?: PageValue;
  /** Page size to ask for, sent as `limitParam`. */
  limit?: number;
  /** Default `limit`. */
  limitParam?: string;
}

/**
 * Cursor in the response body, sent back as a query parameter (or in the request body of a `POST` listing).
 * @example Stripe: `cursorPagination({ cursorParam: 'starting_after', nextCursor: { lastItem: 'id' }, hasMore: 'has_more', limit: 100 })`
 * @example Slack: `cursorPagination({ cursorParam: 'cursor', nextCursor: 'response_metadata.next_cursor' })`
 * @example HubSpot: `cursorPagination({ cursorParam: 'after', nextCursor: 'paging.next.after' })`
 * @example HubSpot search, Notion: the cursor in a POST body,
 * `paginate({ method: 'POST', body: { filterGroups }, pagination: cursorPagination({ in: 'body', cursorParam: 'after', nextCursor: 'paging.next.after', limit: 100 }) })`
 */
export function cursorPagination(options: CursorPaginationOptions): PaginationStrategy {
  const name = 'cursorPagination';
  checkParam(name, 'cursorParam', options.cursorParam);
  checkLimit(name, options.limit);
  const limitParam = options.limitParam ?? 'limit';
  const { nextCursor, hasMore } = options;
  if (nextCursor === undefined || nextCursor === null || (typeof nextCursor === 'object' && typeof nextCursor.lastItem !== 'string')) {
    throw new TypeError(`${name}: nextCursor must be a path, { lastItem: 'id' } or a function`);
  }
  const readCursor = (page: RawPage): unknown =>
    typeof nextCursor === 'object' ? readPath(page.items.at(-1), nextCursor.lastItem) : readValue(page, nextCursor);

  const where = checkIn(name, options.in);

  return {
    kind: 'cursor',
    request: (position) =>
      pageRequest(where, {
        ...(options.limit !== undefined ? { [limitParam]: options.limit } : {}),
        ...(position !== undefined ? { [options.cursorParam]: position } : {}),
      }),
    next(page): PagePosition | undefined {
      const raw = readCursor(page);
      if (raw !== undefined && raw !== null && typeof raw !== 'string' && typeof raw !== 'number') {
        return page.fail('invalid-page', `the next cursor is ${Array.isArray(raw) ? 'an array' : typeof raw}, not a string; check the nextCursor option`);
      }
      const cursor = raw === undefined || raw === null || raw === '' ? undefined : raw;
      if (hasMore === undefined) return cursor;
      if (!readHasMore(page, hasMore)) return undefined;
      if (cursor === undefined) {
        return page.fail(
          'missing-cursor',
          page.items.length === 0 && typeof nextCursor === 'object'
            ? 'the page says there is more but has no items to take the cursor from'
            : 'the page says there is more but carries no cursor; check the nextCursor option',
        );
      }
      return cursor;
    },
  };
}
