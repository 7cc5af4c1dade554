import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type Sandbox } from '@connectors/testing/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { exchangeShopifyCode, shopifyAuthorizationUrl, verifyShopifyCallback } from '../auth/shopify-oauth.ts';
import { readJsonLines } from '../bulk/json-lines.ts';
import { verifyShopifyWebhook } from '../webhooks/shopify-webhooks.ts';
import {
  createShopifySandboxProvider,
  SHOPIFY_SANDBOX_ACCESS_TOKEN,
  SHOPIFY_SANDBOX_CLIENT_ID,
  SHOPIFY_SANDBOX_CLIENT_SECRET,
  shopifySandboxUrl,
  shopifySandboxWebhookEvents,
} from './shopify-sandbox-provider.ts';

let sandbox: Sandbox | undefined;
let clock = Date.parse('2026-12-01T00:00:00Z');
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

let provider: ReturnType<typeof createShopifySandboxProvider>;
async function start(options: Parameters<typeof createShopifySandboxProvider>[0] = {}) {
  clock = Date.parse('2026-12-01T00:00:00Z');
  provider = createShopifySandboxProvider(options);
  sandbox = await startSandbox({ providers: [provider], now: () => clock });
  return sandbox;
}

type Answer = { status: number; headers: Headers; body: { data?: any; errors?: any; extensions?: any } };

async function gql(shop: string, query: string, variables?: Record<string, unknown>, init: { token?: string | null; version?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token !== null) headers['x-shopify-access-token'] = init.token ?? SHOPIFY_SANDBOX_ACCESS_TOKEN;
  const response = await fetch(`${shopifySandboxUrl(sandbox!, shop)}/admin/api/${init.version ?? '2026-10'}/graphql.json`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

const COST_50 = '{ products(first: 48) { nodes { id } } }';

describe('shopify sandbox: GraphQL with cost accounting', () => {
  it('answers a query with its data and extensions.cost', async () => {
    await start();
    const { status, body, headers } = await gql('alpha', '{ shop { name myshopifyDomain } }');
    expect(status).toBe(200);
    expect(body.data.shop).toEqual({ name: 'Sandbox Store (alpha)', myshopifyDomain: 'alpha.myshopify.com' });
    expect(body.extensions.cost).toEqual({ requestedQueryCost: 1, actualQueryCost: 1, throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 999, restoreRate: 50 } });
    expect(headers.get('x-shopify-api-version')).toBe('2026-10');
  });

  it('charges connections 2 + first x node cost, refunds to the actual count', async () => {
    await start({ products: 30 });
    const first = await gql('alpha', COST_50);
    expect(first.body.data.products.nodes).toHaveLength(30);
    expect(first.body.extensions.cost).toMatchObject({ requestedQueryCost: 50, actualQueryCost: 32, throttleStatus: { currentlyAvailable: 968 } });
    const nested = await gql('alpha', '{ products(first: 2) { nodes { id variants(first: 3) { nodes { id inventoryItem { id } } } } } }');
    // 2 + 2 x (1 + (2 + 3 x (1 + 1))) = 20
    expect(nested.body.extensions.cost.requestedQueryCost).toBe(20);
  });

  it('answers THROTTLED (HTTP 200) when the bucket lacks the requested cost, and refills at the restore rate', async () => {
    await start();
    for (let i = 0; i < 20; i++) expect((await gql('alpha', COST_50)).body.errors).toBeUndefined();
    expect(provider.stats()).toMatchObject({ queries: 20, throttled: 0, points: { alpha: 1000 } });
    const throttled = await gql('alpha', COST_50);
    expect(throttled.status).toBe(200);
    expect(throttled.body.errors).toEqual([{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }]);
    expect(throttled.body.extensions.cost).toEqual({ requestedQueryCost: 50, actualQueryCost: null, throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 0, restoreRate: 50 } });
    expect(throttled.body.data).toBeUndefined();
    expect(provider.stats().throttled).toBe(1);
    clock += 1000; // 50 points back
    expect((await gql('alpha', COST_50)).body.extensions.cost).toMatchObject({ actualQueryCost: 50, throttleStatus: { currentlyAvailable: 0 } });
  });

  it('keeps one bucket per shop', async () => {
    await start();
    for (let i = 0; i < 20; i++) await gql('alpha', COST_50);
    expect((await gql('alpha', COST_50)).body.errors[0].extensions.code).toBe('THROTTLED');
    expect((await gql('beta', COST_50)).body.extensions.cost.throttleStatus.currentlyAvailable).toBe(950);
  });

  it('refuses a query over 1,000 points without charging it', async () => {
    await start();
    const { body } = await gql('alpha', '{ products(first: 250) { nodes { id variants(first: 10) { nodes { id } } } } }');
    expect(body.errors[0]).toMatchObject({ extensions: { code: 'MAX_COST_EXCEEDED' } });
    expect(body.errors[0].message).toMatch(/exceeds the single query max cost limit \(1000\)/);
    expect(body.extensions.cost.throttleStatus.currentlyAvailable).toBe(1000);
  });

  it('rejects a missing or wrong token with Shopify’s 401', async () => {
    await start();
    for (const token of [null, 'shpat_wrong']) {
      const { status, body } = await gql('alpha', '{ shop { name } }', undefined, { token });
      expect(status).toBe(401);
      expect(body.errors).toMatch(/Invalid API key or access token/);
    }
  });

  it('reports a deprecated or unsupported version in headers', async () => {
    await start();
    const deprecated = await gql('alpha', '{ shop { name } }', undefined, { version: '2025-10' });
    expect(deprecated.headers.get('x-shopify-api-deprecated-reason')).toMatch(/deprecation-practices/);
    const old = await gql('alpha', '{ shop { name } }', undefined, { version: '2024-01' });
    expect(old.headers.get('x-shopify-api-version')).toBe('2025-10');
    expect((await gql('alpha', '{ shop { name } }', undefined, { version: 'latest' })).status).toBe(404);
  });

  it('answers validation errors and missing page sizes as GraphQL errors', async () => {
    await start();
    expect((await gql('alpha', '{ shop { nope } }')).body.errors[0].message).toMatch(/Cannot query field "nope"/);
    expect((await gql('alpha', '{ products { nodes { id } } }')).body.errors[0].message).toMatch(/first or last/);
  });

  it('pages with pageInfo and filters with the search syntax', async () => {
    await start();
    const query = 'query($after: String) { orders(first: 30, after: $after, query: "financial_status:paid") { nodes { id displayFinancialStatus } pageInfo { hasNextPage endCursor } } }';
    const ids: string[] = [];
    let after: string | null = null;
    do {
      const page: Answer = await gql('alpha', query, { after });
      ids.push(...page.body.data.orders.nodes.map((o: { id: string; displayFinancialStatus: string }) => (expect(o.displayFinancialStatus).toBe('PAID'), o.id)));
      after = page.body.data.orders.pageInfo.hasNextPage ? page.body.data.orders.pageInfo.endCursor : null;
    } while (after);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('returns userErrors with field paths for invalid mutations', async () => {
    await start();
    const create = 'mutation($product: ProductCreateInput!) { productCreate(product: $product) { product { id title } userErrors { field message } } }';
    const blank = await gql('alpha', create, { product: { title: ' ' } });
    expect(blank.body.data.productCreate).toEqual({ product: null, userErrors: [{ field: ['product', 'title'], message: "Title can't be blank" }] });
    expect(blank.body.extensions.cost.requestedQueryCost).toBe(10);
    const made = await gql('alpha', create, { product: { title: 'Sandbox mug' } });
    expect(made.body.data.productCreate.product.title).toBe('Sandbox mug');
  });
});

describe('shopify sandbox: bulk operations', () => {
  it('runs a bulk query and serves its JSONL, children after parents with __parentId, with Range', async () => {
    await start({ products: 4, bulkDurationMs: 500 });
    const run = await gql('alpha', 'mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { field message } } }', {
      q: '{ products { edges { node { id title variants { edges { node { id sku } } } } } } }',
    });
    const { id, status } = run.body.data.bulkOperationRunQuery.bulkOperation;
    expect(status).toBe('CREATED');
    const again = await gql('alpha', 'mutation { bulkOperationRunQuery(query: "{ shop { name } }") { bulkOperation { id } userErrors { field message } } }');
    expect(again.body.data.bulkOperationRunQuery.userErrors[0].message).toMatch(/already in progress/);

    const poll = `{ node(id: "${id}") { ... on BulkOperation { id status objectCount url } } }`;
    expect((await gql('alpha', poll)).body.data.node.status).toBe('RUNNING');
    clock += 600;
    const done = (await gql('alpha', poll)).body.data.node;
    expect(done).toMatchObject({ status: 'COMPLETED', objectCount: String(4 + 4 * 3) });

    const response = await fetch(done.url);
    const lines: any[] = [];
    for await (const line of readJsonLines(response.body!)) lines.push(line.value);
    expect(lines).toHaveLength(16);
    expect(lines[0]).toEqual({ id: 'gid://shopify/Product/1001', title: expect.any(String) });
    expect(lines[1]).toEqual({ id: 'gid://shopify/ProductVariant/10', sku: 'SBX-1-S', __parentId: 'gid://shopify/Product/1001' });

    const text = await (await fetch(done.url)).text();
    const offset = Buffer.byteLength(text.split('\n').slice(0, 4).join('\n')) + 1;
    const partial = await fetch(done.url, { headers: { range: `bytes=${offset}-` } });
    expect(partial.status).toBe(206);
    expect((await partial.text()).split('\n')[0]).toBe(text.split('\n')[4]);
    expect((await fetch(done.url.replace(/signature=\w+/, 'signature=forged'))).status).toBe(403);
  });
});

describe('shopify sandbox: OAuth with expiring offline tokens', () => {
  it('authorizes, exchanges the code, expires the token and rotates the refresh token', async () => {
    await start({ accessTokenTtlSeconds: 60 });
    const base = shopifySandboxUrl(sandbox!, 'alpha');
    const { url, state } = shopifyAuthorizationUrl({ shop: 'alpha', clientId: SHOPIFY_SANDBOX_CLIENT_ID, scopes: ['read_products'], redirectUri: 'https://app.example.com/callback' });
    const authorize = await fetch(`${base}${url.pathname}${url.search}`, { redirect: 'manual' });
    expect(authorize.status).toBe(302);
    const callback = new URL(authorize.headers.get('location')!);
    const { shop, code } = verifyShopifyCallback(callback.searchParams, { clientSecret: SHOPIFY_SANDBOX_CLIENT_SECRET, state });
    expect(shop).toBe('alpha.myshopify.com');
    const tampered = new URLSearchParams(callback.searchParams);
    tampered.set('shop', 'evil.myshopify.com');
    expect(() => verifyShopifyCallback(tampered, { clientSecret: SHOPIFY_SANDBOX_CLIENT_SECRET, state })).toThrow(/hmac does not match/);

    const tokens = await exchangeShopifyCode({ shop, clientId: SHOPIFY_SANDBOX_CLIENT_ID, clientSecret: SHOPIFY_SANDBOX_CLIENT_SECRET, code, origin: base });
    expect(tokens).toMatchObject({ accessToken: expect.stringMatching(/^shpat_/), refreshToken: expect.stringMatching(/^shprt_/), scope: 'read_products' });
    await expect(exchangeShopifyCode({ shop, clientId: SHOPIFY_SANDBOX_CLIENT_ID, clientSecret: SHOPIFY_SANDBOX_CLIENT_SECRET, code, origin: base })).rejects.toMatchObject({ name: 'AuthError', code: 'refresh-failed', providerError: 'invalid_request' });

    expect((await gql('alpha', '{ shop { name } }', undefined, { token: tokens.accessToken })).status).toBe(200);
    expect((await gql('beta', '{ shop { name } }', undefined, { token: tokens.accessToken })).status).toBe(401);
    clock += 61_000;
    expect((await gql('alpha', '{ shop { name } }', undefined, { token: tokens.accessToken })).status).toBe(401);

    const refresh = (refreshToken: string) =>
      fetch(`${base}/admin/oauth/access_token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: SHOPIFY_SANDBOX_CLIENT_ID, client_secret: SHOPIFY_SANDBOX_CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: refreshToken }) });
    const renewed = (await (await refresh(tokens.refreshToken!)).json()) as { access_token: string; refresh_token: string; expires_in: number };
    expect(renewed.expires_in).toBe(60);
    expect(renewed.refresh_token).not.toBe(tokens.refreshToken);
    expect((await gql('alpha', '{ shop { name } }', undefined, { token: renewed.access_token })).status).toBe(200);
    expect((await refresh(tokens.refreshToken!)).status).toBe(400);
  });
});

describe('shopify sandbox: webhooks', () => {
  it('sends signed deliveries; forged ones fail verification and duplicates keep their id', async () => {
    await start();
    const seen: { ok: boolean; id?: string; topic?: string }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const result = await verifyShopifyWebhook({ body: Buffer.concat(chunks), headers: req.headers, secret: SHOPIFY_SANDBOX_CLIENT_SECRET });
        seen.push(result.ok ? { ok: true, id: result.id, topic: result.event.topic } : { ok: false });
        res.statusCode = result.ok ? 200 : 401;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/shopify`;
      const results = await sandbox!.sendWebhooks({ provider: 'shopify', url, events: shopifySandboxWebhookEvents(), duplicateRate: 0.5, badSignatureRate: 0.3 });
      for (const r of results) expect(r.status).toBe(r.badSignature ? 401 : 200);
      expect(results.some((r) => r.badSignature)).toBe(true);
      expect(results.some((r) => r.duplicate)).toBe(true);
      const topics = new Set(seen.filter((s) => s.ok).map((s) => s.topic));
      expect(seen.filter((s) => !s.ok)).toHaveLength(results.filter((r) => r.badSignature).length);
      expect([...topics].every((t) => typeof t === 'string')).toBe(true);
      const dup = results.find((r) => r.duplicate && !r.badSignature);
      if (dup) expect(seen.filter((s) => s.id === dup.id)).toHaveLength(2);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
