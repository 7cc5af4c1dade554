import type pg from 'pg';
import { migratePostgres } from '../postgres/migrate-postgres.ts';
import { assertIdentifier, type PostgresConnectionOptions, resolvePostgres } from '../postgres/postgres-connection.ts';
import type { CheckpointStore } from './checkpoint-store.ts';
import type { PaginationCheckpoint } from './pagination-strategy.ts';

export interface PostgresCheckpointStoreOptions extends PostgresConnectionOptions {
  /** Table name in the schema. Default `connector_checkpoints`. */
  table?: string;
}

/** A `CheckpointStore` in PostgreSQL. */
export interface PostgresCheckpointStore<T = PaginationCheckpoint> extends CheckpointStore<T> {
  /** Resolves once the table exists (every method waits for it anyway). */
  ready(): Promise<void>;
  /**
   * Saves the checkpoint inside your own transaction (a client on which you ran BEGIN), so the rows
   * a sync wrote for a page and the position after that page commit together: a crash resumes
   * exactly after the last committed page.
   */
  setIn(client: pg.ClientBase, key: string, value: T): Promise<void>;
  /** Ends the pool when the store opened it from a connection string. */
  close(): Promise<void>;
}

/**
 * Keeps listing and sync checkpoints in PostgreSQL (`jsonb`, one row per key), so a resumable
 * listing survives restarts and moves between instances of a fleet.
 */
export function postgresCheckpointStore<T = PaginationCheckpoint>(options: PostgresCheckpointStoreOptions): PostgresCheckpointStore<T> {
  const factory = 'postgresCheckpointStore';
  const table = options.table ?? 'connector_checkpoints';
  assertIdentifier(factory, 'table', table);
  const { pool, owned, schema, quotedSchema } = resolvePostgres(factory, options);
  const qualified = `${quotedSchema}."${table}"`;
  const ready = migratePostgres(pool, {
    schema,
    component: `checkpoint-store:${table}`,
    migrations: [{ version: 1, sql: `CREATE TABLE IF NOT EXISTS ${qualified} (key text PRIMARY KEY, value jsonb NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())` }],
  });
  ready.catch(() => {});
  const upsert = `INSERT INTO ${qualified} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()`;
  return {
    ready: () => ready,
    async get(key) {
      await ready;
      const { rows } = await pool.query<{ value: T }>(`SELECT value FROM ${qualified} WHERE key = $1`, [key]);
      return rows[0]?.value;
    },
    async set(key, value) {
      await ready;
      await pool.query(upsert, [key, JSON.stringify(value)]);
    },
    async setIn(client, key, value) {
      await ready;
      await client.query(upsert, [key, JSON.stringify(value)]);
    },
    async delete(key) {
      await ready;
      await pool.query(`DELETE FROM ${qualified} WHERE key = $1`, [key]);
    },
    async close() {
      await ready.catch(() => {});
      if (owned) await pool.end();
    },
  };
}
