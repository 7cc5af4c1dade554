/** Shopify's rule for a shop's permanent domain: `<handle>.myshopify.com`, the handle letters, digits and hyphens. */
const SHOP_DOMAIN = /^[a-zA-Z0-9][a-zA-Z0-9-]*\.myshopify\.com$/;
const SHOP_HANDLE = /^[a-zA-Z0-9][a-zA-Z0-9-]*$/;

/**
 * `my-store`, `my-store.myshopify.com` or `https://my-store.myshopify.com/` -> `my-store.myshopify.com`.
 * Anything else is refused: a shop domain taken from a request (an OAuth callback, a webhook
 * header) must never send a token to another host. (The same rule as `sanitizeShop` in
 * `@shopify/shopify-api`.)
 * @throws TypeError saying what a valid value looks like.
 */
export function normalizeShopDomain(shop: string): string {
  const text = typeof shop === 'string' ? shop.trim().replace(/^https?:\/\//i, '').replace(/\/+$/, '').toLowerCase() : '';
  if (SHOP_DOMAIN.test(text)) return text;
  if (SHOP_HANDLE.test(text)) return `${text}.myshopify.com`;
  throw new TypeError(`shopify: shop must be a store handle ('my-store') or its myshopify.com domain ('my-store.myshopify.com'); got ${JSON.stringify(shop)}`);
}
