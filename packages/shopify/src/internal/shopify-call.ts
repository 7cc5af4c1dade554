import type { PaginationCheckpoint } from '@connectors/core';

/** Options every Shopify read or write takes. */
export interface ShopifyCallOptions {
  signal?: AbortSignal;
}

/** Options every Shopify listing takes. Lists follow `pageInfo { hasNextPage endCursor }`. */
export interface ShopifyListOptions extends ShopifyCallOptions {
  /**
   * Nodes per page (`first`), 1-250. Each listing has a default that keeps a page's cost well under
   * Shopify's 1,000-point ceiling for one query; see the operation's doc.
   */
  first?: number;
  /** Stop after this many nodes. */
  maxItems?: number;
  /** Resume after the page this checkpoint came from (`endCursor`). */
  checkpoint?: PaginationCheckpoint;
}

/** Shopify's ceiling for one query: a query whose requested cost is higher fails with MAX_COST_EXCEEDED. */
export const MAX_QUERY_COST = 1000;

/**
 * A connection's requested cost as Shopify calculates it: 2 for the connection plus `first` times
 * the cost of one node (objects 1, scalars 0). https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits#cost-calculation
 */
export function connectionCost(first: number, perNode: number): number {
  return 2 + first * perNode;
}

/** Checks a page size and the resulting query cost before anything is sent. */
export function pageSize(operation: string, first: number | undefined, fallback: number, cost: (first: number) => number): { first: number; cost: number } {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > 250) throw new TypeError(`shopify ${operation}: first must be a whole number from 1 to 250 (Shopify's page limit); got ${String(first)}`);
  const estimated = cost(size);
  if (estimated > MAX_QUERY_COST) {
    throw new TypeError(`shopify ${operation}: first: ${size} makes the query cost ${estimated} points, over Shopify's ${MAX_QUERY_COST}-point limit for one query; ask for fewer (or use bulkOperations for a full export)`);
  }
  return { first: size, cost: estimated };
}

/** The listing fields shared by every `graphqlPaginate` call. */
export function listCall(options: ShopifyListOptions = {}) {
  return {
    ...(options.maxItems !== undefined ? { maxItems: options.maxItems } : {}),
    ...(options.checkpoint !== undefined ? { checkpoint: options.checkpoint } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  };
}

export function signalOf(options: ShopifyCallOptions = {}) {
  return options.signal !== undefined ? { signal: options.signal } : {};
}
