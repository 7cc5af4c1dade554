import * as v from 'valibot';

/**
 * Webhook payloads, typed for the topics this package covers. Webhook bodies use the REST
 * resource shapes (snake_case, numeric ids); `admin_graphql_api_id` is the global id to use with
 * the GraphQL API. Numeric ids above 2^53 lose precision in `JSON.parse`: key on
 * `admin_graphql_api_id` (a string) instead. Objects are loose: fields Shopify adds are kept.
 * Payload references: https://shopify.dev/docs/api/webhooks (topics) and
 * https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance (compliance topics).
 */

const money = v.string();

export const orderWebhookSchema = v.looseObject({
  id: v.number(),
  admin_graphql_api_id: v.string(),
  name: v.string(),
  email: v.nullish(v.string()),
  created_at: v.string(),
  updated_at: v.string(),
  cancelled_at: v.nullish(v.string()),
  currency: v.string(),
  total_price: money,
  financial_status: v.nullish(v.string()),
  fulfillment_status: v.nullish(v.string()),
  customer: v.nullish(v.looseObject({ id: v.number(), admin_graphql_api_id: v.optional(v.string()), email: v.nullish(v.string()) })),
  line_items: v.array(v.looseObject({ id: v.number(), title: v.string(), quantity: v.number(), price: money, sku: v.nullish(v.string()) })),
});
export type OrderWebhook = v.InferOutput<typeof orderWebhookSchema>;

export const productWebhookSchema = v.looseObject({
  id: v.number(),
  admin_graphql_api_id: v.string(),
  title: v.string(),
  handle: v.string(),
  status: v.string(),
  vendor: v.nullish(v.string()),
  updated_at: v.nullish(v.string()),
  variants: v.array(v.looseObject({ id: v.number(), admin_graphql_api_id: v.string(), title: v.string(), price: money, sku: v.nullish(v.string()) })),
});
export type ProductWebhook = v.InferOutput<typeof productWebhookSchema>;

/** `app/uninstalled`: the shop; its tokens no longer work, delete them. */
export const appUninstalledWebhookSchema = v.looseObject({ id: v.number(), name: v.string(), myshopify_domain: v.string(), email: v.nullish(v.string()) });
export type AppUninstalledWebhook = v.InferOutput<typeof appUninstalledWebhookSchema>;

const complianceCustomer = v.looseObject({ id: v.number(), email: v.nullish(v.string()), phone: v.nullish(v.string()) });

/** `customers/data_request` (mandatory): send the customer's stored data to the merchant. */
export const customersDataRequestWebhookSchema = v.looseObject({
  shop_id: v.number(),
  shop_domain: v.string(),
  orders_requested: v.array(v.number()),
  customer: complianceCustomer,
  data_request: v.looseObject({ id: v.number() }),
});
export type CustomersDataRequestWebhook = v.InferOutput<typeof customersDataRequestWebhookSchema>;

/** `customers/redact` (mandatory): delete the customer's data (within 30 days). */
export const customersRedactWebhookSchema = v.looseObject({
  shop_id: v.number(),
  shop_domain: v.string(),
  customer: complianceCustomer,
  orders_to_redact: v.array(v.number()),
});
export type CustomersRedactWebhook = v.InferOutput<typeof customersRedactWebhookSchema>;

/** `shop/redact` (mandatory): 48 hours after uninstall, delete everything about the shop. */
export const shopRedactWebhookSchema = v.looseObject({ shop_id: v.number(), shop_domain: v.string() });
export type ShopRedactWebhook = v.InferOutput<typeof shopRedactWebhookSchema>;

/** `bulk_operations/finish`: a bulk operation ended; fetch it with `bulkOperations.get(admin_graphql_api_id)`. */
export const bulkOperationsFinishWebhookSchema = v.looseObject({
  admin_graphql_api_id: v.string(),
  completed_at: v.nullish(v.string()),
  created_at: v.string(),
  error_code: v.nullish(v.string()),
  status: v.string(),
  type: v.string(),
});
export type BulkOperationsFinishWebhook = v.InferOutput<typeof bulkOperationsFinishWebhookSchema>;

/** Topic -> payload schema. */
export const shopifyWebhookSchemas = {
  'orders/create': orderWebhookSchema,
  'orders/updated': orderWebhookSchema,
  'products/update': productWebhookSchema,
  'app/uninstalled': appUninstalledWebhookSchema,
  'customers/data_request': customersDataRequestWebhookSchema,
  'customers/redact': customersRedactWebhookSchema,
  'shop/redact': shopRedactWebhookSchema,
  'bulk_operations/finish': bulkOperationsFinishWebhookSchema,
} as const;

export type ShopifyWebhookTopic = keyof typeof shopifyWebhookSchemas;

/** The mandatory compliance topics every public app must handle (https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance). */
export const SHOPIFY_COMPLIANCE_TOPICS = ['customers/data_request', 'customers/redact', 'shop/redact'] as const;

/** A verified delivery with its payload typed by topic. */
export type ShopifyWebhookEvent = {
  [T in ShopifyWebhookTopic]: { topic: T; payload: v.InferOutput<(typeof shopifyWebhookSchemas)[T]> };
}[ShopifyWebhookTopic];
