import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InboxStoreError } from '../errors/inbox-store-error.ts';
import { describeInboxStoreContract, event } from './__fixtures__/inbox-store-contract.ts';
import { sqliteInboxStore } from './sqlite-inbox-store.ts';

/**
 * fdatasync, observable: each call is recorded, and while `hold` is set its completion waits until
 * the test releases it (or fails it), so the test can see what is and is not acknowledged meanwhile.
 */
const fsync = vi.hoisted(() => ({
  calls: 0,
  hold: false,
  pending: [] as ((error?: Error) => void)[],
  release(error?: Error) {
    for (const done of this.pending.splice(0)) done(error);
  },
}));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const fdatasync = (fd: number, callback: (error: NodeJS.ErrnoException | null) => void): void => {
    fsync.calls++;
    if (!fsync.hold) return fs.fdatasync(fd, callback);
    fsync.pending.push((error) => (error ? callback(error) : fs.fdatasync(fd, callback)));
  };
  return { ...fs, default: { ...fs, fdatasync }, fdatasync };
});

afterEach(() => {
  fsync.hold = false;
  fsync.release();
});

const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void promise.then(() => (done = true), () => (done = true));
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  return done;
};

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

  it('resolves a write only after the WAL is fsynced, and batches committed meanwhile share the next fsync', async () => {
    const { path, remove } = tempDb();
    const store = sqliteInboxStore({ path });
    await store.put(event('warm'));
    fsync.hold = true;
    fsync.calls = 0;
    const first = store.put(event('f1'));
    expect(await settled(first)).toBe(false);
    expect(fsync.calls).toBe(1);
    // Committed (readable) but not acknowledged until the disk says so.
    expect(await store.get('github:f1')).toMatchObject({ state: 'pending' });
    // Three more turns of the event loop, three more commits, while the first fsync is in flight...
    const later = [store.put(event('f2'))];
    await new Promise((resolve) => setImmediate(resolve));
    later.push(store.put(event('f3')));
    await new Promise((resolve) => setImmediate(resolve));
    later.push(store.put(event('f4')));
    expect(await settled(Promise.all(later))).toBe(false);
    expect(fsync.calls).toBe(1);
    fsync.hold = false;
    fsync.release();
    expect(await first).toBe('stored');
    // ...and one fsync covers all three.
    expect(await Promise.all(later)).toEqual(['stored', 'stored', 'stored']);
    expect(fsync.calls).toBe(2);
    await store.close();
    remove();
  });

  it('after a failed fsync acknowledges nothing more (503s until a restart), instead of trusting the page cache', async () => {
    const { path, remove } = tempDb();
    const store = sqliteInboxStore({ path });
    fsync.hold = true;
    const lost = store.put(event('io-1'));
    await settled(lost);
    fsync.release(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await expect(lost).rejects.toMatchObject({ name: 'InboxStoreError', retryable: true, message: expect.stringContaining('restart the process') });
    fsync.hold = false;
    await expect(store.put(event('io-2'))).rejects.toBeInstanceOf(InboxStoreError);
    await store.close();
    remove();
  });

  it('does not fsync with durable: false', async () => {
    const { path, remove } = tempDb();
    const store = sqliteInboxStore({ path, durable: false });
    fsync.calls = 0;
    expect(await store.put(event('fast'))).toBe('stored');
    expect(fsync.calls).toBe(0);
    await store.close();
    remove();
  });

  it('checkpoints the WAL into the database file in the background', async () => {
    const { path, remove } = tempDb();
    const store = sqliteInboxStore({ path });
    const before = statSync(path).size;
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.put(event(`c-${i}`, { body: Buffer.alloc(2048, 1) }))));
    // The commits went to the WAL only (no automatic checkpoint on the committing connection); the
    // database file grows when the checkpointer thread copies them over.
    for (let i = 0; i < 100 && statSync(path).size < before + 200 * 2048; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(statSync(path).size).toBeGreaterThan(before + 200 * 2048);
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
