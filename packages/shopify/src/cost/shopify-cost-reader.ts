import type { CostState, GraphQLCostReader } from '@connectors/core';

/**
 * `extensions.cost` of a GraphQL Admin API response, as Shopify documents it
 * (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits#cost-calculation):
 * `requestedQueryCost` (the static estimate charged up front), `actualQueryCost` (what the query
 * really cost; the difference is refunded; null when it was throttled) and the bucket's state
 * after the call, `throttleStatus { maximumAvailable currentlyAvailable restoreRate }`.
 */
export interface ShopifyQueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Reads `extensions.cost` from a parsed response body; undefined when absent or malformed. */
export function readShopifyQueryCost(body: unknown): ShopifyQueryCost | undefined {
  const cost = (body as { extensions?: { cost?: Record<string, unknown> } } | null | undefined)?.extensions?.cost;
  if (!cost || typeof cost !== 'object') return undefined;
  const status = cost['throttleStatus'] as Record<string, unknown> | undefined;
  if (!status || !isNumber(status['maximumAvailable']) || !isNumber(status['currentlyAvailable']) || !isNumber(status['restoreRate'])) return undefined;
  if (!isNumber(cost['requestedQueryCost'])) return undefined;
  const actual = cost['actualQueryCost'];
  return {
    requestedQueryCost: cost['requestedQueryCost'],
    actualQueryCost: isNumber(actual) ? actual : null,
    throttleStatus: { maximumAvailable: status['maximumAvailable'], currentlyAvailable: status['currentlyAvailable'], restoreRate: status['restoreRate'] },
  };
}

/**
 * How long the bucket needs to hold `needed` points, from the state Shopify reported: the leaky
 * bucket restores `restoreRate` points per second, so the wait is the shortfall over the rate.
 */
export function msUntilAvailable(cost: ShopifyQueryCost, needed = cost.requestedQueryCost): number {
  const { currentlyAvailable, restoreRate, maximumAvailable } = cost.throttleStatus;
  const target = Math.min(needed, maximumAvailable);
  if (currentlyAvailable >= target || restoreRate <= 0) return 0;
  return Math.ceil(((target - currentlyAvailable) / restoreRate) * 1000);
}

/**
 * The core's cost reader for Shopify: turns `extensions.cost` into the leaky-bucket state the core
 * paces on. Shopify keeps a bucket per app and store, so the bucket is named after the shop
 * (`shopify:my-store.myshopify.com`): a pacer shared through Redis then shares each shop's bucket
 * between processes, and never mixes two shops.
 */
export function shopifyCostReader(options: { shop?: string } = {}): GraphQLCostReader {
  const bucket = `shopify:${options.shop ?? 'default'}`;
  return {
    bucket: () => bucket,
    read(body: unknown): CostState | undefined {
      const cost = readShopifyQueryCost(body);
      if (!cost) return undefined;
      return {
        kind: 'leaky-bucket',
        maximum: cost.throttleStatus.maximumAvailable,
        available: cost.throttleStatus.currentlyAvailable,
        restoreRate: cost.throttleStatus.restoreRate,
        requestedCost: cost.requestedQueryCost,
        ...(cost.actualQueryCost !== null ? { actualCost: cost.actualQueryCost } : {}),
      };
    },
  };
}
