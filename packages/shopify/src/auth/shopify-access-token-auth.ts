import { apiKeyAuth, type RotatableAuth } from '@connectors/core';

/** The header the GraphQL Admin API reads the token from (https://shopify.dev/docs/api/admin-graphql#authentication). */
export const SHOPIFY_ACCESS_TOKEN_HEADER = 'X-Shopify-Access-Token';

export interface ShopifyAccessTokenAuthOptions {
  /** An Admin API access token (`shpat_...` for a custom app, or an offline token you stored). */
  accessToken?: string;
  /** Read the token from this environment variable instead (on every call). Default `SHOPIFY_ACCESS_TOKEN`. */
  env?: string;
}

/**
 * Sends a fixed Admin API access token as `X-Shopify-Access-Token`: the token of a custom app made
 * in the Shopify admin, or a non-expiring offline token. For expiring tokens use `shopifyOAuth`.
 * @throws AuthError (code `missing`) at client creation when the variable is unset or empty.
 */
export function shopifyAccessTokenAuth(options: ShopifyAccessTokenAuthOptions = {}): RotatableAuth {
  return options.accessToken !== undefined
    ? apiKeyAuth({ header: SHOPIFY_ACCESS_TOKEN_HEADER, value: options.accessToken })
    : apiKeyAuth({ header: SHOPIFY_ACCESS_TOKEN_HEADER, env: options.env ?? 'SHOPIFY_ACCESS_TOKEN' });
}
