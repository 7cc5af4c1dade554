/**
 * GraphQL documents of products and variants (Admin API 2026-10: `productCreate(product:)` and
 * `productUpdate(product:)` take `ProductCreateInput` / `ProductUpdateInput`; variants are written
 * with `productVariantsBulkCreate` / `productVariantsBulkUpdate`).
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/productCreate
 */

export const VARIANT_FIELDS = /* GraphQL */ `
  id title sku price compareAtPrice inventoryQuantity inventoryItem { id } createdAt updatedAt
`;

/** `$variantsFirst` bounds the nested connection, so the query's cost is known before it runs. */
export const PRODUCT_FIELDS = /* GraphQL */ `
  id title handle status vendor productType tags totalInventory createdAt updatedAt
  variants(first: $variantsFirst) { nodes { ${VARIANT_FIELDS} } pageInfo { hasNextPage endCursor } }
`;

export const PRODUCTS_QUERY = /* GraphQL */ `
  query Products($first: Int!, $after: String, $query: String, $variantsFirst: Int!) {
    products(first: $first, after: $after, query: $query) {
      nodes { ${PRODUCT_FIELDS} }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

export const PRODUCT_QUERY = /* GraphQL */ `
  query Product($id: ID!, $variantsFirst: Int!) { product(id: $id) { ${PRODUCT_FIELDS} } }
`;

export const PRODUCT_CREATE = /* GraphQL */ `
  mutation ProductCreate($product: ProductCreateInput!, $variantsFirst: Int!) {
    productCreate(product: $product) { product { ${PRODUCT_FIELDS} } userErrors { field message } }
  }
`;

export const PRODUCT_UPDATE = /* GraphQL */ `
  mutation ProductUpdate($product: ProductUpdateInput!, $variantsFirst: Int!) {
    productUpdate(product: $product) { product { ${PRODUCT_FIELDS} } userErrors { field message } }
  }
`;

export const VARIANTS_QUERY = /* GraphQL */ `
  query ProductVariants($first: Int!, $after: String, $query: String) {
    productVariants(first: $first, after: $after, query: $query) {
      nodes { ${VARIANT_FIELDS} }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

export const VARIANTS_BULK_CREATE = /* GraphQL */ `
  mutation ProductVariantsBulkCreate($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
    productVariantsBulkCreate(productId: $productId, variants: $variants) {
      productVariants { ${VARIANT_FIELDS} }
      userErrors { field message code }
    }
  }
`;

export const VARIANTS_BULK_UPDATE = /* GraphQL */ `
  mutation ProductVariantsBulkUpdate($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
    productVariantsBulkUpdate(productId: $productId, variants: $variants) {
      productVariants { ${VARIANT_FIELDS} }
      userErrors { field message code }
    }
  }
`;
