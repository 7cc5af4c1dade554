export { sqliteInboxStore, type SqliteInboxStore, type SqliteInboxStoreOptions } from './stores/sqlite-inbox-store.ts';
