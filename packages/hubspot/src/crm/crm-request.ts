import { cursorPagination, type PaginationCheckpoint, type PaginationStrategy, type QueryParams } from '@connectors/core';

/** HubSpot's search paging stops at 10,000 results: asking for `after` >= 10000 is a 400. */
export const SEARCH_RESULT_CAP = 10_000;
/** Largest page of a CRM search (`limit` up to 200). */
export const SEARCH_MAX_PAGE = 200;
/** Largest page of a CRM GET listing (`limit` up to 100). */
export const LIST_MAX_PAGE = 100;

/** Options every CRM read takes. */
export interface CrmReadOptions {
  /** Properties to return (default: HubSpot's default set for the object). Unknown names are ignored by HubSpot. */
  properties?: readonly string[];
  /** Properties to return with their change history. */
  propertiesWithHistory?: readonly string[];
  /** Object types whose associated ids to return, e.g. `['companies', 'deals']`. */
  associations?: readonly string[];
  /** Read archived (deleted) records instead. */
  archived?: boolean;
  signal?: AbortSignal;
}

/** Options of `get`: the record can be looked up by a unique property instead of its id. */
export interface CrmGetOptions extends CrmReadOptions {
  /** A unique property to look the record up by, e.g. `email` for contacts. */
  idProperty?: string;
}

/** Options of a GET listing (`after` cursors, up to 100 per page). */
export interface CrmListOptions extends CrmReadOptions {
  /** Objects per page, 1-100. Default 100 (HubSpot's maximum: fewer calls against the limit). */
  limit?: number;
  maxItems?: number;
  maxPages?: number;
  checkpoint?: PaginationCheckpoint;
  prefetch?: boolean;
}

export function crmQuery(options: CrmGetOptions = {}): QueryParams {
  const query: Record<string, string> = {};
  if (options.properties?.length) query['properties'] = options.properties.join(',');
  if (options.propertiesWithHistory?.length) query['propertiesWithHistory'] = options.propertiesWithHistory.join(',');
  if (options.associations?.length) query['associations'] = options.associations.join(',');
  if (options.archived !== undefined) query['archived'] = String(options.archived);
  if (options.idProperty) query['idProperty'] = options.idProperty;
  return query;
}

export function pageSize(operation: string, limit: number | undefined, max: number, fallback = max): number {
  const size = limit ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > max) throw new TypeError(`hubspot ${operation}: limit must be a whole number from 1 to ${max}; got ${String(limit)}`);
  return size;
}

/** GET listings: `?after=` from `paging.next.after`, as HubSpot documents for every CRM object list. */
export function listPagination(limit: number): PaginationStrategy {
  return cursorPagination({ cursorParam: 'after', nextCursor: 'paging.next.after', limit });
}

/**
 * Search paging: `after` and `limit` in the POST body. Refuses to ask past the 10,000-result cap
 * (HubSpot answers 400 there) with an error that says what to do, instead of stopping silently.
 */
export function searchPagination(limit: number): PaginationStrategy {
  const inner = cursorPagination({ in: 'body', cursorParam: 'after', nextCursor: 'paging.next.after', limit });
  return {
    kind: inner.kind,
    request: (position) => inner.request(position),
    next(page, position) {
      const next = inner.next(page, position);
      if (next !== undefined && Number(next) >= SEARCH_RESULT_CAP) {
        const total = (page.body as { total?: unknown } | undefined)?.total;
        return page.fail(
          'invalid-page',
          `HubSpot search cannot page past ${SEARCH_RESULT_CAP} results (this search matches ${String(total)}); use searchAll(), which re-slices on the last-modified date, or narrow the filters`,
        );
      }
      return next;
    },
  };
}
