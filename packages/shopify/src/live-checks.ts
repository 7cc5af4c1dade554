// Read-only checks `pnpm test:live --filter @connectors/shopify` runs against a real shop when
// SHOPIFY_ACCESS_TOKEN (the connector's default token variable) and SHOPIFY_SHOP (the shop handle or
// `<shop>.myshopify.com`, the connector's `shop` option) are set (see scripts/test-live.ts). Queries
// only, never a mutation or a bulk operation. Scopes the token needs: read_products.
import { shopify } from './shopify-connector.ts';

type Shopify = ReturnType<typeof shopify.create>;

export const liveChecks = {
  env: ['SHOPIFY_ACCESS_TOKEN', 'SHOPIFY_SHOP'],
  create: (common: Omit<Parameters<typeof shopify.create>[0], 'shop'>) => shopify.create({ ...common, shop: process.env['SHOPIFY_SHOP'] ?? '' }),
  checks: [
    { name: 'verifyCredentials (query ShopName)', run: (client: Shopify) => client.verifyCredentials() },
    { name: 'shop.get', run: (client: Shopify) => client.shop.get() },
    { name: 'products.list (first 20)', run: (client: Shopify) => take(client.products.list({ first: 20 }), 20) },
    {
      name: 'products.get of the first listed product',
      run: async (client: Shopify) => {
        const [first] = await take(client.products.list({ first: 1 }), 1);
        return first ? client.products.get(first.id) : undefined;
      },
    },
  ],
};

async function take<T>(items: AsyncIterable<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) if (out.push(item) >= count) break;
  return out;
}
