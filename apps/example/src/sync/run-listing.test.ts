import type { Page, Paginated, PaginationCheckpoint } from '@connectors/core';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db.ts';
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

describe('runListing', () => {
  it('commits rows and checkpoint together, resumes after the last committed page, and filters the next run from the last one', async () => {
    const db = openDatabase(':memory:');
    const stored: string[] = [];
    const opened: { filter: Record<string, string>; from: PaginationCheckpoint | undefined }[] = [];
    let failOnPage = 3;
    let now = 1_000;
    const spec: ListingSpec<string> = {
      listing: 'test:things',
      label: 'things',
      filter: (highWater): Record<string, string> => (highWater === null ? {} : { since: String(highWater) }),
      open: fakeListing(4, opened),
      write: (items) => {
        // Writes go to the real database too, so a failure proves the page's rows roll back with its checkpoint.
        db.upsertCustomers(items.map((id) => ({ id, email: null, name: null, created: 0, metadata: '{}', deleted: 0, event_at: null })));
        if (items[0] === `item-${failOnPage}a`) throw new Error('crash while storing page 3');
        stored.push(...items);
      },
    };

    await expect(runListing(db, spec, { now: () => now })).rejects.toThrow('crash while storing page 3');
    expect(db.listingState('test:things')).toMatchObject({ pagesCommitted: 2, checkpoint: { next: 3 }, runStartedAt: 1_000, runFilter: {} });
    expect(db.customers().map((c) => c.id)).toEqual(['item-1a', 'item-1b', 'item-2a', 'item-2b']);

    failOnPage = 0;
    now = 2_000;
    const progress: number[] = [];
    const resumed = await runListing(db, spec, { now: () => now, onPage: (p) => progress.push(p.page) });
    expect(resumed).toMatchObject({ pages: 2, rows: 4, resumedAtPage: 3 });
    expect(progress).toEqual([3, 4]);
    expect(opened[1]).toEqual({ filter: {}, from: { strategy: 'page', path: '/things', next: 3, done: false } });
    expect(stored).toEqual(['item-1a', 'item-1b', 'item-2a', 'item-2b', 'item-3a', 'item-3b', 'item-4a', 'item-4b']);
    // The run is closed; the next one reads changes since this run started (not since it finished).
    expect(db.listingState('test:things')).toMatchObject({ runStartedAt: null, checkpoint: null, highWater: 1_000, completedAt: 2_000 });

    now = 3_000;
    const next = await runListing(db, spec, { now: () => now });
    expect(next.resumedAtPage).toBeUndefined();
    expect(opened[2]).toEqual({ filter: { since: '1000' }, from: undefined });
    expect(db.listingState('test:things')).toMatchObject({ highWater: 3_000 });
    db.close();
  });
});
