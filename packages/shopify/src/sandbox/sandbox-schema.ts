import { buildSchema, type GraphQLSchema } from 'graphql';

/**
 * The part of the GraphQL Admin API (2026-10) the sandbox serves: the types, fields and arguments
 * this package's documents use, named and typed as in Shopify's schema, so a document that
 * validates here uses real names. Not the whole API.
 */
export const SANDBOX_SDL = /* GraphQL */ `
  scalar DateTime
  scalar Money
  scalar Decimal
  scalar UnsignedInt64
  scalar URL

  interface Node { id: ID! }

  type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }

  type ShopPlan { partnerDevelopment: Boolean! shopifyPlus: Boolean! publicDisplayName: String }
  type Shop implements Node { id: ID! name: String! email: String myshopifyDomain: String! currencyCode: String! ianaTimezone: String plan: ShopPlan! }

  type MoneyV2 { amount: Decimal! currencyCode: String! }
  type MoneyBag { shopMoney: MoneyV2! presentmentMoney: MoneyV2! }

  enum ProductStatus { ACTIVE ARCHIVED DRAFT UNLISTED }

  type Location implements Node { id: ID! name: String! }
  type InventoryQuantity { name: String! quantity: Int! }
  type InventoryLevel implements Node { id: ID! location: Location! quantities(names: [String!]!): [InventoryQuantity!]! updatedAt: DateTime! }
  type InventoryLevelEdge { cursor: String! node: InventoryLevel! }
  type InventoryLevelConnection { nodes: [InventoryLevel!]! edges: [InventoryLevelEdge!]! pageInfo: PageInfo! }
  type InventoryItem implements Node {
    id: ID! sku: String tracked: Boolean!
    inventoryLevels(first: Int, after: String, last: Int, before: String): InventoryLevelConnection!
  }

  type ProductVariant implements Node {
    id: ID! title: String! sku: String price: Money! compareAtPrice: Money inventoryQuantity: Int
    inventoryItem: InventoryItem! createdAt: DateTime! updatedAt: DateTime! product: Product!
  }
  type ProductVariantEdge { cursor: String! node: ProductVariant! }
  type ProductVariantConnection { nodes: [ProductVariant!]! edges: [ProductVariantEdge!]! pageInfo: PageInfo! }

  type Product implements Node {
    id: ID! title: String! handle: String! status: ProductStatus! vendor: String! productType: String!
    tags: [String!]! descriptionHtml: String! totalInventory: Int createdAt: DateTime! updatedAt: DateTime!
    variants(first: Int, after: String, last: Int, before: String): ProductVariantConnection!
  }
  type ProductEdge { cursor: String! node: Product! }
  type ProductConnection { nodes: [Product!]! edges: [ProductEdge!]! pageInfo: PageInfo! }

  type CustomerEmailAddress { emailAddress: String }
  type CustomerPhoneNumber { phoneNumber: String! }
  type Customer implements Node {
    id: ID! firstName: String lastName: String displayName: String!
    defaultEmailAddress: CustomerEmailAddress defaultPhoneNumber: CustomerPhoneNumber
    numberOfOrders: UnsignedInt64! tags: [String!]! note: String createdAt: DateTime! updatedAt: DateTime!
  }
  type CustomerEdge { cursor: String! node: Customer! }
  type CustomerConnection { nodes: [Customer!]! edges: [CustomerEdge!]! pageInfo: PageInfo! }

  enum OrderDisplayFinancialStatus { AUTHORIZED EXPIRED PAID PARTIALLY_PAID PARTIALLY_REFUNDED PENDING REFUNDED VOIDED }
  enum OrderDisplayFulfillmentStatus { FULFILLED IN_PROGRESS ON_HOLD OPEN PARTIALLY_FULFILLED PENDING_FULFILLMENT REQUEST_DECLINED RESTOCKED SCHEDULED UNFULFILLED }
  enum OrderSortKeys { CREATED_AT CUSTOMER_NAME FINANCIAL_STATUS FULFILLMENT_STATUS ID ORDER_NUMBER PROCESSED_AT RELEVANCE TOTAL_PRICE UPDATED_AT }
  type LineItem implements Node { id: ID! title: String! quantity: Int! sku: String variant: ProductVariant originalUnitPriceSet: MoneyBag! }
  type LineItemEdge { cursor: String! node: LineItem! }
  type LineItemConnection { nodes: [LineItem!]! edges: [LineItemEdge!]! pageInfo: PageInfo! }
  type Order implements Node {
    id: ID! name: String! email: String createdAt: DateTime! updatedAt: DateTime! processedAt: DateTime! cancelledAt: DateTime
    displayFinancialStatus: OrderDisplayFinancialStatus displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
    totalPriceSet: MoneyBag! customer: Customer
    lineItems(first: Int, after: String, last: Int, before: String): LineItemConnection!
  }
  type OrderEdge { cursor: String! node: Order! }
  type OrderConnection { nodes: [Order!]! edges: [OrderEdge!]! pageInfo: PageInfo! }

  enum BulkOperationStatus { CANCELED CANCELING COMPLETED CREATED EXPIRED FAILED RUNNING }
  enum BulkOperationErrorCode { ACCESS_DENIED INTERNAL_SERVER_ERROR TIMEOUT }
  enum BulkOperationType { MUTATION QUERY }
  type BulkOperation implements Node {
    id: ID! status: BulkOperationStatus! errorCode: BulkOperationErrorCode createdAt: DateTime! completedAt: DateTime
    objectCount: UnsignedInt64! fileSize: UnsignedInt64 url: URL partialDataUrl: URL query: String! rootObjectCount: UnsignedInt64! type: BulkOperationType!
  }

  type Query {
    shop: Shop!
    node(id: ID!): Node
    products(first: Int, after: String, last: Int, before: String, query: String, reverse: Boolean): ProductConnection!
    product(id: ID!): Product
    productVariants(first: Int, after: String, last: Int, before: String, query: String): ProductVariantConnection!
    orders(first: Int, after: String, last: Int, before: String, query: String, sortKey: OrderSortKeys, reverse: Boolean): OrderConnection!
    order(id: ID!): Order
    customers(first: Int, after: String, last: Int, before: String, query: String): CustomerConnection!
    customer(id: ID!): Customer
    inventoryItem(id: ID!): InventoryItem
    currentBulkOperation(type: BulkOperationType = QUERY): BulkOperation
    bulkOperation(id: ID!): BulkOperation
  }

  type UserError { field: [String!] message: String! }
  type ProductVariantsBulkCreateUserError { field: [String!] message: String! code: String }

  input ProductCreateInput { title: String descriptionHtml: String vendor: String productType: String tags: [String!] status: ProductStatus handle: String }
  input ProductUpdateInput { id: ID! title: String descriptionHtml: String vendor: String productType: String tags: [String!] status: ProductStatus handle: String }
  input InventoryItemInput { sku: String tracked: Boolean }
  input VariantOptionValueInput { name: String optionName: String }
  input ProductVariantsBulkInput { id: ID price: Money compareAtPrice: Money inventoryItem: InventoryItemInput optionValues: [VariantOptionValueInput!] }
  input CustomerInput { firstName: String lastName: String email: String phone: String tags: [String!] note: String }

  type ProductCreatePayload { product: Product userErrors: [UserError!]! }
  type ProductUpdatePayload { product: Product userErrors: [UserError!]! }
  type ProductVariantsBulkCreatePayload { product: Product productVariants: [ProductVariant!] userErrors: [ProductVariantsBulkCreateUserError!]! }
  type ProductVariantsBulkUpdatePayload { product: Product productVariants: [ProductVariant!] userErrors: [ProductVariantsBulkCreateUserError!]! }
  type CustomerCreatePayload { customer: Customer userErrors: [UserError!]! }
  type BulkOperationRunQueryPayload { bulkOperation: BulkOperation userErrors: [UserError!]! }
  type BulkOperationCancelPayload { bulkOperation: BulkOperation userErrors: [UserError!]! }

  type Mutation {
    productCreate(product: ProductCreateInput!): ProductCreatePayload
    productUpdate(product: ProductUpdateInput!): ProductUpdatePayload
    productVariantsBulkCreate(productId: ID!, variants: [ProductVariantsBulkInput!]!): ProductVariantsBulkCreatePayload
    productVariantsBulkUpdate(productId: ID!, variants: [ProductVariantsBulkInput!]!): ProductVariantsBulkUpdatePayload
    customerCreate(input: CustomerInput!): CustomerCreatePayload
    bulkOperationRunQuery(query: String!): BulkOperationRunQueryPayload
    bulkOperationCancel(id: ID!): BulkOperationCancelPayload
  }
`;

let cached: GraphQLSchema | undefined;

/** The sandbox's schema, built once. */
export function sandboxSchema(): GraphQLSchema {
  cached ??= buildSchema(SANDBOX_SDL);
  return cached;
}
