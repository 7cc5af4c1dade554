import type { TokenEncryptionOptions } from '@connectors/core';
import { type PostgresTokenStore, postgresTokenStore } from '@connectors/core/postgres';
import { type PostgresInboxStore, postgresInboxStore } from '@connectors/webhooks/postgres';
import pg from 'pg';

/** Where the app keeps what the connectors persist when DATABASE_URL names a PostgreSQL database. */
export interface AppPostgres {
  readonly pool: pg.Pool;
  /** Schema of the connectors' tables (tokens, webhook inbox). */
  readonly schema: string;
  tokenStore(encryption: TokenEncryptionOptions | undefined): PostgresTokenStore;
  inboxStore(): PostgresInboxStore;
  close(): Promise<void>;
}

/**
 * One pool for the app's connector state on PostgreSQL: the OAuth token store (encrypted) and the
 * webhook inbox, each creating its tables on first use. The synced rows stay in the app's SQLite
 * database (`databasePath`).
 */
export function openPostgres(url: string, schema = 'connectors'): AppPostgres {
  // allowExitOnIdle: a finished `pnpm demo` exits without waiting for idle connections to time out.
  const pool = new pg.Pool({ connectionString: url, max: 10, allowExitOnIdle: true });
  pool.on('error', () => {});
  const stores: { close(): Promise<void> }[] = [];
  const track = <T extends { close(): Promise<void> }>(store: T): T => (stores.push(store), store);
  return {
    pool,
    schema,
    tokenStore: (encryption) => track(postgresTokenStore({ pool, schema, ...(encryption ? { encryption } : {}) })),
    inboxStore: () => track(postgresInboxStore({ pool, schema })),
    async close() {
      for (const store of stores.splice(0)) await store.close();
      await pool.end();
    },
  };
}
