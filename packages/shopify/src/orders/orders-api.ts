import type { HttpClient, Paginated } from '@connectors/core';
import { connectionCost, listCall, pageSize, signalOf, type ShopifyCallOptions, type ShopifyListOptions } from '../internal/shopify-call.ts';
import { ORDER_QUERY, ORDERS_QUERY } from './order-documents.ts';
import { orderQuerySchema, ordersQuerySchema, type Order } from './order-schemas.ts';

/** `OrderSortKeys` values this package knows (any other passes through). */
export type OrderSortKey = 'CREATED_AT' | 'UPDATED_AT' | 'PROCESSED_AT' | 'ORDER_NUMBER' | 'TOTAL_PRICE' | 'ID' | (string & {});

export interface OrderListOptions extends ShopifyListOptions {
  /**
   * Shopify's search syntax, e.g. `financial_status:paid updated_at:>=2026-11-01`.
   * https://shopify.dev/docs/api/admin-graphql/latest/queries/orders#argument-query
   */
  query?: string;
  sortKey?: OrderSortKey;
  reverse?: boolean;
  /** Line items fetched with each order (1-250). Default 10. */
  lineItemsFirst?: number;
}

/** `shopify.orders`. Needs `read_orders` (orders older than 60 days also need `read_all_orders`). */
export interface OrdersApi {
  /** `query orders`, every page. Default 10 orders per page with 10 line items each (cost 572). */
  list(options?: OrderListOptions): Paginated<Order>;
  /** `query order(id:)`; null when there is no such order. */
  get(id: string, options?: ShopifyCallOptions & { lineItemsFirst?: number }): Promise<Order | null>;
}

/**
 * One order: the order (1), `totalPriceSet` with its two `MoneyV2` (3), `customer` (1) and the line
 * items connection, 2 + n x (line item 1, variant 1, `originalUnitPriceSet` 3).
 */
const orderCost = (lineItemsFirst: number) => 5 + connectionCost(lineItemsFirst, 5);

export function createOrdersApi(http: HttpClient): OrdersApi {
  const lineItems = (operation: string, value: number | undefined) => pageSize(`${operation} lineItemsFirst`, value, 10, () => 0).first;
  return {
    list(options = {}) {
      const lineItemsFirst = lineItems('orders.list', options.lineItemsFirst);
      const { first, cost } = pageSize('orders.list', options.first, 10, (n) => connectionCost(n, orderCost(lineItemsFirst)));
      return http.graphqlPaginate({
        query: ORDERS_QUERY,
        operationName: 'Orders',
        variables: {
          first,
          lineItemsFirst,
          ...(options.query !== undefined ? { query: options.query } : {}),
          ...(options.sortKey !== undefined ? { sortKey: options.sortKey } : {}),
          ...(options.reverse !== undefined ? { reverse: options.reverse } : {}),
        },
        schema: ordersQuerySchema,
        connection: 'orders',
        estimatedCost: cost,
        ...listCall(options),
      });
    },
    async get(id, options = {}) {
      const lineItemsFirst = lineItems('orders.get', options.lineItemsFirst);
      const data = await http.graphql({ query: ORDER_QUERY, operationName: 'Order', variables: { id, lineItemsFirst }, schema: orderQuerySchema, estimatedCost: orderCost(lineItemsFirst), ...signalOf(options) });
      return data.order;
    },
  };
}
