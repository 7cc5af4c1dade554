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
 * Paces GraphQL calls by cost. `createCostPacer()` is the in-process one; `redisCostPacer` from
 * `@connectors/core/redis` shares each bucket across processes.
 */
export interface CostPacer {
  /** Spends `cost` points from `bucket` now and says how long to wait before sending (0: at once). */
  reserve(bucket: string, cost: number): Promise<number> | number;
  /** What the provider reported after a call: it replaces the pacer's estimate. */
  observe(bucket: string, state: CostState): Promise<void> | void;
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
