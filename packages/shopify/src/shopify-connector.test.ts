import { randomUUID } from 'node:crypto';
import { AuthError, type ConnectorEvent } from '@connectors/core';
import { redisCostPacer } from '@connectors/core/redis';
import { Redis } from 'ioredis';
import { startSandbox, type Sandbox } from '@connectors/testing/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { ShopifyUserError } from './errors/shopify-user-error.ts';
import {
  createShopifySandboxProvider,
  SHOPIFY_SANDBOX_ACCESS_TOKEN,
  SHOPIFY_SANDBOX_CLIENT_ID,
  SHOPIFY_SANDBOX_CLIENT_SECRET,
  shopifySandboxUrl,
} from './sandbox/shopify-sandbox-provider.ts';
import { shopify } from './shopify-connector.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

async function setup(options: Parameters<typeof createShopifySandboxProvider>[0] = {}, client: Partial<Parameters<typeof shopify.create>[0]> = {}) {
  // A Plus-sized restore rate keeps the tests quick; the pacing tests set their own bucket.
  const provider = createShopifySandboxProvider({ bucket: { maximum: 1000, restoreRate: 1000 }, ...options });
  sandbox = await startSandbox({ providers: [provider] });
  const events: ConnectorEvent[] = [];
  const store = shopify.create({
    shop: 'alpha',
    accessToken: SHOPIFY_SANDBOX_ACCESS_TOKEN,
    baseUrl: shopifySandboxUrl(sandbox, 'alpha'),
    retry: { baseDelayMs: 10 },
    onEvent: (e) => void events.push(e),
    ...client,
  });
  return { store, provider, events };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('shopify connector against the sandbox', () => {
  it('verifies credentials with { shop { name } } and reads the shop', async () => {
    const { store } = await setup();
    await expect(store.verifyCredentials()).resolves.toMatchObject({ ok: true, identity: 'Sandbox Store (alpha) (alpha.myshopify.com)' });
    await expect(store.shop.get()).resolves.toMatchObject({ name: 'Sandbox Store (alpha)', myshopifyDomain: 'alpha.myshopify.com', currencyCode: 'USD' });
    expect(store.shopDomain).toBe('alpha.myshopify.com');
  });

  it('a wrong token fails verifyCredentials with AuthError', async () => {
    const { store } = await setup({}, { accessToken: 'shpat_wrong' });
    await expect(store.verifyCredentials()).rejects.toBeInstanceOf(AuthError);
  });

  it('lists every product through pageInfo, and resumes from a checkpoint without skipping or repeating', async () => {
    const { store } = await setup();
    const all = await collect(store.products.list({ first: 25 }));
    expect(all).toHaveLength(60);
    expect(all[0]!.variants.nodes).toHaveLength(3);
    const listing = store.products.list({ first: 25 });
    const firstPage = (await listing.pages().next()).value!;
    const rest = await collect(store.products.list({ first: 25, checkpoint: firstPage.checkpoint! }));
    expect([...firstPage.items, ...rest].map((p) => p.id)).toEqual(all.map((p) => p.id));
  });

  it('filters with the search syntax and gets by id (null when unknown)', async () => {
    const { store } = await setup();
    const drafts = await collect(store.products.list({ query: 'status:draft' }));
    expect(drafts.length).toBeGreaterThan(0);
    expect(drafts.every((p) => p.status === 'DRAFT')).toBe(true);
    await expect(store.products.get(drafts[0]!.id)).resolves.toMatchObject({ id: drafts[0]!.id });
    await expect(store.products.get('gid://shopify/Product/999999')).resolves.toBeNull();
    const paid = await collect(store.orders.list({ query: 'financial_status:paid', sortKey: 'UPDATED_AT', reverse: true }));
    expect(paid.length).toBeGreaterThan(0);
    expect(paid.every((o) => o.displayFinancialStatus === 'PAID')).toBe(true);
    await expect(store.orders.get(paid[0]!.id)).resolves.toMatchObject({ name: paid[0]!.name });
  });

  it('creates and updates products and variants; userErrors become ShopifyUserError with field paths', async () => {
    const { store } = await setup();
    const product = await store.products.create({ title: 'Connector mug', vendor: 'Acme', tags: ['new'] });
    expect(product).toMatchObject({ title: 'Connector mug', vendor: 'Acme', status: 'ACTIVE' });
    await expect(store.products.update({ id: product.id, title: 'Connector mug v2' })).resolves.toMatchObject({ title: 'Connector mug v2' });
    const error = await store.products.create({ title: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyUserError);
    expect(error).toMatchObject({ retryable: false, fields: ['product.title'], operation: 'products.create' });
    const [variant] = await store.products.createVariants(product.id, [{ price: '12.50', inventoryItem: { sku: 'MUG-L' }, optionValues: [{ name: 'Large', optionName: 'Size' }] }]);
    expect(variant).toMatchObject({ price: '12.50', sku: 'MUG-L', title: 'Large' });
    await expect(store.products.updateVariants(product.id, [{ id: variant!.id, price: '14.00' }])).resolves.toMatchObject([{ price: '14.00' }]);
    await expect(store.products.updateVariants(product.id, [{ id: 'gid://shopify/ProductVariant/1', price: '1.00' }])).rejects.toMatchObject({ fields: ['variants.0.id'] });
  });

  it('customers: list, get, create, and a taken email as a user error on `email`', async () => {
    const { store } = await setup();
    const customers = await collect(store.customers.list({ query: 'tag:vip' }));
    expect(customers.length).toBe(10);
    const created = await store.customers.create({ firstName: 'Ada', email: 'ada@example.com' });
    await expect(store.customers.get(created.id)).resolves.toMatchObject({ displayName: 'Ada', defaultEmailAddress: { emailAddress: 'ada@example.com' } });
    await expect(store.customers.create({ email: 'ada@example.com' })).rejects.toMatchObject({ name: 'ShopifyUserError', fields: ['email'] });
  });

  it('inventory levels of a variant’s inventory item, per location', async () => {
    const { store } = await setup();
    const product = await store.products.get('gid://shopify/Product/1001');
    const levels = await collect(store.inventory.levels(product!.variants.nodes[0]!.inventoryItem!.id));
    expect(levels.map((l) => l.location.name)).toEqual(['Main warehouse', 'Shop floor']);
    expect(levels[0]!.quantities.map((q) => q.name)).toEqual(['available', 'on_hand', 'committed']);
  });

  it('checks page sizes and query cost before sending', async () => {
    const { store } = await setup();
    expect(() => store.products.list({ first: 251 })).toThrow(/1 to 250/);
    expect(() => store.products.list({ first: 100, variantsFirst: 10 })).toThrow(/over Shopify's 1000-point limit/);
  });

  it('paces by extensions.cost: a burst over the bucket meets no THROTTLED', async () => {
    // A small bucket refilling fast (400/s) is the hard case: on a loaded machine calls reach the sandbox
    // late and answers come back out of order, while the bucket stops refilling at its cap (see the rules
    // in core's graphql/cost-pacer.ts).
    const { store, provider } = await setup({ bucket: { maximum: 200, restoreRate: 400 } });
    const started = Date.now();
    await Promise.all(Array.from({ length: 12 }, () => store.http.graphql({ query: '{ products(first: 48) { nodes { id } } }', estimatedCost: 50 })));
    expect(provider.stats().throttled).toBe(0);
    // 600 points through a 200-point bucket restoring 400/s: at least 1 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('a THROTTLED answer is waited out and retried (another client drained the bucket)', async () => {
    // A slow refill (20 points/s: the ~42 points the third query lacks take 2 s) so a loaded machine
    // cannot refill the bucket between the other client's calls and this one (at 200/s it took 0.2 s,
    // and a fresh-clone CI run once got there with no THROTTLED at all).
    const { store, provider, events } = await setup({ bucket: { maximum: 100, restoreRate: 20 } });
    const other = shopify.create({ shop: 'alpha', accessToken: SHOPIFY_SANDBOX_ACCESS_TOKEN, baseUrl: shopifySandboxUrl(sandbox!, 'alpha') });
    await other.http.graphql({ query: '{ products(first: 48) { nodes { id } } }' });
    await other.http.graphql({ query: '{ products(first: 40) { nodes { id } } }' });
    await expect(store.http.graphql({ query: '{ products(first: 48) { nodes { id } } }' })).resolves.toMatchObject({ products: { nodes: expect.any(Array) } });
    expect(provider.stats().throttled).toBeGreaterThanOrEqual(1);
    expect(events.some((e) => e.type === 'rate-limited' || e.type === 'retry')).toBe(true);
  });

  it('bulk operation: run, wait, stream the JSONL, and resume from a checkpoint', async () => {
    const { store } = await setup({ bulkDurationMs: 200 });
    const started = await store.bulkOperations.runQuery('{ products { edges { node { id title variants { edges { node { id sku } } } } } } }');
    await expect(store.bulkOperations.runQuery('{ shop { name } }')).rejects.toMatchObject({ name: 'ShopifyUserError' });
    const done = await store.bulkOperations.waitForCompletion(started.id, { pollIntervalMs: 50 });
    expect(done).toMatchObject({ status: 'COMPLETED', objectCount: '240' });
    await expect(store.bulkOperations.current()).resolves.toMatchObject({ id: started.id });
    const lines = await collect(store.bulkOperations.results(done));
    expect(lines).toHaveLength(240);
    expect(lines.filter((l) => l.value.__parentId)).toHaveLength(180);
    const resumed = await collect(store.bulkOperations.results(done, { checkpoint: lines[99]!.checkpoint }));
    expect(resumed.map((l) => l.value)).toEqual(lines.slice(100).map((l) => l.value));
    expect(resumed[0]!.checkpoint.line).toBe(101);
  });

  it('reports a deprecated API version as a deprecation event', async () => {
    const { store, events } = await setup({}, { apiVersion: '2025-10' });
    await store.shop.get();
    expect(events.find((e) => e.type === 'deprecation')).toMatchObject({ operation: 'Shop', deprecationLink: 'https://shopify.dev/api/usage/versioning#deprecation-practices' });
  });

  it('OAuth: an expired offline token is refreshed with the rotating refresh token and the call retried', async () => {
    const provider = createShopifySandboxProvider({ accessTokenTtlSeconds: 1 });
    sandbox = await startSandbox({ providers: [provider] });
    const base = shopifySandboxUrl(sandbox, 'alpha');
    const { exchangeShopifyCode } = await import('./auth/shopify-oauth.ts');
    const authorize = await fetch(`${base}/admin/oauth/authorize?client_id=${SHOPIFY_SANDBOX_CLIENT_ID}&redirect_uri=https://app.example.com/cb&scope=read_products`, { redirect: 'manual' });
    const code = new URL(authorize.headers.get('location')!).searchParams.get('code')!;
    const tokens = await exchangeShopifyCode({ shop: 'alpha', clientId: SHOPIFY_SANDBOX_CLIENT_ID, clientSecret: SHOPIFY_SANDBOX_CLIENT_SECRET, code, origin: base });
    const events: ConnectorEvent[] = [];
    const store = shopify.create({
      shop: 'alpha',
      baseUrl: base,
      oauth: { clientId: SHOPIFY_SANDBOX_CLIENT_ID, clientSecret: SHOPIFY_SANDBOX_CLIENT_SECRET, initialTokens: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken!, expiresAt: tokens.expiresAt! }, refreshMarginMs: 0 },
      onEvent: (e) => void events.push(e),
    });
    await expect(store.shop.get()).resolves.toMatchObject({ name: 'Sandbox Store (alpha)' });
    await new Promise((r) => setTimeout(r, 1100));
    await expect(store.shop.get()).resolves.toMatchObject({ name: 'Sandbox Store (alpha)' });
    expect(provider.stats().refreshes).toBe(1);
    expect(events.some((e) => e.type === 'token-refreshed')).toBe(true);
  });

  it('shares a shop’s cost bucket between instances through Redis', async () => {
    const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const keyPrefix = `test:shopify-cost:${randomUUID()}`;
    try {
      // A slow refill (20 points/s: 50 points take 2.5 s) so the unshared instance below meets the empty
      // bucket even when a loaded machine takes a second to build it.
      const { provider } = await setup({ bucket: { maximum: 200, restoreRate: 20 } });
      const instance = (costPacer?: ReturnType<typeof redisCostPacer>) => {
        const events: ConnectorEvent[] = [];
        const client = shopify.create({ shop: 'alpha', accessToken: SHOPIFY_SANDBOX_ACCESS_TOKEN, baseUrl: shopifySandboxUrl(sandbox!, 'alpha'), onEvent: (e) => void events.push(e), ...(costPacer ? { costPacer } : {}) });
        return { client, events };
      };
      const query = { query: 'query Fifty { products(first: 48) { nodes { id } } }', estimatedCost: 50 };
      const a = instance(redisCostPacer({ redis, keyPrefix }));
      const b = instance(redisCostPacer({ redis, keyPrefix }));
      // A spends the whole bucket; B, another process in real life, learns it from Redis and waits instead of being throttled.
      for (let i = 0; i < 4; i++) await a.client.http.graphql(query);
      await b.client.http.graphql(query);
      expect(provider.stats().throttledByShop['alpha'] ?? 0).toBe(0);
      expect(b.events.filter((e) => e.type === 'throttled')).toEqual([expect.objectContaining({ operation: 'Fifty', reason: 'graphql-cost' })]);
      expect(await redis.exists(`${keyPrefix}:shopify:alpha.myshopify.com`)).toBe(1);

      // Without the shared pacer a fresh instance knows nothing of the bucket A just emptied.
      for (let i = 0; i < 4; i++) await a.client.http.graphql(query);
      const c = instance();
      await c.client.http.graphql(query);
      expect(provider.stats().throttledByShop['alpha']).toBeGreaterThanOrEqual(1);
    } finally {
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
    // ~15 s by design (the slow refill above paces B and C for real): 60 s is a hang bound, not a speed target.
  }, 60_000);
});
