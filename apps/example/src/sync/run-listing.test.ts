import type { Page, Paginated, PaginationCheckpoint } from '@connectors/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoDatabase, type DemoDatabase } from '../demo/demo-postgres.ts';
import type { CustomerRow } from '../store/app-rows.ts';
import type { AppStore } from '../store/app-store.ts';
import { postgresAppStore } from '../store/postgres-app-store.ts';
import { sqliteAppStore } from '../store/sqlite-app-store.ts';
import { type ListingSpec, runListing } from './run-listing.ts';

/** A listing of `pages` pages of two items, read from a checkpoint like core's paginate does. */
function fakeListing(pages: number, opened: { filter: Record<string, string>; from: PaginationCheckpoint | undefined }[]) {
  return (filter: Record<string, string>, checkpoint: PaginationCheckpoint | undefined): Paginated<string> => {
    opened.push({ filter, from: checkpoint });
    const start = typeof checkpoint?.next === 'number' ? checkpoint.next : 1;
    return {
      checkpoint: undefined,
      async *[Symbol.asyncIterator]() {},
      async *pages() {
        for (let n = start; n <= pages; n++) {
          const last = n === pages;
          yield {
            items: [`item-${n}a`, `item-${n}b`], data: undefined, number: n - start + 1, status: 200, headers: new Headers(), url: new URL(`https://api.test/things?page=${n}`),
            checkpoint: { strategy: 'page', path: '/things', ...(last ? {} : { next: n + 1 }), done: last }, last,
          } satisfies Page<string>;
        }
      },
    };
  };
}

const SERVER = process.env.CONNECTORS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
let database: DemoDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  database = await createDemoDatabase(SERVER);
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

const customer = (id: string): CustomerRow => ({ id, email: null, name: null, created: 0, metadata: '{}', deleted: 0, event_at: null });

describe.each([
  ['sqlite', (): AppStore => sqliteAppStore(':memory:')],
  ['postgres', (): AppStore => postgresAppStore({ pool, schema: 'listing' })],
])('runListing on %s', (_name, open) => {
  it('commits rows and checkpoint together, resumes after the last committed page, and filters the next run from the last one', async () => {
    const store = open();
    const opened: { filter: Record<string, string>; from: PaginationCheckpoint | undefined }[] = [];
    let failOnPage = 3;
    let now = 1_000;
    const spec: ListingSpec<string> = {
      listing: 'test:things',
      label: 'things',
      filter: (highWater): Record<string, string> => (highWater === null ? {} : { since: String(highWater) }),
      open: fakeListing(4, opened),
      // Page 3's second row cannot be stored (created is NOT NULL): the page's first row must roll back with it, and its checkpoint too.
      rows: (items) => ({ customers: items.map((id) => (id === `item-${failOnPage}b` ? { ...customer(id), created: null as unknown as number } : customer(id))) }),
    };

    await expect(runListing(store, spec, { now: () => now })).rejects.toThrow();
    expect(await store.listingState('test:things')).toMatchObject({ pagesCommitted: 2, checkpoint: { next: 3 }, runStartedAt: 1_000, runFilter: {} });
    expect((await store.customers()).map((c) => c.id)).toEqual(['item-1a', 'item-1b', 'item-2a', 'item-2b']);

    failOnPage = 0;
    now = 2_000;
    const progress: number[] = [];
    const resumed = await runListing(store, spec, { now: () => now, onPage: (p) => progress.push(p.page) });
    expect(resumed).toMatchObject({ pages: 2, rows: 4, resumedAtPage: 3 });
    expect(progress).toEqual([3, 4]);
    expect(opened[1]).toEqual({ filter: {}, from: { strategy: 'page', path: '/things', next: 3, done: false } });
    expect((await store.customers()).map((c) => c.id)).toEqual(['item-1a', 'item-1b', 'item-2a', 'item-2b', 'item-3a', 'item-3b', 'item-4a', 'item-4b']);
    // The run is closed; the next one reads changes since this run started (not since it finished).
    expect(await store.listingState('test:things')).toMatchObject({ runStartedAt: null, checkpoint: null, highWater: 1_000, completedAt: 2_000 });

    now = 3_000;
    const next = await runListing(store, spec, { now: () => now });
    expect(next.resumedAtPage).toBeUndefined();
    expect(opened[2]).toEqual({ filter: { since: '1000' }, from: undefined });
    expect(await store.listingState('test:things')).toMatchObject({ highWater: 3_000 });
    await store.close();
  });
});
