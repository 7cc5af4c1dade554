import Database from 'better-sqlite3';
import {
  eventKey,
  matchesDeadLetterFilter,
  splitEventKey,
  toEpochMs,
  type DeadLetterFilter,
  type InboxEventState,
  type InboxStats,
  type LeasedInboxEvent,
  type StoredInboxEvent,
} from './inbox-store.ts';

/*
 * The SQL of the SQLite inbox: the schema, the reads, and the writes that the store batches into
 * one transaction. No I/O policy here (fsync, threads): that is sqlite-inbox-store.ts.
 */

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

export interface SqliteConnectionOptions {
  path: string;
  busyTimeoutMs: number;
  synchronous: 'FULL' | 'NORMAL';
}

/** A put, as a tuple: one is built for every request. */
export type PutTuple = [source: string, id: string, type: string | null, timestamp: number | null, receivedAt: number, headersJson: string, body: Uint8Array];

export type WriteOp =
  | { op: 'put'; event: PutTuple }
  | { op: 'lease'; limit: number; leaseMs: number; now: number; token: string }
  | { op: 'renew'; key: string; token: string; leaseUntil: number }
  | { op: 'processed'; key: string; token: string; now: number; retainMs: number }
  | { op: 'discard'; filter: DeadLetterFilter; now: number; retainMs: number }
  | { op: 'retry'; key: string; token: string; retryAt: number; error: string }
  | { op: 'dead'; key: string; token: string; now: number; error: string }
  /** Runs inside the batch's transaction (in a savepoint of its own): a transactional handler and its processed mark. */
  | { op: 'transact'; run: () => unknown }
  | { op: 'replay'; filter: DeadLetterFilter; now: number };

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
    stateChangedAt: row.state === 'processed' || row.state === 'discarded' ? (row.changed_at ?? undefined) : row.due_at,
  };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Opens the file in WAL mode with the requested durability and creates the table. */
export function openInboxDatabase(options: SqliteConnectionOptions): Database.Database {
  const db = new Database(options.path, { timeout: options.busyTimeoutMs });
  try {
    // Only takes effect on a new file. A 2-3 KB event fills half a 4 KiB page and leaves the rest
    // unused; with 8 KiB pages three fit, so a commit writes (and fsyncs) about a third fewer bytes.
    db.pragma('page_size = 8192');
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous}`);
    db.exec(SCHEMA);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** Reads: plain statements on the store's connection (WAL lets other processes write meanwhile). */
export class SqliteInboxReader {
  readonly #get: Database.Statement;
  readonly #deadList: Database.Statement;
  readonly #stats: Database.Statement;

  constructor(db: Database.Database) {
    this.#get = db.prepare(`SELECT ${COLUMNS} FROM webhook_inbox WHERE source = ? AND event_id = ?`);
    this.#deadList = db.prepare(
      `SELECT ${COLUMNS} FROM webhook_inbox WHERE state = 'dead' AND due_at >= @since AND due_at < @until
       AND (@source IS NULL OR source = @source) AND (@type IS NULL OR type = @type) ORDER BY due_at, seq LIMIT @limit`,
    );
    this.#stats = db.prepare(`SELECT state, count(*) AS n FROM webhook_inbox WHERE state IN ('pending', 'leased', 'dead') GROUP BY state`);
  }

  #row(key: string): Row | undefined {
    const parts = splitEventKey(key);
    return parts && (this.#get.get(parts.source, parts.id) as Row | undefined);
  }

  get(key: string): StoredInboxEvent | undefined {
    const row = this.#row(key);
    return row === undefined ? undefined : toEvent(row);
  }

  /** Dead rows matching the filter, oldest first (with their `seq` for the replay). */
  deadRows(filter: DeadLetterFilter): { seq: number; event: StoredInboxEvent }[] {
    if (filter.keys !== undefined) {
      const rows: Row[] = [];
      for (const key of filter.keys) {
        const row = this.#row(key);
        if (row && row.state === 'dead' && matchesDeadLetterFilter(toEvent(row), filter)) rows.push(row);
      }
      rows.sort((a, b) => a.due_at - b.due_at || a.seq - b.seq);
      const limited = filter.limit === undefined ? rows : rows.slice(0, filter.limit);
      return limited.map((row) => ({ seq: row.seq, event: toEvent(row) }));
    }
    const rows = this.#deadList.all({
      since: toEpochMs(filter.since) ?? 0,
      until: toEpochMs(filter.until) ?? Number.MAX_SAFE_INTEGER,
      source: filter.source ?? null,
      type: filter.type ?? null,
      limit: filter.limit ?? -1,
    }) as Row[];
    return rows.map((row) => ({ seq: row.seq, event: toEvent(row) }));
  }

  stats(): InboxStats {
    const stats: InboxStats = { pending: 0, leased: 0, deadLetters: 0 };
    for (const { state, n } of this.#stats.all() as { state: InboxEventState; n: number }[]) {
      if (state === 'pending') stats.pending = n;
      else if (state === 'leased') stats.leased = n;
      else if (state === 'dead') stats.deadLetters = n;
    }
    return stats;
  }
}

/** Writes: a whole batch in one IMMEDIATE transaction (IMMEDIATE: take the write lock up front, so a reader-to-writer upgrade can never fail with SQLITE_BUSY_SNAPSHOT). */
export class SqliteInboxWriter {
  readonly #reader: SqliteInboxReader;
  readonly #stmt: Record<'insert' | 'leaseExpired' | 'leasePending' | 'renew' | 'processed' | 'retry' | 'dead' | 'replay' | 'discard' | 'purge', Database.Statement>;
  readonly #batch: (ops: readonly WriteOp[]) => unknown[];
  #lastPurge = 0;

  constructor(db: Database.Database) {
    this.#reader = new SqliteInboxReader(db);
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
      discard: db.prepare(
        `UPDATE webhook_inbox SET state = 'discarded', body = X'', due_at = @expiresAt, changed_at = @now WHERE seq = @seq AND state = 'dead'`,
      ),
      purge: db.prepare(`DELETE FROM webhook_inbox WHERE seq IN (SELECT seq FROM webhook_inbox WHERE state IN ('processed', 'discarded') AND due_at <= ? LIMIT 5000)`),
    };
    this.#batch = db.transaction((ops: readonly WriteOp[]) => ops.map((op) => this.#run(op))).immediate;
  }

  /** Runs every op in one transaction; throws (and rolls back all of them) when the commit fails. */
  runBatch(ops: readonly WriteOp[]): unknown[] {
    return this.#batch(ops);
  }

  #run(op: WriteOp): unknown {
    switch (op.op) {
      case 'put': {
        const [source, id, type, ts, receivedAt, headers, body] = op.event;
        return this.#stmt.insert.run(source, id, type, ts, receivedAt, headers, asBuffer(body), receivedAt).changes === 1 ? 'stored' : 'duplicate';
      }
      case 'lease': {
        if (op.now - this.#lastPurge >= PURGE_EVERY_MS) {
          this.#lastPurge = op.now;
          this.#stmt.purge.run(op.now);
        }
        const leaseUntil = op.now + op.leaseMs;
        const params = { now: op.now, limit: op.limit, leaseUntil, token: op.token };
        const rows = this.#stmt.leaseExpired.all(params) as Row[];
        if (rows.length < op.limit) rows.push(...(this.#stmt.leasePending.all({ ...params, limit: op.limit - rows.length }) as Row[]));
        return rows.map((row): LeasedInboxEvent => ({ ...toEvent(row), leaseToken: row.lease_token!, leaseUntil }));
      }
      case 'renew':
        return this.#update(this.#stmt.renew, op.key, { token: op.token, leaseUntil: op.leaseUntil });
      case 'processed':
        return this.#update(this.#stmt.processed, op.key, { token: op.token, now: op.now, expiresAt: op.now + op.retainMs });
      case 'retry':
        return this.#update(this.#stmt.retry, op.key, { token: op.token, retryAt: op.retryAt, error: op.error });
      case 'dead':
        return this.#update(this.#stmt.dead, op.key, { token: op.token, now: op.now, error: op.error });
      case 'replay': {
        let replayed = 0;
        for (const { seq } of this.#reader.deadRows(op.filter)) replayed += this.#stmt.replay.run({ seq, now: op.now }).changes;
        return replayed;
      }
      case 'transact':
        return op.run();
      case 'discard': {
        let discarded = 0;
        const expiresAt = op.now + op.retainMs;
        for (const { seq } of this.#reader.deadRows(op.filter)) discarded += this.#stmt.discard.run({ seq, now: op.now, expiresAt }).changes;
        return discarded;
      }
    }
  }

  #update(statement: Database.Statement, key: string, params: Record<string, unknown>): boolean {
    const parts = splitEventKey(key);
    return parts !== undefined && statement.run({ ...params, ...parts }).changes === 1;
  }
}
