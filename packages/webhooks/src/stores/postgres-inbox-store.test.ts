import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InboxStoreError } from '../errors/inbox-store-error.ts';
import { describeInboxStoreContract, event } from './__fixtures__/inbox-store-contract.ts';
import { createTestDatabase, type TestDatabase } from './__fixtures__/postgres-helpers.ts';
import { migratePostgres } from '@connectors/core/postgres';
import { migrations } from './postgres-inbox-schema.ts';
import { postgresInboxStore } from './postgres-inbox-store.ts';

let database: TestDatabase;
let pool: pg.Pool;
let seq = 0;
beforeAll(async () => {
  database = await createTestDatabase('inbox');
  pool = new pg.Pool({ connectionString: database.url, max: 12 });
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

/** INSERTs the spied pool ran (puts go as named statements, so their text is in a config object). */
function insertCount(query: { mock: { calls: unknown[][] } }): number {
  return query.mock.calls.filter(([sql]) => (typeof sql === 'string' ? sql : (sql as { text: string }).text).includes('INSERT INTO')).length;
}

/** Whether the test server can compress with lz4 (PostgreSQL 14+ built with it), as migration 3 asks. */
async function serverHasLz4(): Promise<boolean> {
  return (await pool.query<{ lz4: boolean }>(`SELECT current_setting('server_version_num')::int >= 140000 AND 'lz4' = ANY (enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`)).rows[0]!.lz4;
}

describeInboxStoreContract('postgres', async () => {
  const store = postgresInboxStore({ pool, schema: `contract_${seq++}` });
  return { store, cleanup: () => store.close() };
});

describe('postgresInboxStore', () => {
  it('commits a burst of puts in few INSERTs (group commit), each answered stored or duplicate', async () => {
    const own = new pg.Pool({ connectionString: database.url, max: 6 });
    const store = postgresInboxStore({ pool: own, schema: 'burst', maxConcurrentBatches: 2 });
    await store.ready();
    const query = vi.spyOn(own, 'query');
    const outcomes = await Promise.all(Array.from({ length: 400 }, (_, i) => store.put(event(`e${i % 300}`))));
    expect(outcomes.filter((o) => o === 'stored')).toHaveLength(300);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(100);
    // The first of two identical puts in one batch is the stored one.
    expect(outcomes.slice(0, 300).every((o) => o === 'stored')).toBe(true);
    const inserts = insertCount(query);
    expect(inserts).toBeGreaterThanOrEqual(1);
    expect(inserts).toBeLessThanOrEqual(4);
    expect((await pool.query('SELECT count(*)::int AS n FROM burst.webhook_inbox')).rows[0].n).toBe(300);
    await store.close();
    await own.end();
  });

  it('closes a group commit at maxBatchBytes, so large deliveries never make one INSERT PostgreSQL would refuse', async () => {
    const own = new pg.Pool({ connectionString: database.url, max: 4 });
    const store = postgresInboxStore({ pool: own, schema: 'big', maxConcurrentBatches: 1, maxBatchBytes: 10_000 });
    await store.ready();
    const query = vi.spyOn(own, 'query');
    const big = (id: string) => ({ ...event(id), body: Buffer.alloc(4_000, 0x61) });
    // 4 KB bodies, 10 KB per INSERT: two per batch; one body alone over the limit still goes, on its own.
    const outcomes = await Promise.all([...Array.from({ length: 10 }, (_, i) => store.put(big(`b${i}`))), store.put({ ...event('huge'), body: Buffer.alloc(20_000, 0x62) })]);
    expect(outcomes.every((o) => o === 'stored')).toBe(true);
    const inserts = insertCount(query);
    expect(inserts).toBe(6);
    expect((await store.get('github:huge'))?.body.byteLength).toBe(20_000);
    expect((await pool.query('SELECT count(*)::int AS n FROM big.webhook_inbox')).rows[0].n).toBe(11);
    expect(() => postgresInboxStore({ pool: own, schema: 'big', maxBatchBytes: 0 })).toThrow(/maxBatchBytes must be a whole number >= 1; got 0/);
    await store.close();
    await own.end();
  });

  it('compresses bodies with lz4 where the server has it, and reads them back intact', async () => {
    const store = postgresInboxStore({ pool, schema: 'compressed' });
    await store.ready();
    const lz4 = await serverHasLz4();
    const setting = await pool.query<{ c: string }>(`SELECT attcompression::text AS c FROM pg_attribute WHERE attrelid = 'compressed.webhook_inbox'::regclass AND attname = 'body'`);
    // '' is the server's default (pglz): a server without lz4 keeps it rather than failing the migration.
    expect(setting.rows[0]!.c).toBe(lz4 ? 'l' : '');
    const body = Buffer.from(JSON.stringify({ type: 'invoice.paid', data: { lines: Array.from({ length: 120 }, (_, i) => ({ id: `li_${i}`, amount: 100 * i })) } }));
    expect(body.byteLength).toBeGreaterThan(2048);
    expect(await store.put({ ...event('lz4'), body })).toBe('stored');
    expect((await store.get('github:lz4'))?.body.equals(body)).toBe(true);
    const stored = await pool.query<{ method: string | null }>(`SELECT pg_column_compression(body) AS method FROM compressed.webhook_inbox`);
    expect(stored.rows[0]!.method).toBe(lz4 ? 'lz4' : 'pglz');
    await store.close();
  });

  it('upgrades an inbox made by an earlier version in place: its events stay, later bodies get the new compression', async () => {
    // The table as the releases before migration 3 left it, with an event in it.
    await migratePostgres(pool, { schema: 'upgraded', component: 'inbox:webhook_inbox', migrations: migrations('webhook_inbox', 'connectors_inbox_upgraded_webhook_inbox').slice(0, 2) });
    const body = Buffer.from(JSON.stringify({ pad: 'x'.repeat(3000) }));
    await pool.query(`INSERT INTO upgraded.webhook_inbox (source, event_id, received_at, headers, body, state, due_at) VALUES ('github', 'old', 1, '{}', $1, 'pending', 1)`, [body]);
    const store = postgresInboxStore({ pool, schema: 'upgraded' });
    await store.ready();
    const versions = await pool.query<{ version: number }>(`SELECT version FROM upgraded.connectors_migrations WHERE component = 'inbox:webhook_inbox' ORDER BY version`);
    expect(versions.rows.map((r) => r.version)).toEqual([1, 2, 3]);
    expect((await store.get('github:old'))?.body.equals(body)).toBe(true);
    expect(await store.put({ ...event('new'), body })).toBe('stored');
    const { rows } = await pool.query<{ event_id: string; method: string }>(`SELECT event_id, pg_column_compression(body) AS method FROM upgraded.webhook_inbox ORDER BY seq`);
    const lz4 = await serverHasLz4();
    expect(rows).toEqual([{ event_id: 'old', method: 'pglz' }, { event_id: 'new', method: lz4 ? 'lz4' : 'pglz' }]);
    await store.close();
  });

  it('wakes watchers in another store instance (another process) through LISTEN/NOTIFY', async () => {
    const writer = postgresInboxStore({ pool, schema: 'notify' });
    const reader = postgresInboxStore({ connectionString: database.url, schema: 'notify' });
    await Promise.all([writer.ready(), reader.ready()]);
    let woken = 0;
    const stop = reader.watch!(() => woken++);
    // LISTEN is set up in the background; give it a moment before the first put.
    for (let i = 0; i < 50 && woken === 0; i++) {
      await writer.put(event(`n${i}`));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(woken).toBeGreaterThan(0);
    stop();
    await Promise.all([writer.close(), reader.close()]);
  });

  it('runs a handler and the processed mark in one transaction: both commit, or neither', async () => {
    const store = postgresInboxStore({ pool, schema: 'tx' });
    await store.ready();
    await pool.query('CREATE TABLE tx.effects (key text NOT NULL)');
    await store.put(event('ok'));
    await store.put(event('boom'));
    const [ok, boom] = await store.lease({ limit: 2, leaseMs: 10_000, now: Date.now() });
    const options = { now: Date.now, retainMs: 60_000 };
    const failed = await store.transaction(boom!.key, boom!.leaseToken, options, async (client) => {
      await client.query('INSERT INTO tx.effects VALUES ($1)', [boom!.key]);
      throw new Error('downstream says no');
    });
    expect(failed).toMatchObject({ kind: 'failed', error: new Error('downstream says no') });
    expect((await store.get(boom!.key))!.state).toBe('leased');
    const committed = await store.transaction(ok!.key, ok!.leaseToken, options, async (client) => {
      await client.query('INSERT INTO tx.effects VALUES ($1)', [ok!.key]);
      return 'done';
    });
    expect(committed).toEqual({ kind: 'committed', value: 'done' });
    expect((await store.get(ok!.key))!.state).toBe('processed');
    expect(await store.transaction(ok!.key, ok!.leaseToken, options, () => 'again')).toEqual({ kind: 'lease-lost' });
    expect((await pool.query('SELECT key FROM tx.effects')).rows).toEqual([{ key: ok!.key }]);
    await store.close();
  });

  it('reports a broken connection as a retryable InboxStoreError, and bad options clearly', async () => {
    const store = postgresInboxStore({ connectionString: 'postgres://postgres@127.0.0.1:1/none', schema: 'nowhere' });
    const error = await store.put(event('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InboxStoreError);
    expect(error).toMatchObject({ retryable: true, store: 'postgres' });
    await store.close();
    expect(() => postgresInboxStore({ pool, table: 'no good' })).toThrow(/plain SQL identifier/);
    expect(() => postgresInboxStore({ pool, maxBatch: 0 })).toThrow(/maxBatch must be a whole number/);
  });
});
