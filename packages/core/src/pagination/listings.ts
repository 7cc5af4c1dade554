import type { PaginationStrategy } from './pagination-strategy.ts';

/** How one listing pages and where its items are. */
export interface Listing<P extends string = string> {
  pagination: PaginationStrategy;
  /** Dotted path of the item list in each page (`data`, `channels`); default: the body is the list. */
  items?: P;
}

/**
 * A connector's listings: a default for every listing, and overrides per route for the ones that
 * differ (Slack keeps `channels` in `conversations.list`, `members` in `users.list`). Route keys are
 * an operation name (`conversations.list`), `METHOD /path/template`, or the path template alone.
 */
export interface Listings<P extends string = string> extends Partial<Listing<P>> {
  routes?: Record<string, Partial<Listing>>;
}

/** The listing of one call: the call's own choices, then its route's, then the default. */
export function resolveListing(
  listings: Listings | undefined,
  call: { operation?: string | undefined; method?: string | undefined; path: string; pagination?: PaginationStrategy | undefined; items?: string | undefined },
): Partial<Listing> {
  const routes = listings?.routes;
  const route = routes
    ? (call.operation !== undefined ? routes[call.operation] : undefined) ?? routes[`${call.method ?? 'GET'} ${call.path}`] ?? routes[call.path]
    : undefined;
  const pagination = call.pagination ?? route?.pagination ?? listings?.pagination;
  const items = call.items ?? route?.items ?? listings?.items;
  return { ...(pagination ? { pagination } : {}), ...(items !== undefined ? { items } : {}) };
}
