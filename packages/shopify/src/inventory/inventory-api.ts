import type { HttpClient, Paginated } from '@connectors/core';
import { connectionCost, listCall, pageSize, type ShopifyListOptions } from '../internal/shopify-call.ts';
import { INVENTORY_LEVELS_QUERY } from './inventory-documents.ts';
import { inventoryLevelsQuerySchema, type InventoryLevel } from './inventory-schemas.ts';

export interface InventoryLevelsOptions extends ShopifyListOptions {
  /** Which quantities to read. Default `['available', 'on_hand', 'committed']`. */
  names?: readonly string[];
}

/** `shopify.inventory`. Needs `read_inventory`. */
export interface InventoryApi {
  /** Stock of one inventory item (`variant.inventoryItem.id`) at every location, every page. Default 50 per page. */
  levels(inventoryItemId: string, options?: InventoryLevelsOptions): Paginated<InventoryLevel>;
}

/** One level: the level, its location and its quantities list (1 each). */
const LEVEL_COST = 3;

export function createInventoryApi(http: HttpClient): InventoryApi {
  return {
    levels(inventoryItemId, options = {}) {
      const { first, cost } = pageSize('inventory.levels', options.first, 50, (n) => 1 + connectionCost(n, LEVEL_COST));
      return http.graphqlPaginate({
        query: INVENTORY_LEVELS_QUERY,
        operationName: 'InventoryLevels',
        variables: { id: inventoryItemId, first, names: options.names ?? ['available', 'on_hand', 'committed'] },
        schema: inventoryLevelsQuerySchema,
        connection: 'inventoryItem.inventoryLevels',
        estimatedCost: cost,
        ...listCall(options),
      });
    },
  };
}
