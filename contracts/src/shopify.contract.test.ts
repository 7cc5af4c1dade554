import { MatchersV3 } from '@pact-foundation/pact';
import { pageInfoSchema, productSchema, shopify, shopifyGraphqlPath, shopSchema, SHOPIFY_API_VERSION } from '@connectors/shopify';
import { SHOPIFY_SANDBOX_ACCESS_TOKEN, SHOPIFY_SANDBOX_SHOP, shopifySandboxProvider } from '@connectors/shopify/sandbox';
import { describe, expect, it } from 'vitest';
import product from '../../packages/shopify/src/products/__fixtures__/product.json' with { type: 'json' };
import lastProductsPage from '../../packages/shopify/src/products/__fixtures__/products-page-3.json' with { type: 'json' };
import shopName from '../../packages/shopify/src/shop/__fixtures__/shop-name.json' with { type: 'json' };
import shop from '../../packages/shopify/src/shop/__fixtures__/shop.json' with { type: 'json' };
// The GraphQL documents the connector sends (not part of its public API, hence the source import):
// the contract holds them verbatim, so a changed query is a changed contract.
import { PRODUCT_QUERY, PRODUCTS_QUERY } from '../../packages/shopify/src/products/product-documents.ts';
import { SHOP_NAME_QUERY, SHOP_QUERY } from '../../packages/shopify/src/shop/shop-documents.ts';
import { consumerPact, contractShape, listShape, pactFile, verifyAgainstSandbox } from './contract-kit.ts';

// What @connectors/shopify expects of Shopify's GraphQL Admin API: every operation is a POST of
// `{ query, variables, operationName }` to the pinned version's graphql.json with the
// X-Shopify-Access-Token header, matched exactly (Pact's request body matching: the query text and
// variables are the contract); answers carry `data` shaped by the connector's schemas and fixtures,
// and `extensions.cost`, which its cost pacing reads. Replayed against the Shopify sandbox provider,
// which serves a shop under `/<shop>` (the real API has it in the host).
const CONSUMER = 'connectors-shopify';
const PROVIDER = 'shopify';
const STATE = 'the seeded sandbox shop';
const PATH = shopifyGraphqlPath(SHOPIFY_API_VERSION);
// A product the sandbox seeds (its products are numbered from 1001).
const PRODUCT_ID = 'gid://shopify/Product/1001';
const auth = { 'X-Shopify-Access-Token': SHOPIFY_SANDBOX_ACCESS_TOKEN };
const cost = MatchersV3.like(shop.extensions);
const connect = (baseUrl: string) => shopify.create({ shop: SHOPIFY_SANDBOX_SHOP, accessToken: SHOPIFY_SANDBOX_ACCESS_TOKEN, baseUrl, retry: { maxAttempts: 1 } });

describe('Shopify contract', () => {
  const pact = consumerPact(CONSUMER, PROVIDER);

  it('verifyCredentials asks for the shop name', async () => {
    await pact
      .addInteraction()
      .given(STATE)
      .uponReceiving('a ShopName query')
      .withRequest('POST', PATH, (b) => b.headers(auth).jsonBody({ query: SHOP_NAME_QUERY }))
      .willRespondWith(200, (b) => b.jsonBody({ data: { shop: { name: MatchersV3.like(shopName.data.shop.name) } }, extensions: cost }))
      .executeTest(async (server) => {
        expect((await connect(server.url).verifyCredentials()).identity).toContain(shopName.data.shop.name);
      });
  });

  it('shop.get reads the shop', async () => {
    await pact
      .addInteraction()
      .given(STATE)
      .uponReceiving('a Shop query')
      .withRequest('POST', PATH, (b) => b.headers(auth).jsonBody({ query: SHOP_QUERY, operationName: 'Shop' }))
      .willRespondWith(200, (b) => b.jsonBody({ data: { shop: contractShape(shopSchema, shop.data.shop) }, extensions: cost }))
      .executeTest(async (server) => {
        expect((await connect(server.url).shop.get()).myshopifyDomain).toBe(shop.data.shop.myshopifyDomain);
      });
  });

  it('products.get reads one product with its first variants', async () => {
    await pact
      .addInteraction()
      .given(STATE)
      .uponReceiving('a Product query for a seeded product')
      .withRequest('POST', PATH, (b) => b.headers(auth).jsonBody({ query: PRODUCT_QUERY, operationName: 'Product', variables: { id: PRODUCT_ID, variantsFirst: 10 } }))
      .willRespondWith(200, (b) => b.jsonBody({ data: { product: contractShape(productSchema, product.data.product) }, extensions: cost }))
      .executeTest(async (server) => {
        expect((await connect(server.url).products.get(PRODUCT_ID))?.handle).toBe(product.data.product.handle);
      });
  });

  it('products.list reads the first page of products', async () => {
    const { nodes, pageInfo } = lastProductsPage.data.products;
    await pact
      .addInteraction()
      .given(STATE)
      .uponReceiving('a Products query for the first page')
      .withRequest('POST', PATH, (b) => b.headers(auth).jsonBody({ query: PRODUCTS_QUERY, operationName: 'Products', variables: { first: 20, variantsFirst: 10 } }))
      .willRespondWith(200, (b) =>
        // The example is a last page (`hasNextPage: false`), so the connector stops; matched by type.
        b.jsonBody({ data: { products: { nodes: listShape(productSchema, nodes), pageInfo: contractShape(pageInfoSchema, pageInfo) } }, extensions: cost }),
      )
      .executeTest(async (server) => {
        const ids: string[] = [];
        for await (const item of connect(server.url).products.list()) ids.push(item.id);
        expect(ids).toEqual([nodes[0]!.id]);
      });
  });

  it('the Shopify sandbox provider honours the contract', async () => {
    await verifyAgainstSandbox({ provider: PROVIDER, sandbox: shopifySandboxProvider, basePath: `/${SHOPIFY_SANDBOX_SHOP}`, pactFile: pactFile(CONSUMER, PROVIDER), states: [STATE] });
  });
});
