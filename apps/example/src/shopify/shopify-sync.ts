import type { BulkResultsCheckpoint, Shopify } from '@connectors/shopify';
import { orderRow, type ProductRow, productRow, type ShopifyStore, type VariantRow, variantRow } from './shopify-store.ts';

/**
 * Everything the products table needs in one bulk query: Shopify runs it in the background and
 * writes a JSONL file (variants as their own lines with `__parentId`), so the export costs no
 * paging and almost no query cost.
 */
export const PRODUCTS_BULK_QUERY = `{
  products { edges { node { id title handle status vendor updatedAt variants { edges { node { id sku price } } } } } }
}`;

/** Lines committed per transaction while reading the bulk result. */
const BATCH = 50;

export interface SyncProgress {
  (line: string): void;
}

/**
 * Products and variants via a bulk operation. Resumable at two levels: a run whose file was being
 * read continues from the saved line (HTTP Range), and a finished run is not repeated.
 */
export async function syncProductsByBulk(store: Shopify, tables: ShopifyStore, progress: SyncProgress, options: { stopAfterLines?: number } = {}): Promise<{ lines: number; resumed: boolean }> {
  const listing = `shopify:${store.shopDomain}:products:bulk`;
  const state = await tables.checkpoint<BulkResultsCheckpoint>(listing);
  if (state.done) return { lines: 0, resumed: false };
  let url = state.checkpoint?.url;
  if (!url) {
    const started = await store.bulkOperations.runQuery(PRODUCTS_BULK_QUERY);
    progress(`bulk operation ${started.id} ${started.status}`);
    const done = await store.bulkOperations.waitForCompletion(started.id, { pollIntervalMs: 100, onProgress: (op) => progress(`  ${op.status} ${op.objectCount} objects`) });
    progress(`bulk operation ${done.status}: ${done.objectCount} objects, ${done.fileSize ?? 0} bytes of JSONL`);
    url = done.url ?? undefined;
    if (!url) {
      await tables.commit(listing, {}, undefined, true);
      return { lines: 0, resumed: false };
    }
  }
  let lines = 0;
  let products: ProductRow[] = [];
  let variants: VariantRow[] = [];
  let last: BulkResultsCheckpoint | undefined = state.checkpoint;
  const flush = async (done: boolean) => {
    const changes = { products, variants };
    products = [];
    variants = [];
    await tables.commit(listing, changes, last, done);
  };
  for await (const line of store.bulkOperations.results(url, state.checkpoint ? { checkpoint: state.checkpoint } : {})) {
    const value = line.value as Record<string, string>;
    if (value['__parentId'] !== undefined) variants.push(variantRow({ id: value['id']!, productId: value['__parentId'], sku: value['sku'] ?? null, price: value['price']! }));
    else products.push(productRow(store.shopDomain, { id: value['id']!, title: value['title']!, handle: value['handle']!, status: value['status']!, vendor: value['vendor']!, updatedAt: value['updatedAt']! }));
    last = line.checkpoint;
    lines++;
    if (products.length + variants.length >= BATCH) await flush(false);
    if (options.stopAfterLines !== undefined && lines >= options.stopAfterLines) {
      await flush(false);
      return { lines, resumed: state.checkpoint !== undefined };
    }
  }
  await flush(true);
  return { lines, resumed: state.checkpoint !== undefined };
}

/** Orders through the paged listing (cost-paced), one transaction per page with its checkpoint. */
export async function syncOrders(store: Shopify, tables: ShopifyStore, progress: SyncProgress): Promise<{ pages: number; rows: number }> {
  const listing = `shopify:${store.shopDomain}:orders`;
  const state = await tables.checkpoint(listing);
  if (state.done) return { pages: 0, rows: 0 };
  const orders = store.orders.list({ first: 20, lineItemsFirst: 3, ...(state.checkpoint ? { checkpoint: state.checkpoint as never } : {}) });
  let pages = 0;
  let rows = 0;
  for await (const page of orders.pages()) {
    await tables.commit(listing, { orders: page.items.map((order) => orderRow(store.shopDomain, order)) }, page.checkpoint, page.last);
    pages++;
    rows += page.items.length;
    progress(`orders page ${pages}: ${page.items.length} rows`);
  }
  return { pages, rows };
}
