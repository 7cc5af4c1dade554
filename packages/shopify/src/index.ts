export { shopify, shopifyGraphqlPath, SHOPIFY_API_VERSION, type Shopify, type ShopifyApi, type ShopifyOptions } from './shopify-connector.ts';
export { shopifyAccessTokenAuth, SHOPIFY_ACCESS_TOKEN_HEADER, type ShopifyAccessTokenAuthOptions } from './auth/shopify-access-token-auth.ts';
export {
  shopifyOAuth,
  shopifyAuthorizationUrl,
  verifyShopifyCallback,
  exchangeShopifyCode,
  shopifyCredentialId,
  shopifyTokenUrl,
  type ShopifyOAuthOptions,
  type ShopifyAuthorizationUrlOptions,
  type ShopifyCallbackCheck,
  type ExchangeShopifyCodeOptions,
} from './auth/shopify-oauth.ts';
export { normalizeShopDomain } from './auth/shop-domain.ts';
export { shopifyCostReader, readShopifyQueryCost, msUntilAvailable, type ShopifyQueryCost } from './cost/shopify-cost-reader.ts';
export { classifyShopifyErrors } from './errors/classify-shopify-errors.ts';
export { ShopifyUserError, throwOnUserErrors } from './errors/shopify-user-error.ts';
export { readShopifyDeprecation } from './graphql/shopify-deprecation.ts';
export { connectionOf, pageInfoSchema, moneySchema, moneyBagSchema, moneyAmountSchema, userErrorSchema, gidSchema, type ShopifyUserErrorEntry } from './graphql/connection-schemas.ts';
export { MAX_QUERY_COST, connectionCost, type ShopifyCallOptions, type ShopifyListOptions } from './internal/shopify-call.ts';

export { createShopApi, type ShopApi } from './shop/shop-api.ts';
export { shopSchema, type Shop } from './shop/shop-schemas.ts';
export {
  createProductsApi,
  type ProductsApi,
  type ProductListOptions,
  type ProductReadOptions,
  type ProductCreateInput,
  type ProductUpdateInput,
  type ProductVariantInput,
} from './products/products-api.ts';
export { productSchema, productVariantSchema, productStatusSchema, type Product, type ProductVariant } from './products/product-schemas.ts';
export { createOrdersApi, type OrdersApi, type OrderListOptions, type OrderSortKey } from './orders/orders-api.ts';
export { orderSchema, orderLineItemSchema, orderFinancialStatusSchema, orderFulfillmentStatusSchema, type Order, type OrderLineItem } from './orders/order-schemas.ts';
export { createCustomersApi, type CustomersApi, type CustomerCreateInput } from './customers/customers-api.ts';
export { customerSchema, type Customer } from './customers/customer-schemas.ts';
export { createInventoryApi, type InventoryApi, type InventoryLevelsOptions } from './inventory/inventory-api.ts';
export { inventoryLevelSchema, type InventoryLevel } from './inventory/inventory-schemas.ts';
export {
  createBulkOperationsApi,
  ShopifyBulkOperationError,
  type BulkOperationsApi,
  type BulkWaitOptions,
  type BulkResultsOptions,
  type BulkResultsCheckpoint,
  type BulkResultLine,
} from './bulk/bulk-operations-api.ts';
export { bulkOperationSchema, bulkOperationStatusSchema, type BulkOperation } from './bulk/bulk-schemas.ts';
export { readJsonLines, type JsonLine, type JsonLinesOptions, type JsonLinesPosition } from './bulk/json-lines.ts';

export { shopifyScheme, verifyShopifyWebhook, parseShopifyWebhook, isKnownShopifyTopic, type ShopifyWebhookResult } from './webhooks/shopify-webhooks.ts';
export {
  shopifyWebhookSchemas,
  SHOPIFY_COMPLIANCE_TOPICS,
  orderWebhookSchema,
  productWebhookSchema,
  appUninstalledWebhookSchema,
  customersDataRequestWebhookSchema,
  customersRedactWebhookSchema,
  shopRedactWebhookSchema,
  bulkOperationsFinishWebhookSchema,
  type ShopifyWebhookTopic,
  type ShopifyWebhookEvent,
  type OrderWebhook,
  type ProductWebhook,
  type AppUninstalledWebhook,
  type CustomersDataRequestWebhook,
  type CustomersRedactWebhook,
  type ShopRedactWebhook,
  type BulkOperationsFinishWebhook,
} from './webhooks/shopify-webhook-schemas.ts';
