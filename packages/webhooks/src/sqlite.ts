export { sqliteInboxStore, type SqliteInboxStore, type SqliteInboxStoreOptions } from './stores/sqlite-inbox-store.ts';
export { inspectSqliteInbox } from './stores/sqlite-inbox-inspector.ts';
