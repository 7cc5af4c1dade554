import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../postgres/__fixtures__/test-database.ts';
import { memoryCheckpointStore, type CheckpointStore } from './checkpoint-store.ts';
import type { PaginationCheckpoint } from './pagination-strategy.ts';
import { postgresCheckpointStore } from './postgres-checkpoint-store.ts';

let database: TestDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  database = await createTestDatabase('checkpoints');
  pool = new pg.Pool({ connectionString: database.url });
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

const checkpoint: PaginationCheckpoint = { strategy: 'cursor', path: '/v1/customers', next: { cursor: 'cus_9' } as unknown as PaginationCheckpoint['next'], done: false };

function checkpointStoreContract(name: string, open: () => CheckpointStore) {
  it(`${name}: saves, reads back (a copy) and deletes a checkpoint per key`, async () => {
    const store = open();
    expect(await store.get('sync:customers')).toBeUndefined();
    await store.set('sync:customers', checkpoint);
    const read = await store.get('sync:customers');
    expect(read).toEqual(checkpoint);
    read!.done = true;
    expect((await open().get('sync:customers'))!.done).toBe(false);
    await store.set('sync:customers', { ...checkpoint, done: true });
    expect((await store.get('sync:customers'))!.done).toBe(true);
    await store.delete('sync:customers');
    expect(await store.get('sync:customers')).toBeUndefined();
  });
}

describe('checkpoint stores', () => {
  const memory = memoryCheckpointStore();
  checkpointStoreContract('memory', () => memory);
  checkpointStoreContract('postgres', () => postgresCheckpointStore({ pool, schema: 'cp' }));

  it('postgres: setIn commits the position with the caller’s own writes, or not at all', async () => {
    const store = postgresCheckpointStore({ pool, schema: 'cp_tx' });
    await store.ready();
    await pool.query('CREATE TABLE cp_tx.customers (id text PRIMARY KEY)');
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query(`INSERT INTO cp_tx.customers VALUES ('cus_1')`);
    await store.setIn(client, 'sync', checkpoint);
    await client.query('ROLLBACK');
    expect(await store.get('sync')).toBeUndefined();
    await client.query('BEGIN');
    await client.query(`INSERT INTO cp_tx.customers VALUES ('cus_1')`);
    await store.setIn(client, 'sync', checkpoint);
    await client.query('COMMIT');
    client.release();
    expect(await store.get('sync')).toEqual(checkpoint);
    expect((await pool.query('SELECT count(*)::int AS n FROM cp_tx.customers')).rows[0].n).toBe(1);
  });
});
