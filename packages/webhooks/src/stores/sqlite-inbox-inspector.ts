import Database from 'better-sqlite3';
import { InboxStoreError } from '../errors/inbox-store-error.ts';
import { type InboxInspector, inspectedEvent } from './inbox-inspector.ts';
import { SqliteInboxReader } from './sqlite-engine.ts';

/**
 * Opens a SQLite inbox file read-only (`readonly: true`, `query_only`): no checkpointer thread, no
 * write transaction, no fsync. WAL readers never block the writer, so a dashboard polling this
 * does not slow the inbox down.
 */
export function inspectSqliteInbox(options: { path: string; busyTimeoutMs?: number }): InboxInspector {
  let db: Database.Database;
  try {
    db = new Database(options.path, { readonly: true, fileMustExist: true, timeout: options.busyTimeoutMs ?? 5000 });
    db.pragma('query_only = ON');
  } catch (cause) {
    throw new InboxStoreError(`Cannot open the SQLite inbox at ${options.path} for reading: ${cause instanceof Error ? cause.message : String(cause)}`, { store: 'sqlite', operation: 'inspect', cause });
  }
  const reader = new SqliteInboxReader(db);
  const expired = db.prepare<[number], { n: number }>(`SELECT count(*) AS n FROM webhook_inbox WHERE state = 'leased' AND due_at <= ?`);
  const read = <T>(operation: string, run: () => T): Promise<T> => {
    try {
      return Promise.resolve(run());
    } catch (cause) {
      return Promise.reject(new InboxStoreError(`SQLite inbox ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { store: 'sqlite', operation, cause }));
    }
  };
  return {
    get: (key, { now = Date.now() } = {}) => read('get', () => {
      const event = reader.get(key);
      return event && inspectedEvent(event, now);
    }),
    listDeadLetters: (filter = {}) => read('listDeadLetters', () => reader.deadRows(filter).map((row) => row.event)),
    stats: ({ now = Date.now() } = {}) => read('stats', () => {
      const stats = reader.stats();
      const expiredLeases = expired.get(now)!.n;
      return { ...stats, leased: stats.leased - expiredLeases, expiredLeases };
    }),
    async close() {
      if (db.open) db.close();
    },
  };
}
