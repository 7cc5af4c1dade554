/**
 * `@connectors/shopify/sandbox`: Shopify's GraphQL Admin API for the testing kit's local sandbox.
 * Needs `@connectors/testing` (a development dependency: the sandbox is for tests, demos and local
 * development) and `graphql`.
 */
export {
  createShopifySandboxProvider,
  shopifySandboxProvider,
  shopifySandboxUrl,
  shopifySandboxWebhookEvents,
  SHOPIFY_SANDBOX_ACCESS_TOKEN,
  SHOPIFY_SANDBOX_CLIENT_ID,
  SHOPIFY_SANDBOX_CLIENT_SECRET,
  SHOPIFY_SANDBOX_SHOP,
  type ShopifySandboxOptions,
  type ShopifySandboxProvider,
  type ShopifySandboxStats,
} from './shopify-sandbox-provider.ts';
export type { BucketConfig } from './leaky-bucket.ts';
