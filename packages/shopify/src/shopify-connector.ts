import { defineConnector, type CostPacer, type CommonConnectorOptions, type HttpClient, type HttpClientOptions, type Connector, type AuthStrategy } from '@connectors/core';
import { shopifyAccessTokenAuth } from './auth/shopify-access-token-auth.ts';
import { normalizeShopDomain } from './auth/shop-domain.ts';
import { shopifyOAuth, type ShopifyOAuthOptions } from './auth/shopify-oauth.ts';
import { createBulkOperationsApi, type BulkOperationsApi } from './bulk/bulk-operations-api.ts';
import { shopifyCostReader } from './cost/shopify-cost-reader.ts';
import { createCustomersApi, type CustomersApi } from './customers/customers-api.ts';
import { classifyShopifyErrors } from './errors/classify-shopify-errors.ts';
import { readShopifyDeprecation } from './graphql/shopify-deprecation.ts';
import { createInventoryApi, type InventoryApi } from './inventory/inventory-api.ts';
import { createOrdersApi, type OrdersApi } from './orders/orders-api.ts';
import { createProductsApi, type ProductsApi } from './products/products-api.ts';
import { createShopApi, type ShopApi } from './shop/shop-api.ts';
import { SHOP_NAME_QUERY } from './shop/shop-documents.ts';
import { shopNameQuerySchema } from './shop/shop-schemas.ts';

/**
 * The GraphQL Admin API version this package's documents and schemas were written against (the
 * latest stable release listed by `@shopify/shopify-api` 15). Shopify releases a version each
 * quarter and supports each for at least 12 months; pin your own with `apiVersion`.
 */
export const SHOPIFY_API_VERSION = '2026-10';
const USER_AGENT = 'connectors-shopify/0.1';

/**
 * How to reach one shop. Credentials: an Admin API access token (`accessToken`, or the
 * `SHOPIFY_ACCESS_TOKEN` environment variable by default), or `oauth` for a public app's expiring
 * offline tokens. Common options (`baseUrl`, `retry`, `onEvent`, `auth`, `rateLimit`...) apply too.
 */
export interface ShopifyOptions {
  /** `my-store` or `my-store.myshopify.com`. One connector per shop: each has its own cost bucket. */
  shop: string;
  /** A custom app's Admin API access token (`shpat_...`), or a non-expiring offline token. */
  accessToken?: string;
  /** Read the token from this environment variable instead (on every call). Default `SHOPIFY_ACCESS_TOKEN`. */
  accessTokenEnv?: string;
  /** A public app's OAuth credentials: expiring offline tokens renewed with their refresh token. */
  oauth?: Omit<ShopifyOAuthOptions, 'shop' | 'origin' | 'fetch'>;
  /** GraphQL Admin API version in the endpoint path. Default `SHOPIFY_API_VERSION`. */
  apiVersion?: string;
  /**
   * Where the shop's cost bucket is kept. Default: in this process. Several processes working on the
   * same shop share it with `redisCostPacer({ redis, keyPrefix: 'graphql-cost' })` from `@connectors/core/redis`.
   */
  costPacer?: CostPacer;
}

/** The typed surface of a Shopify connector. */
export interface ShopifyApi {
  shop: ShopApi;
  products: ProductsApi;
  orders: OrdersApi;
  customers: CustomersApi;
  inventory: InventoryApi;
  bulkOperations: BulkOperationsApi;
  /** The shop's permanent domain, e.g. `my-store.myshopify.com`. */
  readonly shopDomain: string;
  /** The API version in use. */
  readonly apiVersion: string;
}

/**
 * A Shopify connector instance: the typed surface plus `http` (`http.graphql({ query, variables,
 * schema })` for any other document, with the same auth, cost pacing, retries and events),
 * `name` and `verifyCredentials()` (`{ shop { name } }`).
 */
export type Shopify = Connector<ShopifyApi>;

function authOf(options: ShopifyOptions & CommonConnectorOptions, shopDomain: string): AuthStrategy {
  if (options.auth) return options.auth;
  if (options.oauth) {
    if (options.accessToken !== undefined) throw new TypeError('shopify.create: give either `accessToken` or `oauth`, not both');
    return shopifyOAuth({ ...options.oauth, shop: shopDomain, ...(options.baseUrl ? { origin: options.baseUrl } : {}), ...(options.fetch ? { fetch: options.fetch } : {}) });
  }
  return shopifyAccessTokenAuth({ ...(options.accessToken !== undefined ? { accessToken: options.accessToken } : {}), ...(options.accessTokenEnv !== undefined ? { env: options.accessTokenEnv } : {}) });
}

/** `/admin/api/{version}/graphql.json`. */
export function shopifyGraphqlPath(apiVersion: string): string {
  if (!/^(\d{4}-(01|04|07|10)|unstable)$/.test(apiVersion)) {
    throw new TypeError(`shopify: apiVersion must be a release such as '${SHOPIFY_API_VERSION}' (YYYY-01, -04, -07 or -10) or 'unstable'; got ${JSON.stringify(apiVersion)}`);
  }
  return `/admin/api/${apiVersion}/graphql.json`;
}

/**
 * The Shopify connector: the GraphQL Admin API of one shop.
 * @example
 * import { shopify } from '@connectors/shopify';
 * const store = shopify.create({ shop: 'my-store' }); // token from SHOPIFY_ACCESS_TOKEN
 * await store.verifyCredentials(); // { ok: true, identity: 'My Store (my-store.myshopify.com)' }
 * for await (const order of store.orders.list({ query: 'financial_status:paid' })) console.log(order.name);
 */
export const shopify = defineConnector<ShopifyOptions & CommonConnectorOptions, ShopifyApi>({
  name: 'shopify',
  client(options): Omit<HttpClientOptions, 'connector'> {
    const shopDomain = normalizeShopDomain(options.shop);
    const apiVersion = options.apiVersion ?? SHOPIFY_API_VERSION;
    const path = shopifyGraphqlPath(apiVersion);
    return {
      baseUrl: options.baseUrl ?? `https://${shopDomain}`,
      auth: authOf(options, shopDomain),
      headers: { 'user-agent': USER_AGENT, accept: 'application/json' },
      requestIdHeaders: ['x-request-id'],
      deprecation: readShopifyDeprecation(apiVersion),
      graphql: { path, classify: classifyShopifyErrors, cost: shopifyCostReader({ shop: shopDomain }), ...(options.costPacer ? { pacer: options.costPacer } : {}) },
      credentialsCheck: {
        path,
        method: 'POST',
        graphql: { query: SHOP_NAME_QUERY },
        operation: 'verifyCredentials',
        schema: shopNameQuerySchema,
        identify: (data) => {
          const shop = (data as { shop?: { name?: string; myshopifyDomain?: string } } | undefined)?.shop;
          return shop?.name ? `${shop.name} (${shop.myshopifyDomain ?? shopDomain})` : undefined;
        },
      },
    };
  },
  api(http: HttpClient, options): ShopifyApi {
    return {
      shop: createShopApi(http),
      products: createProductsApi(http),
      orders: createOrdersApi(http),
      customers: createCustomersApi(http),
      inventory: createInventoryApi(http),
      bulkOperations: createBulkOperationsApi(http, options),
      shopDomain: normalizeShopDomain(options.shop),
      apiVersion: options.apiVersion ?? SHOPIFY_API_VERSION,
    };
  },
});
