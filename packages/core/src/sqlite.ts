export { sqliteTokenStore, type SqliteTokenStore, type SqliteTokenStoreOptions } from './auth/sqlite-token-store.ts';
