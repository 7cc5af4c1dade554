import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, dirname } from 'node:path';
import type { ConnectorEvent } from '@connectors/core';
import { parseShopifyWebhook, shopify, shopifyScheme, type Shopify } from '@connectors/shopify';
import { createShopifySandboxProvider, SHOPIFY_SANDBOX_ACCESS_TOKEN, SHOPIFY_SANDBOX_CLIENT_SECRET, SHOPIFY_SANDBOX_SHOP, shopifySandboxUrl, shopifySandboxWebhookEvents } from '@connectors/shopify/sandbox';
import { startSandbox } from '@connectors/testing/sandbox';
import { createWebhookInbox, createWebhookWorker, UnprocessableEventError } from '@connectors/webhooks';
import { sqliteInboxStore } from '@connectors/webhooks/sqlite';
import type { Check } from '../report.ts';
import { ShopifyTables } from './shopify-db.ts';
import { syncOrders, syncProductsByBulk } from './shopify-sync.ts';

export interface ShopifyDemoOptions {
  databasePath: string;
  print: (line: string) => void;
}

/**
 * The Shopify part of `pnpm demo`: a shop in the local sandbox with Shopify's cost accounting (a
 * 1,000-point bucket restoring 100 per second, the Standard plan's rate), products and variants
 * exported with a bulk operation (interrupted, then resumed from the saved line), orders read page
 * by page under cost pacing, then `orders/*` webhooks (some forged, some duplicated) through the
 * durable inbox into the same tables. Returns its checks.
 */
export async function runShopifyDemo(options: ShopifyDemoOptions): Promise<Check[]> {
  const { print } = options;
  const provider = createShopifySandboxProvider({ bucket: { maximum: 1000, restoreRate: 100 }, bulkDurationMs: 400 });
  const sandbox = await startSandbox({ providers: [provider], seed: 15 });
  const tables = new ShopifyTables(options.databasePath);
  const events: ConnectorEvent[] = [];
  const create = (): Shopify =>
    shopify.create({ shop: SHOPIFY_SANDBOX_SHOP, accessToken: SHOPIFY_SANDBOX_ACCESS_TOKEN, baseUrl: shopifySandboxUrl(sandbox), onEvent: (e) => void events.push(e) });
  const checks: Check[] = [];
  const inboxPath = join(dirname(options.databasePath), 'shopify.inbox.db');
  const inboxStore = sqliteInboxStore({ path: inboxPath });
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

    const seededProducts = 60;
    checks.push(
      { ok: tables.count('shopify_products') === seededProducts, label: `shopify: ${seededProducts} products from the bulk export`, detail: `${tables.count('shopify_products')} rows` },
      { ok: tables.count('shopify_variants') === seededProducts * 3, label: `shopify: ${seededProducts * 3} variants linked by __parentId`, detail: `${tables.count('shopify_variants')} rows` },
      { ok: first.lines === 100 && second.resumed && first.lines + second.lines === seededProducts * 4, label: 'shopify: the bulk read resumed after the last saved line, no line twice', detail: `${first.lines} + ${second.lines}` },
      { ok: tables.count('shopify_orders') === 80, label: 'shopify: 80 orders from the paged listing', detail: `${tables.count('shopify_orders')} rows` },
      { ok: stats.throttled === 0, label: 'shopify: no THROTTLED answer (cost pacing from extensions.cost)', detail: `${stats.throttled} THROTTLED` },
    );

    // Webhooks: the inbox verifies, deduplicates on X-Shopify-Webhook-Id and stores; the worker applies.
    const inbox = createWebhookInbox({ store: inboxStore, sources: { shopify: { scheme: shopifyScheme, secret: SHOPIFY_SANDBOX_CLIENT_SECRET } } });
    const worker = createWebhookWorker({
      inbox,
      handlers: {
        shopify: async (event, context) => {
          let payload: unknown;
          try {
            payload = event.json();
          } catch (cause) {
            throw new UnprocessableEventError(`${event.key}: the body is not JSON`, { cause });
          }
          const parsed = await parseShopifyWebhook(event.type ?? '', payload);
          const shop = event.headers['x-shopify-shop-domain'] ?? event.headers['shopify-shop-domain'] ?? store.shopDomain;
          tables.applyWebhookOnce(context.idempotencyKey, event.type, () => {
            if (parsed.topic === 'orders/create' || parsed.topic === 'orders/updated') {
              tables.applyOrderWebhook(shop, parsed.payload as Parameters<ShopifyTables['applyOrderWebhook']>[1]);
              return `order ${(parsed.payload as { name: string }).name}`;
            }
            return undefined; // other topics are recorded as seen
          });
        },
      },
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
    const duplicates = deliveries.filter((d) => d.duplicate && !d.badSignature).length;
    print(`   webhooks: ${deliveries.length} deliveries of ${sample.length} events, ${forged.length} forged and refused (${[...new Set(forged.map((d) => d.status))].join(', ')}), ${duplicates} duplicates answered 200 and dropped`);
    const applied = tables.count('shopify_webhooks_applied');
    const orderWebhook = tables.count('shopify_orders', "source = 'webhook'");
    print(`     worker applied ${applied} events (${orderWebhook} order rows from orders/create and orders/updated)`);
    const orderEvents = sample.filter((e) => e.type?.startsWith('orders/') && genuine.has(e.id!)).length;
    checks.push(
      { ok: forged.every((d) => d.status === 401), label: 'shopify: forged webhooks refused with 401', detail: forged.map((d) => d.status).join(',') },
      { ok: applied === genuine.size, label: 'shopify: each genuine webhook applied exactly once (deduplicated on X-Shopify-Webhook-Id)', detail: `${applied} applied, ${genuine.size} genuine` },
      { ok: orderWebhook === (orderEvents > 0 ? 1 : 0), label: 'shopify: order webhooks reached the orders table', detail: `${orderWebhook} rows from webhooks` },
    );
    return checks;
  } catch (error) {
    checks.push({ ok: false, label: `shopify: stopped with ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}` });
    return checks;
  } finally {
    tables.close();
    await inboxStore.close();
    await sandbox.stop();
  }
}
