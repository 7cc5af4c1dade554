import type { InboxStore } from './inbox-store.ts';

/** How a handler's transaction ended. */
export type TransactionOutcome<T> =
  /** The handler's writes and the processed mark committed together. */
  | { kind: 'committed'; value: T }
  /** The handler threw; its writes were rolled back and the event is still leased (retry or dead-letter it). */
  | { kind: 'failed'; error: unknown }
  /** The lease was no longer this worker's: the handler did not run. */
  | { kind: 'lease-lost' };

/**
 * An inbox store whose events live in the same database as the handler's own tables (SQLite,
 * PostgreSQL), so the worker can run a handler inside a transaction that also marks the event
 * processed: a crash before the commit leaves nothing applied (the handler runs again), a crash
 * after it never re-runs the handler. `Tx` is what the handler writes through (a `pg` client, a
 * better-sqlite3 database).
 */
export interface TransactionalInboxStore<Tx> extends InboxStore {
  /**
   * Checks the lease is still `leaseToken`'s, runs `work` with the transaction, then marks the event
   * processed (keeping its key `retainMs` for dedupe) and commits; all of it or nothing.
   */
  transaction<T>(key: string, leaseToken: string, options: { now: () => number; retainMs: number }, work: (tx: Tx) => Promise<T> | T): Promise<TransactionOutcome<T>>;
}

export function isTransactionalStore(store: InboxStore): store is TransactionalInboxStore<unknown> {
  return typeof (store as Partial<TransactionalInboxStore<unknown>>).transaction === 'function';
}
