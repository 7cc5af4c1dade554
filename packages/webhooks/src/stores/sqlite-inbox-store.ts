import Database from 'better-sqlite3';
import { InboxStoreError } from '../errors/inbox-store-error.ts';
import {
  eventKey,
  matchesDeadLetterFilter,
  splitEventKey,
  toEpochMs,
  type DeadLetterFilter,
  type InboxEventState,
  type InboxStats,
  type InboxStore,
  type LeasedInboxEvent,
  type NewInboxEvent,
  type PutOutcome,
  type StoredInboxEvent,
} from './inbox-store.ts';

/** Options of the embedded SQLite inbox store. */
export interface SqliteInboxStoreOptions {
  /** The database file. Created when missing. `:memory:` works for tests but is not durable. */
  path: string;
  /** Most writes committed in one transaction. Default 512. */
  maxBatch?: number;
  /** How long a write waits for another process holding the lock. Default 5000 ms. */
  busyTimeoutMs?: number;
  /**
   * `FULL` (default) fsyncs every commit before the inbox answers 2xx. `NORMAL` is faster in WAL mode
   * but a power loss (not a process crash) can lose the last acknowledged events.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

/** The SQLite store, with the file it writes to. */
export interface SqliteInboxStore extends InboxStore {
  readonly path: string;
}

interface Row {
  seq: number;
  source: string;
  event_id: string;
  type: string | null;
  event_ts: number | null;
  received_at: number;
  headers: string;
  body: Buffer;
  state: InboxEventState;
  attempts: number;
  due_at: number;
  lease_token: string | null;
  last_error: string | null;
  changed_at: number | null;
}

interface QueuedWrite {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS webhook_inbox (
  seq INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  event_id TEXT NOT NULL,
  type TEXT,
  event_ts INTEGER,
  received_at INTEGER NOT NULL,
  headers TEXT NOT NULL,
  body BLOB NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  due_at INTEGER NOT NULL,
  lease_token TEXT,
  last_error TEXT,
  changed_at INTEGER,
  UNIQUE (source, event_id)
);
CREATE INDEX IF NOT EXISTS webhook_inbox_state_due ON webhook_inbox (state, due_at);
`;
const COLUMNS = 'seq, source, event_id, type, event_ts, received_at, headers, body, state, attempts, due_at, lease_token, last_error, changed_at';
const PURGE_EVERY_MS = 60_000;

function toEvent(row: Row): StoredInboxEvent {
  return {
    key: eventKey(row.source, row.event_id),
    source: row.source,
    id: row.event_id,
    type: row.type ?? undefined,
    timestamp: row.event_ts ?? undefined,
    receivedAt: row.received_at,
    headers: JSON.parse(row.headers) as Record<string, string>,
    body: row.body,
    state: row.state,
    attempts: row.attempts,
    lastError: row.last_error ?? undefined,
    stateChangedAt: row.state === 'processed' ? (row.changed_at ?? undefined) : row.due_at,
  };
}

function asBuffer(body: Uint8Array): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/**
 * Group commit, hand-written because it is the whole point of this store: writes that arrive in the
 * same event-loop turn (all the requests whose bodies finished in one poll phase) are run in one
 * transaction at `setImmediate`, so they share one fsync; each caller's promise settles after the commit.
 * With `synchronous=FULL` a resolved `put` means the event is on disk.
 */
class SqliteInboxStoreImpl implements SqliteInboxStore {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #maxBatch: number;
  #queue: QueuedWrite[] = [];
  #scheduled = false;
  #closed = false;
  #lastPurge = 0;
  readonly #commit: (batch: QueuedWrite[]) => unknown[];
  readonly #stmt: {
    insert: Database.Statement;
    leaseExpired: Database.Statement;
    leasePending: Database.Statement;
    renew: Database.Statement;
    processed: Database.Statement;
    retry: Database.Statement;
    dead: Database.Statement;
    replay: Database.Statement;
    get: Database.Statement;
    deadList: Database.Statement;
    stats: Database.Statement;
    purge: Database.Statement;
  };

  constructor(options: SqliteInboxStoreOptions) {
    if (typeof options.path !== 'string' || options.path === '') throw new TypeError('sqliteInboxStore: `path` (the database file) is required.');
    const maxBatch = options.maxBatch ?? 512;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new TypeError(`sqliteInboxStore: maxBatch must be a whole number >= 1; got ${String(options.maxBatch)}.`);
    this.path = options.path;
    this.#maxBatch = maxBatch;
    try {
      this.#db = new Database(options.path, { timeout: options.busyTimeoutMs ?? 5000 });
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
      this.#db.exec(SCHEMA);
    } catch (cause) {
      throw new InboxStoreError(`Cannot open the SQLite inbox at ${options.path}: ${cause instanceof Error ? cause.message : String(cause)}`, { store: 'sqlite', operation: 'open', cause });
    }
    const db = this.#db;
    this.#stmt = {
      insert: db.prepare(
        `INSERT INTO webhook_inbox (source, event_id, type, event_ts, received_at, headers, body, state, due_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (source, event_id) DO NOTHING`,
      ),
      leaseExpired: db.prepare(
        `UPDATE webhook_inbox SET state = 'leased', attempts = attempts + 1, due_at = @leaseUntil, lease_token = @token || '.' || seq
         WHERE seq IN (SELECT seq FROM webhook_inbox WHERE state = 'leased' AND due_at <= @now ORDER BY due_at LIMIT @limit)
         RETURNING ${COLUMNS}`,
      ),
      leasePending: db.prepare(
        `UPDATE webhook_inbox SET state = 'leased', attempts = attempts + 1, due_at = @leaseUntil, lease_token = @token || '.' || seq
         WHERE seq IN (SELECT seq FROM webhook_inbox WHERE state = 'pending' AND due_at <= @now ORDER BY due_at LIMIT @limit)
         RETURNING ${COLUMNS}`,
      ),
      renew: db.prepare(`UPDATE webhook_inbox SET due_at = @leaseUntil WHERE source = @source AND event_id = @id AND state = 'leased' AND lease_token = @token`),
      processed: db.prepare(
        `UPDATE webhook_inbox SET state = 'processed', body = X'', lease_token = NULL, due_at = @expiresAt, changed_at = @now
         WHERE source = @source AND event_id = @id AND state = 'leased' AND lease_token = @token`,
      ),
      retry: db.prepare(
        `UPDATE webhook_inbox SET state = 'pending', due_at = @retryAt, lease_token = NULL, last_error = @error
         WHERE source = @source AND event_id = @id AND state = 'leased' AND lease_token = @token`,
      ),
      dead: db.prepare(
        `UPDATE webhook_inbox SET state = 'dead', due_at = @now, changed_at = @now, lease_token = NULL, last_error = @error
         WHERE source = @source AND event_id = @id AND state = 'leased' AND lease_token = @token`,
      ),
      replay: db.prepare(`UPDATE webhook_inbox SET state = 'pending', attempts = 0, due_at = @now WHERE seq = @seq AND state = 'dead'`),
      get: db.prepare(`SELECT ${COLUMNS} FROM webhook_inbox WHERE source = ? AND event_id = ?`),
      deadList: db.prepare(
        `SELECT ${COLUMNS} FROM webhook_inbox WHERE state = 'dead' AND due_at >= @since AND due_at < @until
         AND (@source IS NULL OR source = @source) AND (@type IS NULL OR type = @type) ORDER BY due_at, seq LIMIT @limit`,
      ),
      stats: db.prepare(`SELECT state, count(*) AS n FROM webhook_inbox WHERE state IN ('pending', 'leased', 'dead') GROUP BY state`),
      purge: db.prepare(`DELETE FROM webhook_inbox WHERE seq IN (SELECT seq FROM webhook_inbox WHERE state = 'processed' AND due_at <= ? LIMIT 5000)`),
    };
    this.#commit = db.transaction((batch: QueuedWrite[]) => batch.map((write) => write.run())).immediate;
  }

  #write<T>(operation: string, run: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new InboxStoreError('The SQLite inbox store is closed.', { store: 'sqlite', operation }));
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (this.#queue.length >= this.#maxBatch) this.#flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#flush);
      }
    });
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    if (this.#queue.length === 0) return;
    const batch = this.#queue;
    this.#queue = [];
    let results: unknown[];
    try {
      results = this.#commit(batch);
    } catch (cause) {
      const error = new InboxStoreError(`The SQLite inbox could not commit ${batch.length} write(s): ${cause instanceof Error ? cause.message : String(cause)}`, { store: 'sqlite', operation: 'commit', cause });
      for (const write of batch) write.reject(error);
      return;
    }
    for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i]);
  };

  #read<T>(operation: string, run: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new InboxStoreError('The SQLite inbox store is closed.', { store: 'sqlite', operation }));
    try {
      return Promise.resolve(run());
    } catch (cause) {
      return Promise.reject(new InboxStoreError(`SQLite inbox ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { store: 'sqlite', operation, cause }));
    }
  }

  put(event: NewInboxEvent): Promise<PutOutcome> {
    const headers = JSON.stringify(event.headers);
    const body = asBuffer(event.body);
    return this.#write('put', () =>
      this.#stmt.insert.run(event.source, event.id, event.type ?? null, event.timestamp ?? null, event.receivedAt, headers, body, event.receivedAt).changes === 1
        ? 'stored'
        : 'duplicate',
    );
  }

  lease({ limit, leaseMs, now }: { limit: number; leaseMs: number; now: number }): Promise<LeasedInboxEvent[]> {
    const token = `${now.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    const leaseUntil = now + leaseMs;
    return this.#write('lease', () => {
      if (now - this.#lastPurge >= PURGE_EVERY_MS) {
        this.#lastPurge = now;
        this.#stmt.purge.run(now);
      }
      const rows = this.#stmt.leaseExpired.all({ now, limit, leaseUntil, token }) as Row[];
      if (rows.length < limit) rows.push(...(this.#stmt.leasePending.all({ now, limit: limit - rows.length, leaseUntil, token }) as Row[]));
      return rows.map((row) => ({ ...toEvent(row), leaseToken: row.lease_token!, leaseUntil }));
    });
  }

  renewLease(key: string, leaseToken: string, leaseUntil: number): Promise<boolean> {
    const parts = splitEventKey(key);
    if (!parts) return Promise.resolve(false);
    return this.#write('renewLease', () => this.#stmt.renew.run({ ...parts, token: leaseToken, leaseUntil }).changes === 1);
  }

  markProcessed(key: string, leaseToken: string, { now, retainMs }: { now: number; retainMs: number }): Promise<boolean> {
    const parts = splitEventKey(key);
    if (!parts) return Promise.resolve(false);
    return this.#write('markProcessed', () => this.#stmt.processed.run({ ...parts, token: leaseToken, now, expiresAt: now + retainMs }).changes === 1);
  }

  scheduleRetry(key: string, leaseToken: string, { retryAt, error }: { retryAt: number; error: string }): Promise<boolean> {
    const parts = splitEventKey(key);
    if (!parts) return Promise.resolve(false);
    return this.#write('scheduleRetry', () => this.#stmt.retry.run({ ...parts, token: leaseToken, retryAt, error }).changes === 1);
  }

  deadLetter(key: string, leaseToken: string, { now, error }: { now: number; error: string }): Promise<boolean> {
    const parts = splitEventKey(key);
    if (!parts) return Promise.resolve(false);
    return this.#write('deadLetter', () => this.#stmt.dead.run({ ...parts, token: leaseToken, now, error }).changes === 1);
  }

  get(key: string): Promise<StoredInboxEvent | undefined> {
    const parts = splitEventKey(key);
    if (!parts) return Promise.resolve(undefined);
    return this.#read('get', () => {
      const row = this.#stmt.get.get(parts.source, parts.id) as Row | undefined;
      return row === undefined ? undefined : toEvent(row);
    });
  }

  #deadRows(filter: DeadLetterFilter): Row[] {
    if (filter.keys !== undefined) {
      const rows: Row[] = [];
      for (const key of filter.keys) {
        const parts = splitEventKey(key);
        const row = parts && (this.#stmt.get.get(parts.source, parts.id) as Row | undefined);
        if (row && row.state === 'dead' && matchesDeadLetterFilter(toEvent(row), filter)) rows.push(row);
      }
      rows.sort((a, b) => a.due_at - b.due_at || a.seq - b.seq);
      return filter.limit === undefined ? rows : rows.slice(0, filter.limit);
    }
    return this.#stmt.deadList.all({
      since: toEpochMs(filter.since) ?? 0,
      until: toEpochMs(filter.until) ?? Number.MAX_SAFE_INTEGER,
      source: filter.source ?? null,
      type: filter.type ?? null,
      limit: filter.limit ?? -1,
    }) as Row[];
  }

  listDeadLetters(filter: DeadLetterFilter = {}): Promise<StoredInboxEvent[]> {
    return this.#read('listDeadLetters', () => this.#deadRows(filter).map(toEvent));
  }

  replayDeadLetters(filter: DeadLetterFilter, { now }: { now: number }): Promise<number> {
    return this.#write('replayDeadLetters', () => {
      let replayed = 0;
      for (const row of this.#deadRows(filter)) replayed += this.#stmt.replay.run({ seq: row.seq, now }).changes;
      return replayed;
    });
  }

  stats(): Promise<InboxStats> {
    return this.#read('stats', () => {
      const stats: InboxStats = { pending: 0, leased: 0, deadLetters: 0 };
      for (const { state, n } of this.#stmt.stats.all() as { state: InboxEventState; n: number }[]) {
        if (state === 'pending') stats.pending = n;
        else if (state === 'leased') stats.leased = n;
        else if (state === 'dead') stats.deadLetters = n;
      }
      return stats;
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#flush();
    this.#closed = true;
    this.#db.close();
  }
}

/**
 * The embedded inbox store: one SQLite file in WAL mode with `synchronous=FULL`, so an event is on
 * disk before the inbox acknowledges it. Concurrent deliveries are committed together (group commit):
 * one transaction and one fsync per event-loop turn instead of one per request.
 * Several processes may share the file (workers in other processes, the CLI); for several machines
 * use the Redis store.
 */
export function sqliteInboxStore(options: SqliteInboxStoreOptions): SqliteInboxStore {
  return new SqliteInboxStoreImpl(options);
}

