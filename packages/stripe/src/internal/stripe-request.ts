import { cursorPagination, formBody, type PaginationCheckpoint, type PaginationStrategy, type QueryParams } from '@connectors/core';

/** Options every Stripe read takes. */
export interface StripeReadOptions {
  /** Fields to expand in the response, e.g. `['customer', 'latest_charge']` (lists: `['data.customer']`). */
  expand?: readonly string[];
  /** Act on a connected account (Stripe Connect): sends `Stripe-Account`. */
  stripeAccount?: string;
  signal?: AbortSignal;
}

/** Options every Stripe write takes. */
export interface StripeWriteOptions extends StripeReadOptions {
  /**
   * Makes the POST safe to repeat: Stripe returns the first result for a repeated key. A fresh key is
   * generated per call when absent (and reused by every retry of that call); pass your own, derived
   * from your data (e.g. `order-1234-charge`), to be safe across process restarts too.
   */
  idempotencyKey?: string;
}

/** Options every Stripe listing takes. Listings follow `starting_after` (or search's `next_page`). */
export interface StripeListOptions extends Omit<StripeReadOptions, 'expand'> {
  /** Objects per page, 1-100. Default 100 (Stripe's maximum: fewer calls against the rate limit). */
  limit?: number;
  /** Expand fields of each object: `['data.customer']`. */
  expand?: readonly string[];
  /** Stop after this many objects. */
  maxItems?: number;
  maxPages?: number;
  /** Resume after the page this checkpoint came from. */
  checkpoint?: PaginationCheckpoint;
  /** Fetch the next page while you process this one. Default true. */
  prefetch?: boolean;
}

/**
 * Stripe's bracket notation for query strings (`created[gte]=1`, `expand[0]=customer`), the same
 * encoding the core's `formBody` uses for request bodies and stripe-node sends.
 */
export function stripeQuery(params: Record<string, unknown> | undefined): QueryParams {
  const query: Record<string, string | string[]> = {};
  if (!params) return query;
  for (const [key, value] of new URLSearchParams(formBody(params).body)) {
    const existing = query[key];
    query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

/** The per-call request fields shared by reads and writes. */
export function callOptions(operation: string, options: StripeWriteOptions = {}) {
  return {
    operation,
    ...(options.stripeAccount ? { headers: { 'Stripe-Account': options.stripeAccount } } : {}),
    ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/** Writes carry `expand` in the body, as Stripe documents. */
export function withExpand(body: Record<string, unknown>, options: StripeReadOptions = {}): Record<string, unknown> {
  return options.expand?.length ? { ...body, expand: options.expand } : body;
}

function pageSize(operation: string, limit: number | undefined): number {
  const size = limit ?? 100;
  if (!Number.isInteger(size) || size < 1 || size > 100) throw new TypeError(`stripe ${operation}: limit must be a whole number from 1 to 100; got ${String(limit)}`);
  return size;
}

/** The shared part of every listing's `paginate` options. */
export function listing(operation: string, path: string, params: Record<string, unknown> | undefined, options: StripeListOptions = {}, search = false) {
  const limit = pageSize(operation, options.limit);
  const pagination: PaginationStrategy = search
    ? cursorPagination({ cursorParam: 'page', nextCursor: 'next_page', hasMore: 'has_more', limit })
    : cursorPagination({ cursorParam: 'starting_after', nextCursor: { lastItem: 'id' }, hasMore: 'has_more', limit });
  return {
    path,
    query: stripeQuery(options.expand?.length ? { ...params, expand: options.expand } : params),
    operation,
    pagination,
    items: 'data' as const,
    ...(options.stripeAccount ? { headers: { 'Stripe-Account': options.stripeAccount } } : {}),
    ...(options.maxItems !== undefined ? { maxItems: options.maxItems } : {}),
    ...(options.maxPages !== undefined ? { maxPages: options.maxPages } : {}),
    ...(options.checkpoint !== undefined ? { checkpoint: options.checkpoint } : {}),
    ...(options.prefetch !== undefined ? { prefetch: options.prefetch } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  };
}

/** A range filter on a timestamp, as Stripe list endpoints take for `created`. */
export type TimestampFilter = number | { gt?: number; gte?: number; lt?: number; lte?: number };
