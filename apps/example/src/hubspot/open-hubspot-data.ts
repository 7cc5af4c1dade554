import type { Backend, PostgresBackend, SqliteBackend } from '../store/backend.ts';
import type { HubSpotStore, PostgresHubSpotStore } from './hubspot-store.ts';
import { postgresHubSpotStore } from './postgres-hubspot-store.ts';
import { sqliteHubSpotStore } from './sqlite-hubspot-store.ts';

/** The HubSpot store on its backend, paired so the webhooks see them match. */
export type HubSpotData =
  | { readonly kind: 'sqlite'; readonly backend: SqliteBackend; readonly store: HubSpotStore }
  | { readonly kind: 'postgres'; readonly backend: PostgresBackend; readonly store: PostgresHubSpotStore };

/** The HubSpot tables in the app's SQLite database, or in the app's schema in PostgreSQL. */
export function openHubSpotData(backend: Backend): HubSpotData {
  return backend.kind === 'sqlite'
    ? { kind: 'sqlite', backend, store: sqliteHubSpotStore(backend.databasePath) }
    : { kind: 'postgres', backend, store: postgresHubSpotStore({ pool: backend.pool, schema: backend.appSchema }) };
}
