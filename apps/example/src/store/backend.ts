import { dirname, join } from 'node:path';
import type { TokenEncryptionOptions } from '@connectors/core';
import { type PostgresTokenStore, postgresTokenStore } from '@connectors/core/postgres';
import { type SqliteTokenStore, sqliteTokenStore } from '@connectors/core/sqlite';
import { type PostgresInboxStore, postgresInboxStore } from '@connectors/webhooks/postgres';
import { type SqliteInboxStore, sqliteInboxStore } from '@connectors/webhooks/sqlite';
import type Database from 'better-sqlite3';
import pg from 'pg';

/**
 * Where the app keeps everything, chosen once from the configuration: SQLite files (the default:
 * the app's database at `databasePath`, each webhook inbox and any other token store in a file next
 * to it), or one PostgreSQL database (DATABASE_URL: the connectors' tables in one schema, the app's
 * in another). Every part of the app opens its stores from it, so nothing lands in the other one.
 */
export type Backend = SqliteBackend | PostgresBackend;

export interface SqliteBackend {
  readonly kind: 'sqlite';
  /** The app's database file. */
  readonly databasePath: string;
  /** An OAuth token store in `database` (sharing its connection), or in its own file next to the app's database. */
  tokenStore(encryption: TokenEncryptionOptions | undefined, where: { database: Database.Database } | { file: string }): SqliteTokenStore;
  /** A webhook inbox in its own file next to the app's database. */
  inboxStore(file: string): SqliteInboxStore;
  /** Closes the stores it opened. */
  close(): Promise<void>;
}

export interface PostgresBackend {
  readonly kind: 'postgres';
  /** One pool for everything: the app's tables and the connectors' stores. */
  readonly pool: pg.Pool;
  /** The connectors' tables: OAuth tokens (encrypted), webhook inboxes. */
  readonly connectorsSchema: string;
  /** The app's tables: synced rows, checkpoints, webhook effects. */
  readonly appSchema: string;
  /** The OAuth token store (one table for every connector: rows are keyed by credential). */
  tokenStore(encryption: TokenEncryptionOptions | undefined): PostgresTokenStore;
  /** A webhook inbox: its own table in the connectors' schema. */
  inboxStore(table: string): PostgresInboxStore;
  /** Closes the stores it opened, then the pool. */
  close(): Promise<void>;
}

export interface BackendOptions {
  /** The app's SQLite database; unused with `databaseUrl`. */
  databasePath: string;
  /** postgres://...: everything in this PostgreSQL database instead. */
  databaseUrl?: string;
  connectorsSchema?: string;
  appSchema?: string;
}

export const DEFAULT_CONNECTORS_SCHEMA = 'connectors';
export const DEFAULT_APP_SCHEMA = 'app';

export function openBackend(options: BackendOptions): Backend {
  return options.databaseUrl ? postgresBackend(options.databaseUrl, options) : sqliteBackend(options.databasePath);
}

/** Tracks what a backend opened, to close it. */
function tracker() {
  const stores: { close(): unknown }[] = [];
  return {
    track: <T extends { close(): unknown }>(store: T): T => (stores.push(store), store),
    async closeAll() {
      for (const store of stores.splice(0)) await store.close();
    },
  };
}

export function sqliteBackend(databasePath: string): SqliteBackend {
  const opened = tracker();
  const pathFor = (name: string) => join(dirname(databasePath), name);
  return {
    kind: 'sqlite',
    databasePath,
    tokenStore: (encryption, where) =>
      opened.track(sqliteTokenStore({ ...('database' in where ? { database: where.database } : { path: pathFor(where.file) }), ...(encryption ? { encryption } : {}) })),
    inboxStore: (file) => opened.track(sqliteInboxStore({ path: pathFor(file) })),
    close: () => opened.closeAll(),
  };
}

export function postgresBackend(url: string, options: { connectorsSchema?: string; appSchema?: string } = {}): PostgresBackend {
  // allowExitOnIdle: a finished `pnpm demo` exits without waiting for idle connections to time out.
  const pool = new pg.Pool({ connectionString: url, max: 10, allowExitOnIdle: true });
  // An idle client whose server went away emits 'error' on the pool; without a listener that would crash the process.
  pool.on('error', () => {});
  const connectorsSchema = options.connectorsSchema ?? DEFAULT_CONNECTORS_SCHEMA;
  const opened = tracker();
  return {
    kind: 'postgres',
    pool,
    connectorsSchema,
    appSchema: options.appSchema ?? DEFAULT_APP_SCHEMA,
    tokenStore: (encryption) => opened.track(postgresTokenStore({ pool, schema: connectorsSchema, ...(encryption ? { encryption } : {}) })),
    inboxStore: (table) => opened.track(postgresInboxStore({ pool, schema: connectorsSchema, table })),
    async close() {
      await opened.closeAll();
      await pool.end();
    },
  };
}
