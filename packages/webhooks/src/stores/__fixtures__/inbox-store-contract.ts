import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboxStore, NewInboxEvent } from '../inbox-store.ts';

export interface StoreHandle {
  store: InboxStore;
  cleanup: () => Promise<void>;
}

const T0 = 1_714_000_000_000;

export function event(id: string, overrides: Partial<NewInboxEvent> = {}): NewInboxEvent {
  return {
    source: 'github',
    id,
    type: 'push',
    timestamp: undefined,
    receivedAt: T0,
    headers: { 'x-github-delivery': id, 'content-type': 'application/json' },
    body: Buffer.from(`{"delivery":"${id}"}`),
    ...overrides,
  };
}

/** The behaviour every inbox store must have; run against SQLite and Redis. */
export function describeInboxStoreContract(name: string, create: () => Promise<StoreHandle>): void {
  describe(`${name} inbox store contract`, () => {
    let handle: StoreHandle;
    let store: InboxStore;
    beforeEach(async () => {
      handle = await create();
      store = handle.store;
    });
    afterEach(async () => {
      await handle.cleanup();
    });

    it('stores an event once: a redelivery, even in the same tick, is a duplicate', async () => {
      const outcomes = await Promise.all([store.put(event('d1')), store.put(event('d1')), store.put(event('d2'))]);
      expect(outcomes).toEqual(['stored', 'duplicate', 'stored']);
      expect(await store.put(event('d1'))).toBe('duplicate');
      // The same id from another source is another event.
      expect(await store.put(event('d1', { source: 'shopify' }))).toBe('stored');
      expect(await store.stats()).toEqual({ pending: 3, leased: 0, deadLetters: 0 });
    });

    it('keeps the body bytes and metadata exactly', async () => {
      const body = Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x22, 0xc3, 0x28, 0x0a]);
      await store.put(event('bin', { body, type: undefined, timestamp: T0 - 5000, headers: { 'x-a': 'é' } }));
      const stored = await store.get('github:bin');
      expect(stored).toMatchObject({ key: 'github:bin', source: 'github', id: 'bin', type: undefined, timestamp: T0 - 5000, receivedAt: T0, headers: { 'x-a': 'é' }, state: 'pending', attempts: 0 });
      expect(Buffer.compare(stored!.body, body)).toBe(0);
      expect(await store.get('github:missing')).toBeUndefined();
    });

    it('leases due events to one worker at a time and hands them out again after the lease expires', async () => {
      await store.put(event('a'));
      await store.put(event('b', { receivedAt: T0 + 1 }));
      const first = await store.lease({ limit: 10, leaseMs: 1000, now: T0 + 10 });
      expect(first.map((e) => [e.key, e.attempts])).toEqual([['github:a', 1], ['github:b', 1]]);
      expect(new Set(first.map((e) => e.leaseToken)).size).toBe(2);
      expect(first[0]!.leaseUntil).toBe(T0 + 1010);
      expect(Buffer.from(first[0]!.body).toString()).toBe('{"delivery":"a"}');
      expect(await store.lease({ limit: 10, leaseMs: 1000, now: T0 + 500 })).toEqual([]);
      expect(await store.stats()).toEqual({ pending: 0, leased: 2, deadLetters: 0 });

      // The worker holding `a` renews; `b`'s worker died.
      expect(await store.renewLease('github:a', first[0]!.leaseToken, T0 + 3000)).toBe(true);
      expect(await store.renewLease('github:a', 'not-the-token', T0 + 9000)).toBe(false);
      const again = await store.lease({ limit: 10, leaseMs: 1000, now: T0 + 1500 });
      expect(again.map((e) => [e.key, e.attempts])).toEqual([['github:b', 2]]);
      expect(again[0]!.leaseToken).not.toBe(first[1]!.leaseToken);

      // The dead worker's token no longer counts; the new holder's does.
      expect(await store.markProcessed('github:b', first[1]!.leaseToken, { now: T0 + 1600, retainMs: 60_000 })).toBe(false);
      expect(await store.markProcessed('github:b', again[0]!.leaseToken, { now: T0 + 1600, retainMs: 60_000 })).toBe(true);
      expect(await store.get('github:b')).toMatchObject({ state: 'processed', stateChangedAt: T0 + 1600 });
      expect(await store.put(event('b'))).toBe('duplicate');
      expect(await store.stats()).toEqual({ pending: 0, leased: 1, deadLetters: 0 });
    });

    it('respects the limit and the due time', async () => {
      for (const id of ['1', '2', '3']) await store.put(event(id, { receivedAt: T0 + Number(id) }));
      expect((await store.lease({ limit: 2, leaseMs: 1000, now: T0 + 10 })).map((e) => e.id)).toEqual(['1', '2']);
      expect(await store.lease({ limit: 2, leaseMs: 1000, now: T0 })).toEqual([]);
    });

    it('schedules a retry for later with the error of the attempt', async () => {
      await store.put(event('r'));
      const [leased] = await store.lease({ limit: 1, leaseMs: 1000, now: T0 });
      expect(await store.scheduleRetry('github:r', leased!.leaseToken, { retryAt: T0 + 5000, error: 'Error: downstream 502' })).toBe(true);
      expect(await store.scheduleRetry('github:r', leased!.leaseToken, { retryAt: T0 + 5000, error: 'again' })).toBe(false);
      expect(await store.stats()).toEqual({ pending: 1, leased: 0, deadLetters: 0 });
      expect(await store.lease({ limit: 1, leaseMs: 1000, now: T0 + 4999 })).toEqual([]);
      const [retry] = await store.lease({ limit: 1, leaseMs: 1000, now: T0 + 5000 });
      expect(retry).toMatchObject({ key: 'github:r', attempts: 2, lastError: 'Error: downstream 502' });
    });

    it('dead-letters, lists with filters, and replays', async () => {
      const inputs = [
        event('p1', { receivedAt: T0 }),
        event('p2', { receivedAt: T0, type: 'issues' }),
        event('s1', { receivedAt: T0, source: 'stripe', type: 'invoice.paid' }),
      ];
      for (const e of inputs) await store.put(e);
      const leased = await store.lease({ limit: 10, leaseMs: 1000, now: T0 });
      let at = T0 + 100;
      for (const e of leased) {
        expect(await store.deadLetter(e.key, e.leaseToken, { now: at, error: `TypeError: bad ${e.id}` })).toBe(true);
        at += 100;
      }
      expect(await store.stats()).toEqual({ pending: 0, leased: 0, deadLetters: 3 });
      const all = await store.listDeadLetters();
      expect(all.map((e) => e.key)).toEqual(['github:p1', 'github:p2', 'stripe:s1']);
      expect(all[0]).toMatchObject({ state: 'dead', attempts: 1, lastError: 'TypeError: bad p1', stateChangedAt: T0 + 100 });
      expect(Buffer.from(all[0]!.body).toString()).toBe('{"delivery":"p1"}');
      expect((await store.listDeadLetters({ source: 'github' })).map((e) => e.id)).toEqual(['p1', 'p2']);
      expect((await store.listDeadLetters({ type: 'issues' })).map((e) => e.id)).toEqual(['p2']);
      expect((await store.listDeadLetters({ since: T0 + 200, until: T0 + 300 })).map((e) => e.id)).toEqual(['p2']);
      expect((await store.listDeadLetters({ since: new Date(T0 + 200) })).map((e) => e.id)).toEqual(['p2', 's1']);
      expect((await store.listDeadLetters({ keys: ['stripe:s1', 'github:nope'] })).map((e) => e.id)).toEqual(['s1']);
      expect((await store.listDeadLetters({ limit: 1 })).map((e) => e.id)).toEqual(['p1']);

      expect(await store.replayDeadLetters({ source: 'github', type: 'push' }, { now: T0 + 1000 })).toBe(1);
      expect(await store.replayDeadLetters({ keys: ['github:p1'] }, { now: T0 + 1000 })).toBe(0);
      expect(await store.stats()).toEqual({ pending: 1, leased: 0, deadLetters: 2 });
      const [replayed] = await store.lease({ limit: 10, leaseMs: 1000, now: T0 + 1000 });
      expect(replayed).toMatchObject({ key: 'github:p1', attempts: 1, lastError: 'TypeError: bad p1' });

      expect(await store.replayDeadLetters({}, { now: T0 + 2000 })).toBe(2);
      expect(await store.stats()).toEqual({ pending: 2, leased: 1, deadLetters: 0 });
    });

    it('discards dead letters for good while still recognising their redeliveries', async () => {
      for (const id of ['d1', 'd2', 'd3']) await store.put(event(id, { receivedAt: T0, type: id === 'd3' ? 'issues' : 'push' }));
      const leased = await store.lease({ limit: 10, leaseMs: 1000, now: T0 });
      for (const e of leased) await store.deadLetter(e.key, e.leaseToken, { now: T0 + 100, error: `Error: poison ${e.id}` });
      expect(await store.discardDeadLetters({ type: 'push', keys: ['github:d1', 'github:d3'] }, { now: T0 + 500, retainMs: 60_000 })).toBe(1);
      expect(await store.discardDeadLetters({ keys: ['github:d1'] }, { now: T0 + 600, retainMs: 60_000 })).toBe(0);
      expect((await store.listDeadLetters()).map((e) => e.id)).toEqual(['d2', 'd3']);
      expect(await store.stats()).toEqual({ pending: 0, leased: 0, deadLetters: 2 });
      const discarded = await store.get('github:d1');
      expect(discarded).toMatchObject({ state: 'discarded', stateChangedAt: T0 + 500 });
      expect(discarded!.body.length).toBe(0);
      // The provider sends it again: still a duplicate, so nothing runs twice.
      expect(await store.put(event('d1', { receivedAt: T0 + 700 }))).toBe('duplicate');
      expect(await store.replayDeadLetters({ keys: ['github:d1'] }, { now: T0 + 800 })).toBe(0);
      expect(await store.discardDeadLetters({}, { now: T0 + 900, retainMs: 60_000 })).toBe(2);
      expect(await store.stats()).toEqual({ pending: 0, leased: 0, deadLetters: 0 });
    });

    it('forgets a processed id after the retention, so a much later delivery is new', async () => {
      const now = Date.now();
      await store.put(event('old', { receivedAt: now }));
      const [leased] = await store.lease({ limit: 1, leaseMs: 1000, now });
      await store.markProcessed('github:old', leased!.leaseToken, { now, retainMs: 30 });
      expect(await store.put(event('old', { receivedAt: now }))).toBe('duplicate');
      await new Promise((resolve) => setTimeout(resolve, 80));
      // SQLite purges expired ids while leasing; Redis expires them by TTL.
      await store.lease({ limit: 1, leaseMs: 1000, now: now + 120_000 });
      expect(await store.put(event('old', { receivedAt: now + 120_000 }))).toBe('stored');
    });
  });
}
