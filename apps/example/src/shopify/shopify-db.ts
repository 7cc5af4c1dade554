import Database from 'better-sqlite3';
import type { PaginationCheckpoint } from '@connectors/core';
import type { BulkResultsCheckpoint, Order, OrderWebhook } from '@connectors/shopify';

/**
 * The Shopify tables of the example app, in the app's SQLite database: products and variants (from
 * a bulk export), orders (from the paged listing, then kept current by `orders/*` webhooks), and
 * the sync checkpoints. Rows and checkpoint are committed in one transaction.
 */
export class ShopifyTables {
  readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS shopify_products (id TEXT PRIMARY KEY, shop TEXT NOT NULL, title TEXT NOT NULL, handle TEXT NOT NULL, status TEXT NOT NULL, vendor TEXT, updated_at TEXT);
      CREATE TABLE IF NOT EXISTS shopify_variants (id TEXT PRIMARY KEY, product_id TEXT NOT NULL, sku TEXT, price TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS shopify_orders (id TEXT PRIMARY KEY, shop TEXT NOT NULL, name TEXT NOT NULL, email TEXT, financial_status TEXT, fulfillment_status TEXT, total TEXT NOT NULL, currency TEXT NOT NULL, line_items INTEGER NOT NULL, updated_at TEXT NOT NULL, source TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS shopify_sync_state (listing TEXT PRIMARY KEY, checkpoint TEXT, done INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS shopify_webhooks_applied (idempotency_key TEXT PRIMARY KEY, topic TEXT, result TEXT, applied_at INTEGER NOT NULL);
    `);
  }

  checkpoint<T = PaginationCheckpoint | BulkResultsCheckpoint>(listing: string): { checkpoint: T | undefined; done: boolean } {
    const row = this.db.prepare('SELECT checkpoint, done FROM shopify_sync_state WHERE listing = ?').get(listing) as { checkpoint: string | null; done: number } | undefined;
    return { checkpoint: row?.checkpoint ? (JSON.parse(row.checkpoint) as T) : undefined, done: row?.done === 1 };
  }

  /** Writes rows and the checkpoint after them atomically: a crash resumes after the last commit. */
  commit(listing: string, write: () => void, checkpoint: unknown, done: boolean): void {
    this.db.transaction(() => {
      write();
      this.db.prepare('INSERT INTO shopify_sync_state (listing, checkpoint, done) VALUES (?, ?, ?) ON CONFLICT(listing) DO UPDATE SET checkpoint = excluded.checkpoint, done = excluded.done').run(listing, checkpoint === undefined ? null : JSON.stringify(checkpoint), done ? 1 : 0);
    })();
  }

  upsertProduct(shop: string, p: { id: string; title: string; handle: string; status: string; vendor?: string; updatedAt?: string }): void {
    this.db.prepare('INSERT INTO shopify_products VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET title = excluded.title, handle = excluded.handle, status = excluded.status, vendor = excluded.vendor, updated_at = excluded.updated_at')
      .run(p.id, shop, p.title, p.handle, p.status, p.vendor ?? null, p.updatedAt ?? null);
  }

  upsertVariant(v: { id: string; productId: string; sku?: string | null; price: string }): void {
    this.db.prepare('INSERT INTO shopify_variants VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET sku = excluded.sku, price = excluded.price').run(v.id, v.productId, v.sku ?? null, v.price);
  }

  upsertOrder(shop: string, order: Order): void {
    this.db.prepare(`INSERT INTO shopify_orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'sync') ON CONFLICT(id) DO UPDATE SET name = excluded.name, email = excluded.email, financial_status = excluded.financial_status,
        fulfillment_status = excluded.fulfillment_status, total = excluded.total, line_items = excluded.line_items, updated_at = excluded.updated_at WHERE excluded.updated_at >= shopify_orders.updated_at`)
      .run(order.id, shop, order.name, order.email ?? null, order.displayFinancialStatus ?? null, order.displayFulfillmentStatus, order.totalPriceSet.shopMoney.amount, order.totalPriceSet.shopMoney.currencyCode, order.lineItems.nodes.length, order.updatedAt);
  }

  /** An `orders/create` or `orders/updated` payload, newer-wins on `updated_at`. */
  applyOrderWebhook(shop: string, order: OrderWebhook): void {
    this.db.prepare(`INSERT INTO shopify_orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'webhook') ON CONFLICT(id) DO UPDATE SET name = excluded.name, email = excluded.email, financial_status = excluded.financial_status,
        fulfillment_status = excluded.fulfillment_status, total = excluded.total, line_items = excluded.line_items, updated_at = excluded.updated_at, source = 'webhook' WHERE excluded.updated_at >= shopify_orders.updated_at`)
      .run(order.admin_graphql_api_id, shop, order.name, order.email ?? null, order.financial_status?.toUpperCase() ?? null, order.fulfillment_status?.toUpperCase() ?? 'UNFULFILLED', order.total_price, order.currency, order.line_items.length, new Date(order.updated_at).toISOString());
  }

  /** Runs `apply` once per idempotency key (the inbox may hand an event over again after a crash). */
  applyWebhookOnce(key: string, topic: string | undefined, apply: () => string | undefined): boolean {
    return this.db.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM shopify_webhooks_applied WHERE idempotency_key = ?').get(key)) return false;
      const result = apply();
      this.db.prepare('INSERT INTO shopify_webhooks_applied VALUES (?, ?, ?, ?)').run(key, topic ?? null, result ?? null, Date.now());
      return true;
    })();
  }

  count(table: 'shopify_products' | 'shopify_variants' | 'shopify_orders' | 'shopify_webhooks_applied', where = '1 = 1'): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}
