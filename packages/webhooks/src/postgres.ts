export { postgresInboxStore, type PostgresInboxStore, type PostgresInboxStoreOptions } from './stores/postgres-inbox-store.ts';
