import { describeConnectorConformance } from '@connectors/testing/conformance';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import productPage1 from './products/__fixtures__/products-page-1.json' with { type: 'json' };
import productPage2 from './products/__fixtures__/products-page-2.json' with { type: 'json' };
import productPage3 from './products/__fixtures__/products-page-3.json' with { type: 'json' };
import product from './products/__fixtures__/product.json' with { type: 'json' };
import shopName from './shop/__fixtures__/shop-name.json' with { type: 'json' };
import { shopify } from './shopify-connector.ts';
import ordersCreate from './webhooks/__fixtures__/orders-create.json' with { type: 'json' };
import { shopifyScheme, verifyShopifyWebhook } from './webhooks/shopify-webhooks.ts';

const TOKEN = 'shpat_conformance0000000000000000';
const API = 'https://snowdevil.myshopify.com';
const PATH = '/admin/api/2026-10/graphql.json';

describeConnectorConformance(shopify, {
  create: (common) => shopify.create({ shop: 'snowdevil', accessToken: TOKEN, ...common }),
  baseUrl: API,
  secrets: [TOKEN],
  credentials: {
    method: 'POST',
    path: PATH,
    ok: { status: 200, body: shopName },
    identity: 'Snowdevil (snowdevil.myshopify.com)',
    unauthorized: { status: 401, body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' } },
  },
  sample: {
    method: 'POST',
    path: PATH,
    call: (client) => client.products.get('gid://shopify/Product/101'),
    ok: { status: 200, body: product },
    corrupt: (body) => ({ ...(body as object), data: { product: { ...(body as typeof product).data.product, status: 42 } } }),
  },
  pagination: {
    call: (client) => collect(client.products.list()),
    pages: [
      { method: 'POST', path: PATH, response: { status: 200, body: productPage1 } },
      { method: 'POST', path: PATH, response: { status: 200, body: productPage2 } },
      { method: 'POST', path: PATH, response: { status: 200, body: productPage3 } },
    ],
    expectedItems: 5,
  },
  graphql: {
    call: (client) => client.products.get('gid://shopify/Product/101'),
    route: { method: 'POST', path: PATH },
    ok: { status: 200, body: product },
    error: { status: 200, body: { errors: [{ message: "Field 'nope' doesn't exist on type 'Product'", locations: [{ line: 1, column: 30 }], path: ['query Product', 'product', 'nope'], extensions: { code: 'undefinedField', typeName: 'Product', fieldName: 'nope' } }] } },
    throttled: {
      status: 200,
      body: {
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
        extensions: { cost: { requestedQueryCost: 23, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 3, restoreRate: 100 } } },
      },
    },
    unauthenticated: { status: 401, body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' } },
  },
  webhook: {
    scheme: shopifyScheme,
    secret: 'shpss_conformance_secret',
    payload: ordersCreate,
    type: 'orders/create',
    verify: (delivery) => verifyShopifyWebhook({ body: delivery.body, headers: delivery.headers, secret: delivery.secret }),
  },
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

// Shopify's own GraphQL answers beyond the shared suite's `graphql` checks: the wait for THROTTLED
// comes from throttleStatus, ACCESS_DENIED names the scope, partial data is kept.
describe('shopify conformance: GraphQL errors', () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
  const client = () => shopify.create({ shop: 'snowdevil', accessToken: TOKEN, retry: { baseDelayMs: 1, maxAttempts: 3 } });
  const cost = (available: number) => ({ cost: { requestedQueryCost: 23, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: available, restoreRate: 100 } } });

  it('a syntax or validation error on a 200 is a GraphQLError with the entries, sent once', async () => {
    const errors = [{ message: "Field 'nope' doesn't exist on type 'Product'", locations: [{ line: 1, column: 30 }], path: ['query Product', 'product', 'nope'], extensions: { code: 'undefinedField' } }];
    const scope = nock(API).post(PATH).once().reply(200, { errors });
    const error = await client().products.get('gid://shopify/Product/101').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'GraphQLError', retryable: false, errors });
    scope.done();
  });

  it('THROTTLED on a 200 is waited out from throttleStatus and retried', async () => {
    const scope = nock(API)
      .post(PATH).reply(200, { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }], extensions: cost(20) })
      .post(PATH).reply(200, product);
    await expect(client().products.get('gid://shopify/Product/101')).resolves.toMatchObject({ id: 'gid://shopify/Product/101' });
    scope.done();
  });

  it('ACCESS_DENIED is an AuthError naming the missing scope, not retried', async () => {
    const scope = nock(API).post(PATH).once().reply(200, {
      data: null,
      errors: [{ message: 'Access denied for product field. Required access: `read_products` access scope.', extensions: { code: 'ACCESS_DENIED', requiredAccess: '`read_products` access scope.' } }],
    });
    await expect(client().products.get('gid://shopify/Product/101')).rejects.toMatchObject({ name: 'AuthError', code: 'insufficient-scope', neededScopes: ['read_products'] });
    scope.done();
  });

  it('partial data with errors throws by default, keeping the partial data', async () => {
    const scope = nock(API).post(PATH).once().reply(200, { data: { product: null }, errors: [{ message: 'Internal error on product.variants', path: ['product', 'variants'], extensions: { code: 'SOME_FIELD_ERROR' } }] });
    await expect(client().products.get('gid://shopify/Product/101')).rejects.toMatchObject({ name: 'GraphQLError', partialData: { product: null } });
    scope.done();
  });
});
