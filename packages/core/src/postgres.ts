export { postgresTokenStore, type PostgresTokenStore, type PostgresTokenStoreOptions } from './auth/postgres-token-store.ts';
export { postgresCheckpointStore, type PostgresCheckpointStore, type PostgresCheckpointStoreOptions } from './pagination/postgres-checkpoint-store.ts';
export { migratePostgres, type PostgresMigration } from './postgres/migrate-postgres.ts';
export { resolvePostgres, assertIdentifier, type PostgresConnectionOptions, type ResolvedPostgres } from './postgres/postgres-connection.ts';
