import Database from 'better-sqlite3';
import type { OrderRow, ProductRow, ShopifyChanges, ShopifyCounts, ShopifyEffect, ShopifyStore, VariantRow } from './shopify-store.ts';

/** The Shopify tables in a SQLite file (the app's database), each write one synchronous transaction. */
export function sqliteShopifyStore(path: string): ShopifyStore {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS shopify_products (id TEXT PRIMARY KEY, shop TEXT NOT NULL, title TEXT NOT NULL, handle TEXT NOT NULL, status TEXT NOT NULL, vendor TEXT, updated_at TEXT);
    CREATE TABLE IF NOT EXISTS shopify_variants (id TEXT PRIMARY KEY, product_id TEXT NOT NULL, sku TEXT, price TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS shopify_orders (id TEXT PRIMARY KEY, shop TEXT NOT NULL, name TEXT NOT NULL, email TEXT, financial_status TEXT, fulfillment_status TEXT, total TEXT NOT NULL, currency TEXT NOT NULL, line_items INTEGER NOT NULL, updated_at TEXT NOT NULL, source TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS shopify_sync_state (listing TEXT PRIMARY KEY, checkpoint TEXT, done INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE IF NOT EXISTS shopify_webhooks_applied (idempotency_key TEXT PRIMARY KEY, topic TEXT, result TEXT, applied_at INTEGER NOT NULL);
  `);
  const getState = db.prepare<[string], { checkpoint: string | null; done: number }>('SELECT checkpoint, done FROM shopify_sync_state WHERE listing = ?');
  const setState = db.prepare('INSERT INTO shopify_sync_state (listing, checkpoint, done) VALUES (?, ?, ?) ON CONFLICT(listing) DO UPDATE SET checkpoint = excluded.checkpoint, done = excluded.done');
  const upsertProduct = db.prepare<ProductRow>(`INSERT INTO shopify_products (id, shop, title, handle, status, vendor, updated_at) VALUES (@id, @shop, @title, @handle, @status, @vendor, @updated_at)
    ON CONFLICT(id) DO UPDATE SET title = excluded.title, handle = excluded.handle, status = excluded.status, vendor = excluded.vendor, updated_at = excluded.updated_at`);
  const upsertVariant = db.prepare<VariantRow>('INSERT INTO shopify_variants (id, product_id, sku, price) VALUES (@id, @product_id, @sku, @price) ON CONFLICT(id) DO UPDATE SET sku = excluded.sku, price = excluded.price');
  // Newer wins on updated_at, whether the listing or a webhook wrote the row; only a webhook sets source = 'webhook'.
  const upsertOrder = db.prepare<OrderRow>(`INSERT INTO shopify_orders (id, shop, name, email, financial_status, fulfillment_status, total, currency, line_items, updated_at, source)
    VALUES (@id, @shop, @name, @email, @financial_status, @fulfillment_status, @total, @currency, @line_items, @updated_at, @source)
    ON CONFLICT(id) DO UPDATE SET name = excluded.name, email = excluded.email, financial_status = excluded.financial_status, fulfillment_status = excluded.fulfillment_status,
      total = excluded.total, line_items = excluded.line_items, updated_at = excluded.updated_at,
      source = CASE WHEN excluded.source = 'webhook' THEN 'webhook' ELSE shopify_orders.source END
    WHERE excluded.updated_at >= shopify_orders.updated_at`);
  const claim = db.prepare('INSERT INTO shopify_webhooks_applied (idempotency_key, topic, result, applied_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;

  const commit = db.transaction((listing: string, changes: ShopifyChanges, checkpoint: unknown, done: boolean) => {
    for (const row of changes.products ?? []) upsertProduct.run(row);
    for (const row of changes.variants ?? []) upsertVariant.run(row);
    for (const row of changes.orders ?? []) upsertOrder.run(row);
    setState.run(listing, checkpoint === undefined ? null : JSON.stringify(checkpoint), done ? 1 : 0);
  });
  const applyWebhook = db.transaction((key: string, effect: ShopifyEffect): boolean => {
    if (claim.run(key, effect.topic ?? null, effect.result ?? null, Date.now()).changes === 0) return false;
    if (effect.order) upsertOrder.run(effect.order);
    return true;
  });

  return {
    async checkpoint<T>(listing: string) {
      const row = getState.get(listing);
      return { checkpoint: row?.checkpoint ? (JSON.parse(row.checkpoint) as T) : undefined, done: row?.done === 1 };
    },
    async commit(listing, changes, checkpoint, done) {
      commit(listing, changes, checkpoint, done);
    },
    async applyWebhook(key, effect) {
      return applyWebhook(key, effect);
    },
    async counts(): Promise<ShopifyCounts> {
      return {
        products: count('SELECT count(*) AS n FROM shopify_products'),
        variants: count('SELECT count(*) AS n FROM shopify_variants'),
        orders: count('SELECT count(*) AS n FROM shopify_orders'),
        ordersFromWebhooks: count("SELECT count(*) AS n FROM shopify_orders WHERE source = 'webhook'"),
        webhooksApplied: count('SELECT count(*) AS n FROM shopify_webhooks_applied'),
      };
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
