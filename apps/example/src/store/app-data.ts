import type { TokenEncryptionOptions, TokenStore } from '@connectors/core';
import type { PostgresAppStore } from './app-store.ts';
import { type BackendOptions, openBackend, type PostgresBackend, type SqliteBackend } from './backend.ts';
import { postgresAppStore } from './postgres-app-store.ts';
import { type SqliteAppStore, sqliteAppStore } from './sqlite-app-store.ts';

/** The app's store on its backend, paired so that code which needs both sees them match. */
export type AppData = (
  | { readonly kind: 'sqlite'; readonly backend: SqliteBackend; readonly store: SqliteAppStore }
  | { readonly kind: 'postgres'; readonly backend: PostgresBackend; readonly store: PostgresAppStore }
) & {
  /** The OAuth token store the app's connectors share (rows keyed by credential), opened on first use. */
  tokenStore(): TokenStore;
  /** Closes the store, then what the backend opened. */
  close(): Promise<void>;
};

/**
 * Opens the app's data: everything in its SQLite file (and the files next to it), or, with
 * `databaseUrl`, everything in that PostgreSQL database and no file at all.
 */
export function openAppData(options: BackendOptions & { tokenEncryption?: TokenEncryptionOptions }): AppData {
  const backend = openBackend(options);
  let tokens: TokenStore | undefined;
  if (backend.kind === 'sqlite') {
    const store = sqliteAppStore(backend.databasePath);
    return {
      kind: 'sqlite',
      backend,
      store,
      // In the app's own database, on its connection: one file holds the tokens with the rows.
      tokenStore: () => (tokens ??= backend.tokenStore(options.tokenEncryption, { database: store.sqlite })),
      async close() {
        await backend.close();
        await store.close();
      },
    };
  }
  const store = postgresAppStore({ pool: backend.pool, schema: backend.appSchema });
  return {
    kind: 'postgres',
    backend,
    store,
    tokenStore: () => (tokens ??= backend.tokenStore(options.tokenEncryption)),
    async close() {
      await store.close();
      await backend.close();
    },
  };
}
