import type { Order, OrderWebhook } from '@connectors/shopify';
import type { EffectStore, PostgresEffectStore } from '../store/effect-worker.ts';

/** A product from the bulk export. */
export interface ProductRow {
  id: string;
  shop: string;
  title: string;
  handle: string;
  status: string;
  vendor: string | null;
  updated_at: string | null;
}

/** A variant, linked to its product by the bulk file's `__parentId`. */
export interface VariantRow {
  id: string;
  product_id: string;
  sku: string | null;
  price: string;
}

/** An order; `source` says whether the paged listing or an `orders/*` webhook wrote it last. */
export interface OrderRow {
  id: string;
  shop: string;
  name: string;
  email: string | null;
  financial_status: string | null;
  fulfillment_status: string | null;
  total: string;
  currency: string;
  line_items: number;
  updated_at: string;
  source: 'sync' | 'webhook';
}

export function productRow(shop: string, p: { id: string; title: string; handle: string; status: string; vendor?: string; updatedAt?: string }): ProductRow {
  return { id: p.id, shop, title: p.title, handle: p.handle, status: p.status, vendor: p.vendor ?? null, updated_at: p.updatedAt ?? null };
}

export function variantRow(v: { id: string; productId: string; sku?: string | null; price: string }): VariantRow {
  return { id: v.id, product_id: v.productId, sku: v.sku ?? null, price: v.price };
}

/** An order from the GraphQL listing. */
export function orderRow(shop: string, order: Order): OrderRow {
  return {
    id: order.id, shop, name: order.name, email: order.email ?? null, financial_status: order.displayFinancialStatus ?? null, fulfillment_status: order.displayFulfillmentStatus,
    total: order.totalPriceSet.shopMoney.amount, currency: order.totalPriceSet.shopMoney.currencyCode, line_items: order.lineItems.nodes.length, updated_at: order.updatedAt, source: 'sync',
  };
}

/** An `orders/create` or `orders/updated` payload (REST shape) as the same row as the listing writes. */
export function orderWebhookRow(shop: string, order: OrderWebhook): OrderRow {
  return {
    id: order.admin_graphql_api_id, shop, name: order.name, email: order.email ?? null, financial_status: order.financial_status?.toUpperCase() ?? null,
    fulfillment_status: order.fulfillment_status?.toUpperCase() ?? 'UNFULFILLED', total: order.total_price, currency: order.currency, line_items: order.line_items.length,
    updated_at: new Date(order.updated_at).toISOString(), source: 'webhook',
  };
}

/** Rows of one committed batch of the bulk file or one page of orders. */
export interface ShopifyChanges {
  products?: readonly ProductRow[];
  variants?: readonly VariantRow[];
  /** From the listing: newer wins on `updated_at`, and an order a webhook wrote keeps `source = 'webhook'`. */
  orders?: readonly OrderRow[];
}

/** What one webhook does: an order row (newer wins on `updated_at`), or nothing (other topics are recorded as seen). */
export interface ShopifyEffect {
  topic: string | undefined;
  order?: OrderRow;
  /** For people, e.g. `order #1001`. */
  result?: string;
}

export interface ShopifyCounts {
  products: number;
  variants: number;
  orders: number;
  /** Orders a webhook wrote last. */
  ordersFromWebhooks: number;
  webhooksApplied: number;
}

/**
 * The Shopify tables of the example app: products and variants (from a bulk export), orders (from
 * the paged listing, then kept current by `orders/*` webhooks), the sync checkpoints, and the
 * webhooks applied. SQLite (`sqliteShopifyStore`) or PostgreSQL (`postgresShopifyStore`).
 */
export interface ShopifyStore extends EffectStore<ShopifyEffect> {
  checkpoint<T>(listing: string): Promise<{ checkpoint: T | undefined; done: boolean }>;
  /** Writes rows and the checkpoint after them atomically: a crash resumes after the last commit. */
  commit(listing: string, changes: ShopifyChanges, checkpoint: unknown, done: boolean): Promise<void>;
  /** Applies an effect once per idempotency key (the inbox may hand an event over again after a crash). */
  applyWebhook(key: string, effect: ShopifyEffect): Promise<boolean>;
  counts(): Promise<ShopifyCounts>;
  close(): Promise<void>;
}

export interface PostgresShopifyStore extends ShopifyStore, PostgresEffectStore<ShopifyEffect> {}
