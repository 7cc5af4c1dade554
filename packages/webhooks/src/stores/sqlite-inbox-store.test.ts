import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { InboxStoreError } from '../errors/inbox-store-error.ts';
import { describeInboxStoreContract, event } from './__fixtures__/inbox-store-contract.ts';
import { sqliteInboxStore } from './sqlite-inbox-store.ts';

function tempDb(): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'webhooks-sqlite-'));
  return { path: join(dir, 'inbox.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

describeInboxStoreContract('sqlite', async () => {
  const { path, remove } = tempDb();
  const store = sqliteInboxStore({ path });
  return { store, cleanup: async () => { await store.close(); remove(); } };
});

describe('sqliteInboxStore', () => {
  it('opens the file in WAL mode, with 8 KiB pages', async () => {
    const { path, remove } = tempDb();
    const store = sqliteInboxStore({ path });
    await store.put(event('x'));
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('page_size', { simple: true })).toBe(8192);
    db.close();
    await store.close();
    remove();
  });

  it('commits writes that arrive in the same tick in one transaction (one group of WAL frames, not one per write)', async () => {
    const { path, remove } = tempDb();
    const store = sqliteInboxStore({ path });
    await store.put(event('warm'));
    const pageSize = 8192;
    const walFrames = () => (statSync(`${path}-wal`).size - 32) / (pageSize + 24);
    const before = walFrames();
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => store.put(event(`batch-${i}`))));
    expect(new Set(outcomes)).toEqual(new Set(['stored']));
    // One commit of 50 small rows touches a handful of pages; 50 commits would append at least 100 frames.
    expect(walFrames() - before).toBeLessThan(15);
    // The measure is sensitive: ten writes awaited one by one are ten commits.
    const beforeSerial = walFrames();
    for (let i = 0; i < 10; i++) await store.put(event(`serial-${i}`));
    expect(walFrames() - beforeSerial).toBeGreaterThanOrEqual(10);
    await store.close();
    remove();
  });

  it('survives a reopen: what was acknowledged is there', async () => {
    const { path, remove } = tempDb();
    const first = sqliteInboxStore({ path });
    await first.put(event('durable'));
    await first.close();
    const second = sqliteInboxStore({ path });
    expect(await second.get('github:durable')).toMatchObject({ state: 'pending' });
    expect(await second.put(event('durable'))).toBe('duplicate');
    await second.close();
    remove();
  });

  it('rejects every write of a failed commit with an InboxStoreError (so the inbox answers 503)', async () => {
    const { path, remove } = tempDb();
    const store = sqliteInboxStore({ path, busyTimeoutMs: 20 });
    await store.put(event('warm'));
    const locker = new Database(path);
    locker.exec('BEGIN IMMEDIATE');
    const results = await Promise.allSettled([store.put(event('l1')), store.put(event('l2'))]);
    locker.exec('ROLLBACK');
    locker.close();
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(InboxStoreError);
      expect((r as PromiseRejectedResult).reason).toMatchObject({ retryable: true, store: 'sqlite' });
    }
    expect(await store.get('github:l1')).toBeUndefined();
    expect(await store.put(event('l1'))).toBe('stored');
    await store.close();
    remove();
  });

  it('rejects calls after close and bad options', async () => {
    const { path, remove } = tempDb();
    const store = sqliteInboxStore({ path });
    await store.close();
    await expect(store.put(event('late'))).rejects.toBeInstanceOf(InboxStoreError);
    expect(() => sqliteInboxStore({ path: '' })).toThrow(TypeError);
    expect(() => sqliteInboxStore({ path, maxBatch: 0 })).toThrow(/maxBatch/);
    expect(() => sqliteInboxStore({ path: ':memory:' })).toThrow(/not durable/);
    expect(() => sqliteInboxStore({ path: join(path, 'no', 'such', 'dir.db') })).toThrow(InboxStoreError);
    remove();
  });
});
