import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectorEvent } from '@connectors/core';
import { type OrderWebhook, parseShopifyWebhook, shopify, shopifyScheme, type Shopify } from '@connectors/shopify';
import { createShopifySandboxProvider, SHOPIFY_SANDBOX_ACCESS_TOKEN, SHOPIFY_SANDBOX_CLIENT_SECRET, SHOPIFY_SANDBOX_SHOP, shopifySandboxUrl, shopifySandboxWebhookEvents } from '@connectors/shopify/sandbox';
import { startSandbox } from '@connectors/testing/sandbox';
import { createWebhookInbox, type InboxStore, UnprocessableEventError, type WebhookEvent } from '@connectors/webhooks';
import { type Check, plural } from '../report.ts';
import type { Backend } from '../store/backend.ts';
import { createEffectWorker, type EffectTarget } from '../store/effect-worker.ts';
import { postgresShopifyStore } from './postgres-shopify-store.ts';
import { sqliteShopifyStore } from './sqlite-shopify-store.ts';
import { orderWebhookRow, type ShopifyEffect, type ShopifyStore } from './shopify-store.ts';
import { syncOrders, syncProductsByBulk } from './shopify-sync.ts';

export interface ShopifyDemoOptions {
  /** Where the app keeps its data: the Shopify tables go into the app's database (or schema), its inbox next to the app's. */
  backend: Backend;
  print: (line: string) => void;
}

/** The Shopify store, its inbox and where the worker applies effects, on the app's backend. */
function openShopifyData(backend: Backend): { tables: ShopifyStore; inboxStore: InboxStore; target: EffectTarget<ShopifyEffect> } {
  if (backend.kind === 'sqlite') {
    const tables = sqliteShopifyStore(backend.databasePath);
    return { tables, inboxStore: backend.inboxStore('shopify.inbox.db'), target: { kind: 'sqlite', effects: tables } };
  }
  const tables = postgresShopifyStore({ pool: backend.pool, schema: backend.appSchema });
  const inboxStore = backend.inboxStore('shopify_webhook_inbox');
  return { tables, inboxStore, target: { kind: 'postgres', effects: tables, inbox: inboxStore } };
}

/** What the sandbox's shop is seeded with. */
export const SHOPIFY_DEMO_PRODUCTS = 60;
export const SHOPIFY_DEMO_ORDERS = 80;

/**
 * The Shopify part of `pnpm demo`: a shop in the local sandbox with Shopify's cost accounting (a
 * 1,000-point bucket restoring 100 per second, the Standard plan's rate), products and variants
 * exported with a bulk operation (interrupted, then resumed from the saved line), orders read page
 * by page under cost pacing, then `orders/*` webhooks (some forged, some duplicated) through the
 * durable inbox into the same tables. Returns its checks.
 */
export interface ShopifyDemoResult {
  checks: Check[];
  /** Genuine webhook events sent (each must be applied once). */
  genuineWebhooks: number;
}

export async function runShopifyDemo(options: ShopifyDemoOptions): Promise<ShopifyDemoResult> {
  const { print } = options;
  const provider = createShopifySandboxProvider({ bucket: { maximum: 1000, restoreRate: 100 }, bulkDurationMs: 400 });
  const sandbox = await startSandbox({ providers: [provider], seed: 15 });
  const { tables, inboxStore, target } = openShopifyData(options.backend);
  const events: ConnectorEvent[] = [];
  const create = (): Shopify =>
    shopify.create({ shop: SHOPIFY_SANDBOX_SHOP, accessToken: SHOPIFY_SANDBOX_ACCESS_TOKEN, baseUrl: shopifySandboxUrl(sandbox), onEvent: (e) => void events.push(e) });
  const checks: Check[] = [];
  let genuineWebhooks = 0;
  try {
    const store = create();
    const { identity } = await store.verifyCredentials();
    print(`   ✓ shopify ${identity ?? ''} (GraphQL Admin API ${store.apiVersion}, X-Shopify-Access-Token)`);

    print('   products via a bulk operation, interrupted after 100 lines, then resumed:');
    const first = await syncProductsByBulk(store, tables, (line) => print(`     ${line}`), { stopAfterLines: 100 });
    const second = await syncProductsByBulk(create(), tables, (line) => print(`     ${line}`));
    print(`     read ${first.lines} + ${second.lines} lines (the second run resumed at line ${first.lines + 1} with an HTTP Range request)`);

    print('   orders via the paged listing, cost-paced:');
    const orders = await syncOrders(store, tables, (line) => print(`     ${line}`));
    const stats = provider.stats();
    const paced = events.filter((e) => e.type === 'throttled').length;
    print(`     ${orders.rows} orders in ${orders.pages} pages; ${stats.points[SHOPIFY_SANDBOX_SHOP] ?? 0} points spent, ${stats.throttled} THROTTLED, ${paced} calls paced by the cost reader`);

    const synced = await tables.counts();
    checks.push(
      { ok: synced.products === SHOPIFY_DEMO_PRODUCTS, label: `shopify: ${SHOPIFY_DEMO_PRODUCTS} products from the bulk export`, detail: `${synced.products} rows` },
      { ok: synced.variants === SHOPIFY_DEMO_PRODUCTS * 3, label: `shopify: ${SHOPIFY_DEMO_PRODUCTS * 3} variants linked by __parentId`, detail: `${synced.variants} rows` },
      { ok: first.lines === 100 && second.resumed && first.lines + second.lines === SHOPIFY_DEMO_PRODUCTS * 4, label: 'shopify: the bulk read resumed after the last saved line, no line twice', detail: `${first.lines} + ${second.lines}` },
      { ok: synced.orders === SHOPIFY_DEMO_ORDERS, label: `shopify: ${SHOPIFY_DEMO_ORDERS} orders from the paged listing`, detail: `${synced.orders} rows` },
      { ok: stats.throttled === 0, label: 'shopify: no THROTTLED answer (cost pacing from extensions.cost)', detail: `${stats.throttled} THROTTLED` },
    );

    // Webhooks: the inbox verifies, deduplicates on X-Shopify-Webhook-Id and stores; the worker applies.
    const inbox = createWebhookInbox({ store: inboxStore, sources: { shopify: { scheme: shopifyScheme, secret: SHOPIFY_SANDBOX_CLIENT_SECRET } } });
    // On PostgreSQL the order row, its applied record and the inbox's processed mark commit together.
    const worker = createEffectWorker<ShopifyEffect>({
      inbox,
      target,
      decoders: { shopify: (event) => orderEffect(event, store.shopDomain) },
      backoff: { baseDelayMs: 100, maxDelayMs: 1000 },
    });
    worker.start();
    const handler = inbox.nodeHandler();
    const server = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/shopify`;
    const sample = shopifySandboxWebhookEvents();
    const deliveries = await sandbox.sendWebhooks({ provider: 'shopify', url, events: sample, duplicateRate: 0.5, badSignatureRate: 0.2 });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const s = await worker.stats();
      if ((s.pending === 0 && s.leased === 0 && s.running === 0) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await worker.stop({ timeoutMs: 5000 });
    await new Promise((resolve) => server.close(resolve));
    const forged = deliveries.filter((d) => d.badSignature);
    const genuine = new Set(deliveries.filter((d) => !d.badSignature).map((d) => d.id));
    genuineWebhooks = genuine.size;
    const duplicates = deliveries.filter((d) => d.duplicate && !d.badSignature).length;
    print(`   webhooks: ${deliveries.length} deliveries of ${sample.length} events, ${forged.length} forged and refused (${[...new Set(forged.map((d) => d.status))].join(', ')}), ${plural(duplicates, 'duplicate')} answered 200 and dropped`);
    const after = await tables.counts();
    const applied = after.webhooksApplied;
    const orderWebhook = after.ordersFromWebhooks;
    print(`     worker applied ${plural(applied, 'event')} (${plural(orderWebhook, 'order row')} from orders/create and orders/updated)`);
    const orderEvents = sample.filter((e) => e.type?.startsWith('orders/') && genuine.has(e.id!)).length;
    checks.push(
      { ok: forged.every((d) => d.status === 401), label: 'shopify: forged webhooks refused with 401', detail: forged.map((d) => d.status).join(',') },
      { ok: applied === genuine.size, label: 'shopify: each genuine webhook applied exactly once (deduplicated on X-Shopify-Webhook-Id)', detail: `${applied} applied, ${genuine.size} genuine` },
      { ok: orderWebhook === (orderEvents > 0 ? 1 : 0), label: 'shopify: order webhooks reached the orders table', detail: `${orderWebhook} rows from webhooks` },
    );
    return { checks, genuineWebhooks };
  } catch (error) {
    checks.push({ ok: false, label: `shopify: stopped with ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}` });
    return { checks, genuineWebhooks };
  } finally {
    await tables.close();
    await inboxStore.close();
    await sandbox.stop();
  }
}

/** An `orders/create` or `orders/updated` event becomes its order row; other topics are recorded as seen. */
async function orderEffect(event: WebhookEvent, defaultShop: string): Promise<ShopifyEffect> {
  let payload: unknown;
  try {
    payload = event.json();
  } catch (cause) {
    throw new UnprocessableEventError(`${event.key}: the body is not JSON`, { cause });
  }
  const parsed = await parseShopifyWebhook(event.type ?? '', payload);
  const shop = event.headers['x-shopify-shop-domain'] ?? event.headers['shopify-shop-domain'] ?? defaultShop;
  if (parsed.topic === 'orders/create' || parsed.topic === 'orders/updated') {
    const order = orderWebhookRow(shop, parsed.payload as OrderWebhook);
    return { topic: event.type, order, result: `order ${order.name}` };
  }
  return { topic: event.type };
}
