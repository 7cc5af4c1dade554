/** GraphQL documents of orders (read-only here; needs the `read_orders` scope). https://shopify.dev/docs/api/admin-graphql/latest/queries/orders */

const MONEY_BAG = 'shopMoney { amount currencyCode } presentmentMoney { amount currencyCode }';

export const ORDER_FIELDS = /* GraphQL */ `
  id name email createdAt updatedAt processedAt cancelledAt
  displayFinancialStatus displayFulfillmentStatus
  totalPriceSet { ${MONEY_BAG} }
  customer { id }
  lineItems(first: $lineItemsFirst) {
    nodes { id title quantity sku variant { id } originalUnitPriceSet { ${MONEY_BAG} } }
    pageInfo { hasNextPage endCursor }
  }
`;

export const ORDERS_QUERY = /* GraphQL */ `
  query Orders($first: Int!, $after: String, $query: String, $sortKey: OrderSortKeys, $reverse: Boolean, $lineItemsFirst: Int!) {
    orders(first: $first, after: $after, query: $query, sortKey: $sortKey, reverse: $reverse) {
      nodes { ${ORDER_FIELDS} }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

export const ORDER_QUERY = /* GraphQL */ `
  query Order($id: ID!, $lineItemsFirst: Int!) { order(id: $id) { ${ORDER_FIELDS} } }
`;
