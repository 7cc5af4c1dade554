/** Inventory levels of one inventory item across locations (`read_inventory`). https://shopify.dev/docs/api/admin-graphql/latest/objects/InventoryLevel */

export const INVENTORY_LEVELS_QUERY = /* GraphQL */ `
  query InventoryLevels($id: ID!, $first: Int!, $after: String, $names: [String!]!) {
    inventoryItem(id: $id) {
      id
      inventoryLevels(first: $first, after: $after) {
        nodes { id location { id name } quantities(names: $names) { name quantity } updatedAt }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;
