import type { HttpClient } from '@connectors/core';
import { SHOP_QUERY } from './shop-documents.ts';
import { shopQuerySchema, type Shop } from './shop-schemas.ts';
import { signalOf, type ShopifyCallOptions } from '../internal/shopify-call.ts';

/** `shopify.shop`. */
export interface ShopApi {
  /** `query { shop { ... } }` (cost 2). */
  get(options?: ShopifyCallOptions): Promise<Shop>;
}

export function createShopApi(http: HttpClient): ShopApi {
  return {
    get: async (options) => (await http.graphql({ query: SHOP_QUERY, operationName: 'Shop', schema: shopQuerySchema, estimatedCost: 2, ...signalOf(options) })).shop,
  };
}
