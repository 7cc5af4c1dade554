import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event } from './__fixtures__/inbox-store-contract.ts';
import { createTestDatabase, type TestDatabase } from './__fixtures__/postgres-helpers.ts';
import type { InboxInspector } from './inbox-inspector.ts';
import type { InboxStore } from './inbox-store.ts';
import { postgresInboxStore } from './postgres-inbox-store.ts';
import { inspectSqliteInbox } from './sqlite-inbox-inspector.ts';
import { sqliteInboxStore } from './sqlite-inbox-store.ts';

const T0 = 1_714_000_000_000;
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('inspect');
});
afterAll(async () => {
  await database.drop();
});

/** Two leases, one of them past its time (its worker died), one pending, one dead letter. */
async function scenario(store: InboxStore, inspector: InboxInspector): Promise<void> {
  for (const id of ['live', 'dead-worker', 'waiting', 'poison']) await store.put(event(id, { receivedAt: T0 }));
  const leased = await store.lease({ limit: 3, leaseMs: 1000, now: T0 });
  const poison = leased.find((e) => e.id === 'waiting' || e.id === 'poison')!;
  await store.deadLetter(poison.key, poison.leaseToken, { now: T0, error: 'Error: bad' });
  const live = leased.find((e) => e.id === 'live')!;
  await store.renewLease(live.key, live.leaseToken, T0 + 60_000);
  expect(await inspector.stats({ now: T0 + 500 })).toEqual({ pending: 1, leased: 2, expiredLeases: 0, deadLetters: 1 });
  expect(await inspector.stats({ now: T0 + 5000 })).toEqual({ pending: 1, leased: 1, expiredLeases: 1, deadLetters: 1 });
  expect(await inspector.get('github:dead-worker', { now: T0 + 5000 })).toMatchObject({ state: 'expired', attempts: 1 });
  expect(await inspector.get('github:live', { now: T0 + 5000 })).toMatchObject({ state: 'leased' });
  expect((await inspector.listDeadLetters()).map((e) => e.key)).toEqual([poison.key]);
}

describe('inbox inspectors (read-only)', () => {
  it('SQLite: reads beside a running store without writing to the file, and reports dead workers’ leases as expired', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webhooks-inspect-'));
    const path = join(dir, 'inbox.db');
    const store = sqliteInboxStore({ path });
    const inspector = inspectSqliteInbox({ path });
    await scenario(store, inspector);
    await store.close();
    const before = statSync(path);
    const again = inspectSqliteInbox({ path });
    expect(await again.stats({ now: T0 + 5000 })).toMatchObject({ expiredLeases: 1 });
    await again.close();
    await inspector.close();
    expect(statSync(path).mtimeMs).toBe(before.mtimeMs);
    expect(() => inspectSqliteInbox({ path: join(dir, 'missing.db') })).toThrow(/Cannot open the SQLite inbox .* for reading/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('PostgreSQL: the store’s inspector reports the same', async () => {
    const store = postgresInboxStore({ connectionString: database.url, schema: 'inspect' });
    await scenario(store, store.inspector());
    await store.close();
  });
});
