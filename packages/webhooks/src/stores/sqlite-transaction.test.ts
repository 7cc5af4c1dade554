import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTransactionalWebhookWorker } from '../worker/create-transactional-webhook-worker.ts';
import { event } from './__fixtures__/inbox-store-contract.ts';
import { type SqliteInboxStore, sqliteInboxStore } from './sqlite-inbox-store.ts';

let dir: string;
let store: SqliteInboxStore;
const options = { now: Date.now, retainMs: 60_000 };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'webhooks-sqlite-tx-'));
  store = sqliteInboxStore({ path: join(dir, 'inbox.db') });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function effects(): Promise<string[]> {
  // Read through the store's own connection inside a transaction op, so the read sees committed state.
  let keys: string[] = [];
  await store.put(event(`probe-${Math.random()}`));
  const [probe] = await store.lease({ limit: 1, leaseMs: 1000, now: Date.now() + 10_000_000 });
  await store.transaction(probe!.key, probe!.leaseToken, options, (tx) => {
    keys = (tx.prepare('SELECT key FROM effects ORDER BY key').all() as { key: string }[]).map((r) => r.key);
  });
  return keys;
}

describe('sqliteInboxStore transactions', () => {
  it('commits the handler’s writes with the processed mark, rolls back a failing handler alone, refuses async work', async () => {
    await store.transaction('none:x', 'no-lease', options, () => undefined);
    for (const id of ['ok', 'boom', 'async']) await store.put(event(id, { receivedAt: 1 }));
    const leased = await store.lease({ limit: 3, leaseMs: 10_000, now: Date.now() });
    const byId = Object.fromEntries(leased.map((e) => [e.id, e]));
    const write = (tx: Database.Database, key: string) => {
      tx.exec('CREATE TABLE IF NOT EXISTS effects (key TEXT NOT NULL)');
      tx.prepare('INSERT INTO effects (key) VALUES (?)').run(key);
    };
    const [ok, boom, later] = await Promise.all([
      store.transaction(byId.ok!.key, byId.ok!.leaseToken, options, (tx) => (write(tx, 'github:ok'), 'done')),
      store.transaction(byId.boom!.key, byId.boom!.leaseToken, options, (tx) => {
        write(tx, 'github:boom');
        throw new Error('downstream says no');
      }),
      store.transaction(byId.async!.key, byId.async!.leaseToken, options, async (tx) => write(tx, 'github:async')),
    ]);
    expect(ok).toEqual({ kind: 'committed', value: 'done' });
    expect(boom).toMatchObject({ kind: 'failed', error: new Error('downstream says no') });
    expect(later).toMatchObject({ kind: 'failed', error: expect.objectContaining({ name: 'TypeError', message: expect.stringMatching(/synchronously/) }) });
    expect((await store.get('github:ok'))!.state).toBe('processed');
    expect((await store.get('github:boom'))!.state).toBe('leased');
    expect(await store.transaction('github:ok', byId.ok!.leaseToken, options, () => 'again')).toEqual({ kind: 'lease-lost' });
    expect(await effects()).toEqual(['github:ok']);
  });

  it('a transactional worker applies each effect once and retries a failure with nothing applied', async () => {
    for (const id of ['a', 'b', 'c']) await store.put(event(id, { receivedAt: Date.now() }));
    let failOnce = true;
    const worker = createTransactionalWebhookWorker<Database.Database>({
      store,
      backoff: () => 0,
      handlers: {
        github: (e, { tx }) => {
          tx.exec('CREATE TABLE IF NOT EXISTS effects (key TEXT NOT NULL)');
          tx.prepare('INSERT INTO effects (key) VALUES (?)').run(e.key);
          if (e.id === 'b' && failOnce) {
            failOnce = false;
            throw new Error('transient');
          }
        },
      },
    });
    expect(await worker.drain()).toEqual({ processed: 3, retried: 1, deadLettered: 0 });
    expect(await effects()).toEqual(['github:a', 'github:b', 'github:c']);
  });
});
