import type { GraphQLErrorEntry } from '../errors/graphql-error.ts';
import type { InspectedResponse, ResponseVerdict } from '../http/response-check.ts';

/** What a provider reports about its cost-based limit after a GraphQL call. */
export type CostState =
  /** A leaky bucket of points (Shopify Admin `extensions.cost.throttleStatus`). */
  | { kind: 'leaky-bucket'; maximum: number; available: number; /** points per second */ restoreRate: number; requestedCost?: number; actualCost?: number }
  /** Points per window (GitHub GraphQL `rateLimit { limit cost remaining resetAt }`). */
  | { kind: 'window'; limit: number; remaining: number; resetAt: Date; cost?: number };

/**
 * Reads a provider's cost accounting from a GraphQL response: connectors ship one (Shopify
 * `extensions.cost`, GitHub `rateLimit`), core paces by it.
 */
export interface GraphQLCostReader {
  /** The cost state in a response; undefined when it carries none. `body` is the whole parsed response. */
  read(body: unknown, headers: Headers): CostState | undefined;
  /** The bucket a call spends from (e.g. one per shop); default one bucket per client. */
  bucket?(call: { operation: string; variables: Record<string, unknown> | undefined }): string;
}

/**
 * A call a `CostPacer` let through. Hand it back with the provider's report (`observe`), or
 * without one when the call ended otherwise (`release`).
 */
export interface CostTicket {
  readonly bucket: string;
  /** Points the call holds: its estimated cost (at most the bucket's size). */
  readonly cost: number;
  /** Its place in the order calls were let through on this bucket; a report of a lower number is older. */
  readonly seq: number;
  /**
   * Points of the calls on this bucket that had ended (answered, or given up) when this one was let
   * through: the only calls its report is sure to have counted.
   */
  readonly endedBefore: number;
}

/** A pacer's answer to `reserve`: the call goes now (`ticket`), or should ask again in `waitMs`. */
export type CostAdmission = { ticket: CostTicket; waitMs?: undefined } | { ticket?: undefined; waitMs: number };

/**
 * Paces GraphQL calls by cost. `createCostPacer()` is the in-process one; `redisCostPacer` from
 * `@connectors/core/redis` shares each bucket across processes. Both follow the rules described on
 * `createCostPacer`.
 */
export interface CostPacer {
  /**
   * Lets a call of `cost` points through now when the bucket can afford it (a ticket: the points are
   * counted as spent), else says how long until it may (nothing is spent; ask again then).
   */
  reserve(bucket: string, cost: number): Promise<CostAdmission> | CostAdmission;
  /**
   * What the provider reported after the call of `ticket`. `retrying`: the call was refused without
   * being run (THROTTLED) and will be sent again, so its points stay in flight.
   */
  observe(ticket: CostTicket, state: CostState, options?: { retrying?: boolean }): Promise<void> | void;
  /** The call of `ticket` ended without a report (a network error, a timeout, or it was never sent). */
  release(ticket: CostTicket): Promise<void> | void;
}

/** GraphQL settings of a client. */
export interface GraphQLClientOptions {
  /** The endpoint, relative to `baseUrl` (`/graphql`, `/admin/api/2025-01/graphql.json`). Default `''` (the base URL itself). */
  path?: string;
  /**
   * Maps the `errors` array to a verdict (e.g. `THROTTLED` -> rate-limited with the wait from
   * `extensions.cost`). Undefined falls back to the default mapping (see `classifyGraphQLErrors`).
   */
  classify?: (errors: readonly GraphQLErrorEntry[], response: InspectedResponse) => ResponseVerdict | undefined;
  /** Cost accounting -> pacing. Without it GraphQL calls are paced only by the client's rate limits. */
  cost?: GraphQLCostReader;
  /** Where cost buckets live; default an in-process pacer. */
  pacer?: CostPacer;
  /** The cost assumed for an operation before its first response says; default 1 (later: the last cost reported for it). */
  defaultCost?: number;
}
