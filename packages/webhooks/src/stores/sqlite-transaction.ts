import type Database from 'better-sqlite3';
import { splitEventKey } from './inbox-store.ts';
import type { TransactionOutcome } from './transactional-inbox-store.ts';

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * Builds the body of a transactional handler run on the SQLite inbox's connection: it runs inside the
 * store's group-commit transaction, in a savepoint of its own, so a handler that throws rolls back
 * only its own writes. better-sqlite3 is synchronous and the transaction cannot stay open across an
 * `await` (other writers share the connection), so the handler's database work must be synchronous.
 */
export type SqliteTransactionRunner = <T>(key: string, leaseToken: string, options: { now: () => number; retainMs: number }, work: (tx: Database.Database) => T) => () => TransactionOutcome<T>;

export function sqliteTransactionRunner(db: Database.Database): SqliteTransactionRunner {
  const held = db.prepare<{ source: string; id: string; token: string }, { seq: number }>(
    `SELECT seq FROM webhook_inbox WHERE source = @source AND event_id = @id AND state = 'leased' AND lease_token = @token`,
  );
  const processed = db.prepare(`UPDATE webhook_inbox SET state = 'processed', body = X'', lease_token = NULL, due_at = @expiresAt, changed_at = @now WHERE seq = @seq`);
  // Called inside the batch transaction, better-sqlite3 makes this a SAVEPOINT: released on return, rolled back on throw.
  const savepoint = db.transaction((fn: () => unknown) => fn());
  return <T>(key: string, leaseToken: string, options: { now: () => number; retainMs: number }, work: (tx: Database.Database) => T) => (): TransactionOutcome<T> => {
    const parts = splitEventKey(key);
    const row = parts && held.get({ ...parts, token: leaseToken });
    if (!row) return { kind: 'lease-lost' };
    try {
      const value = savepoint(() => {
        const result = work(db);
        if (isThenable(result)) {
          Promise.resolve(result).catch(() => {});
          throw new TypeError(
            'A transactional handler on the SQLite inbox must do its database work synchronously (better-sqlite3 is synchronous; the transaction cannot stay open across an await). Parse and validate before writing, and return no promise.',
          );
        }
        const now = options.now();
        processed.run({ seq: row.seq, now, expiresAt: now + options.retainMs });
        return result;
      }) as T;
      return { kind: 'committed', value };
    } catch (error) {
      return { kind: 'failed', error };
    }
  };
}
