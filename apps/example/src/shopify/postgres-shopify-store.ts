import { assertIdentifier, migratePostgres } from '@connectors/core/postgres';
import type pg from 'pg';
import { inTransaction, insertRows, type Queryable, selectRows } from '../store/postgres-sql.ts';
import type { OrderRow, PostgresShopifyStore, ShopifyChanges, ShopifyEffect } from './shopify-store.ts';

const MIGRATIONS = [
  {
    version: 1,
    // Timestamps as ISO text, like SQLite; "C" collation so `updated_at >=` compares them as SQLite does.
    sql: `
      CREATE TABLE {schema}.shopify_products (id text PRIMARY KEY, shop text NOT NULL, title text NOT NULL, handle text NOT NULL, status text NOT NULL, vendor text, updated_at text COLLATE "C");
      CREATE TABLE {schema}.shopify_variants (id text PRIMARY KEY, product_id text NOT NULL, sku text, price text NOT NULL);
      CREATE TABLE {schema}.shopify_orders (id text PRIMARY KEY, shop text NOT NULL, name text NOT NULL, email text, financial_status text, fulfillment_status text, total text NOT NULL, currency text NOT NULL, line_items integer NOT NULL, updated_at text COLLATE "C" NOT NULL, source text NOT NULL);
      CREATE TABLE {schema}.shopify_sync_state (listing text PRIMARY KEY, checkpoint text, done integer NOT NULL DEFAULT 0);
      CREATE TABLE {schema}.shopify_webhooks_applied (idempotency_key text PRIMARY KEY, topic text, result text, applied_at bigint NOT NULL);
    `,
  },
];

const ORDER_COLUMNS = ['id', 'shop', 'name', 'email', 'financial_status', 'fulfillment_status', 'total', 'currency', 'line_items', 'updated_at', 'source'] as const;
// Newer wins on updated_at, whether the listing or a webhook wrote the row; only a webhook sets source = 'webhook'.
const ORDER_CONFLICT = `ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, financial_status = excluded.financial_status, fulfillment_status = excluded.fulfillment_status,
  total = excluded.total, line_items = excluded.line_items, updated_at = excluded.updated_at,
  source = CASE WHEN excluded.source = 'webhook' THEN 'webhook' ELSE t.source END
  WHERE excluded.updated_at >= t.updated_at`;

/** The Shopify tables in PostgreSQL, in the app's schema (created on first use), every value a parameter. */
export function postgresShopifyStore(options: { pool: pg.Pool; schema: string }): PostgresShopifyStore {
  assertIdentifier('postgresShopifyStore', 'schema', options.schema);
  const { pool } = options;
  const s = `"${options.schema}"`;
  const ready = migratePostgres(pool, { schema: options.schema, component: 'example-shopify', migrations: MIGRATIONS });
  ready.catch(() => {}); // every method awaits it and reports the failure there

  const upsertOrders = (db: Queryable, rows: readonly OrderRow[]) => insertRows(db, `${s}.shopify_orders AS t`, ORDER_COLUMNS, rows, ORDER_CONFLICT, (row) => row.id);

  async function applyWebhookIn(db: Queryable, key: string, effect: ShopifyEffect): Promise<boolean> {
    await ready;
    const claimed = await db.query(`INSERT INTO ${s}.shopify_webhooks_applied (idempotency_key, topic, result, applied_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [key, effect.topic ?? null, effect.result ?? null, Date.now()]);
    if (claimed.rowCount === 0) return false;
    if (effect.order) await upsertOrders(db, [effect.order]);
    return true;
  }

  async function count(where: string): Promise<number> {
    await ready;
    const [row] = await selectRows<{ n: number }>(pool, `SELECT count(*)::integer AS n FROM ${where}`);
    return row?.n ?? 0;
  }

  return {
    async checkpoint<T>(listing: string) {
      await ready;
      const [row] = await selectRows<{ checkpoint: string | null; done: number }>(pool, `SELECT checkpoint, done FROM ${s}.shopify_sync_state WHERE listing = $1`, [listing]);
      return { checkpoint: row?.checkpoint ? (JSON.parse(row.checkpoint) as T) : undefined, done: row?.done === 1 };
    },
    async commit(listing: string, changes: ShopifyChanges, checkpoint: unknown, done: boolean) {
      await ready;
      await inTransaction(pool, async (client) => {
        if (changes.products?.length) {
          await insertRows(client, `${s}.shopify_products`, ['id', 'shop', 'title', 'handle', 'status', 'vendor', 'updated_at'], changes.products,
            'ON CONFLICT (id) DO UPDATE SET title = excluded.title, handle = excluded.handle, status = excluded.status, vendor = excluded.vendor, updated_at = excluded.updated_at', (row) => row.id);
        }
        if (changes.variants?.length) {
          await insertRows(client, `${s}.shopify_variants`, ['id', 'product_id', 'sku', 'price'], changes.variants, 'ON CONFLICT (id) DO UPDATE SET sku = excluded.sku, price = excluded.price', (row) => row.id);
        }
        if (changes.orders?.length) await upsertOrders(client, changes.orders);
        await client.query(
          `INSERT INTO ${s}.shopify_sync_state (listing, checkpoint, done) VALUES ($1, $2, $3) ON CONFLICT (listing) DO UPDATE SET checkpoint = excluded.checkpoint, done = excluded.done`,
          [listing, checkpoint === undefined ? null : JSON.stringify(checkpoint), done ? 1 : 0],
        );
      });
    },
    async applyWebhook(key, effect) {
      await ready;
      return inTransaction(pool, (client) => applyWebhookIn(client, key, effect));
    },
    applyWebhookIn,
    async counts() {
      return {
        products: await count(`${s}.shopify_products`),
        variants: await count(`${s}.shopify_variants`),
        orders: await count(`${s}.shopify_orders`),
        ordersFromWebhooks: await count(`${s}.shopify_orders WHERE source = 'webhook'`),
        webhooksApplied: await count(`${s}.shopify_webhooks_applied`),
      };
    },
    async close() {
      await ready.catch(() => {});
    },
  };
}
