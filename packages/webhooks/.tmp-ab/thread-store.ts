import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { InboxStoreError } from '../src/errors/inbox-store-error.ts';
import type { DeadLetterFilter, InboxStats, InboxStore, LeasedInboxEvent, NewInboxEvent, PutOutcome, StoredInboxEvent } from '../src/stores/inbox-store.ts';
import { openInboxDatabase, SqliteInboxReader, type SqliteConnectionOptions, type WriteOp } from '../src/stores/sqlite-engine.ts';
import type { WriterReply, WriterRequest } from './sqlite-writer.ts';

/** Options of the embedded SQLite inbox store. */
export interface SqliteInboxStoreOptions {
  /** The database file. Created when missing. */
  path: string;
  /** Most writes committed in one transaction. Default 1024. */
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

interface PendingWrite {
  op: WriteOp;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

// In the published package the writer is dist/sqlite-writer.js beside this chunk; from source it is the .ts file.
const WRITER_URL = new URL(import.meta.url.endsWith('.ts') ? './sqlite-writer.ts' : './sqlite-writer.js', import.meta.url);

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Group commit, hand-written because it is the whole point of this store. All writes go to one
 * writer thread. While it commits a batch (and the disk syncs it), new writes queue up here; the
 * moment the commit returns, everything queued goes in the next transaction. Requests that arrive
 * together therefore share one fsync, the event loop never waits for the disk, and each caller's
 * promise settles only after its transaction is durable. Reads use a second connection on this
 * thread: WAL lets them run while the writer commits.
 */
class SqliteInboxStoreImpl implements SqliteInboxStore {
  readonly path: string;
  readonly #connection: SqliteConnectionOptions;
  readonly #maxBatch: number;
  readonly #db: Database.Database;
  readonly #reader: SqliteInboxReader;
  #worker: Worker | undefined;
  #queue: PendingWrite[] = [];
  #inFlight: { batch: number; writes: PendingWrite[]; sentAt: number } | undefined;
  /** While gathering after a commit: send as soon as the queue reaches this size, or when the timer fires. */
  #gatherTarget = 0;
  #gatherTimer: NodeJS.Timeout | undefined;
  #batchSeq = 0;
  #scheduled = false;
  #closed = false;
  #idle: (() => void) | undefined;

  constructor(options: SqliteInboxStoreOptions) {
    if (typeof options.path !== 'string' || options.path === '') throw new TypeError('sqliteInboxStore: `path` (the database file) is required.');
    const maxBatch = options.maxBatch ?? 1024;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new TypeError(`sqliteInboxStore: maxBatch must be a whole number >= 1; got ${String(options.maxBatch)}.`);
    if (options.path === ':memory:') throw new TypeError('sqliteInboxStore: `:memory:` cannot be shared with the writer thread; use a file (a temporary one in tests).');
    this.path = options.path;
    this.#maxBatch = maxBatch;
    this.#connection = { path: options.path, busyTimeoutMs: options.busyTimeoutMs ?? 5000, synchronous: options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL' };
    try {
      // Opened here, synchronously, so a bad path fails at construction; it also creates the schema the writer expects.
      this.#db = openInboxDatabase(this.#connection);
    } catch (cause) {
      throw new InboxStoreError(`Cannot open the SQLite inbox at ${options.path}: ${cause instanceof Error ? cause.message : String(cause)}`, { store: 'sqlite', operation: 'open', cause });
    }
    this.#reader = new SqliteInboxReader(this.#db);
  }

  #writer(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(WRITER_URL, { workerData: this.#connection });
    worker.unref();
    worker.on('message', (reply: WriterReply | 'ready') => {
      if (reply !== 'ready') this.#settle(reply);
    });
    const fail = (cause: unknown): void => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      const error = new InboxStoreError(`The SQLite inbox writer stopped: ${cause instanceof Error ? cause.message : String(cause)}`, { store: 'sqlite', operation: 'commit', cause });
      const lost = this.#inFlight?.writes ?? [];
      this.#inFlight = undefined;
      for (const write of lost) write.reject(error);
      // Writes queued meanwhile go to a new writer, unless the store is closing.
      if (this.#closed) {
        const queued = this.#queue;
        this.#queue = [];
        for (const write of queued) write.reject(error);
      }
      if (this.#queue.length > 0) this.#flush();
      else this.#idle?.();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`writer thread exited with code ${code}`)));
    this.#worker = worker;
    return worker;
  }

  #write<T>(op: WriteOp): Promise<T> {
    if (this.#closed) return Promise.reject(new InboxStoreError('The SQLite inbox store is closed.', { store: 'sqlite', operation: op.op }));
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ op, resolve: resolve as (value: unknown) => void, reject });
      if (this.#inFlight !== undefined) return; // the writer's reply sends the queue
      if (this.#gatherTimer !== undefined) {
        if (this.#queue.length >= this.#gatherTarget) this.#flush();
        return;
      }
      // Idle: wait one turn so everything that arrives in this poll phase shares the commit.
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#flushScheduled);
      }
    });
  }

  readonly #flushScheduled = (): void => {
    this.#scheduled = false;
    this.#flush();
  };

  #flush(): void {
    if (this.#gatherTimer !== undefined) {
      clearTimeout(this.#gatherTimer);
      this.#gatherTimer = undefined;
    }
    if (this.#inFlight !== undefined || this.#queue.length === 0) return;
    const writes = this.#queue.length <= this.#maxBatch ? this.#queue : this.#queue.slice(0, this.#maxBatch);
    this.#queue = writes === this.#queue ? [] : this.#queue.slice(this.#maxBatch);
    const batch = ++this.#batchSeq;
    this.#inFlight = { batch, writes, sentAt: performance.now() };
    const worker = this.#writer();
    // Referenced only while a commit is pending: an idle store does not keep the process alive.
    worker.ref();
    worker.postMessage({ batch, ops: writes.map((w) => w.op) } satisfies WriterRequest);
  }

  #settle(reply: WriterReply): void {
    const inFlight = this.#inFlight;
    if (inFlight === undefined || inFlight.batch !== reply.batch) return;
    this.#inFlight = undefined;
    if ('error' in reply) {
      const error = new InboxStoreError(`The SQLite inbox could not commit ${inFlight.writes.length} write(s): ${reply.error}`, { store: 'sqlite', operation: 'commit' });
      for (const write of inFlight.writes) write.reject(error);
    } else {
      for (let i = 0; i < inFlight.writes.length; i++) inFlight.writes[i]!.resolve(reply.results[i]);
    }
    if (this.#queue.length === 0) {
      this.#worker?.unref();
      this.#idle?.();
      return;
    }
    // The writers just answered will most likely write again within a round trip. Sending only what
    // queued up during the commit would split the load into two alternating half-size batches, each
    // paying a full fsync; waiting briefly for them gathers one batch per fsync instead (the
    // commit_delay / no_delay_count idea of PostgreSQL and MySQL). The wait is bounded by half the
    // last commit's duration (at most 2 ms), so it never costs more than it can save.
    const target = Math.min(this.#maxBatch, this.#queue.length + inFlight.writes.length);
    const waitMs = Math.min(2, (performance.now() - inFlight.sentAt) / 2);
    if (process.env.XGATHER === '0' || this.#closed || this.#queue.length >= target || waitMs < 0.05) {
      this.#flush();
      return;
    }
    this.#gatherTarget = target;
    this.#gatherTimer = setTimeout(() => {
      this.#gatherTimer = undefined;
      this.#flush();
    }, waitMs);
  }

  #read<T>(operation: string, run: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new InboxStoreError('The SQLite inbox store is closed.', { store: 'sqlite', operation }));
    try {
      return Promise.resolve(run());
    } catch (cause) {
      return Promise.reject(new InboxStoreError(`SQLite inbox ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { store: 'sqlite', operation, cause }));
    }
  }

  put(event: NewInboxEvent): Promise<PutOutcome> {
    return this.#write({
      op: 'put',
      event: [event.source, event.id, event.type ?? null, event.timestamp ?? null, event.receivedAt, JSON.stringify(event.headers), event.body],
    });
  }

  async lease({ limit, leaseMs, now }: { limit: number; leaseMs: number; now: number }): Promise<LeasedInboxEvent[]> {
    const token = `${now.toString(36)}-${randomBytes(6).toString('hex')}`;
    const events = await this.#write<LeasedInboxEvent[]>({ op: 'lease', limit, leaseMs, now, token });
    for (const event of events) event.body = toBuffer(event.body);
    return events;
  }

  renewLease(key: string, leaseToken: string, leaseUntil: number): Promise<boolean> {
    return this.#write({ op: 'renew', key, token: leaseToken, leaseUntil });
  }

  markProcessed(key: string, leaseToken: string, { now, retainMs }: { now: number; retainMs: number }): Promise<boolean> {
    return this.#write({ op: 'processed', key, token: leaseToken, now, retainMs });
  }

  scheduleRetry(key: string, leaseToken: string, { retryAt, error }: { retryAt: number; error: string }): Promise<boolean> {
    return this.#write({ op: 'retry', key, token: leaseToken, retryAt, error });
  }

  deadLetter(key: string, leaseToken: string, { now, error }: { now: number; error: string }): Promise<boolean> {
    return this.#write({ op: 'dead', key, token: leaseToken, now, error });
  }

  replayDeadLetters(filter: DeadLetterFilter, { now }: { now: number }): Promise<number> {
    return this.#write({ op: 'replay', filter, now });
  }

  get(key: string): Promise<StoredInboxEvent | undefined> {
    return this.#read('get', () => this.#reader.get(key));
  }

  listDeadLetters(filter: DeadLetterFilter = {}): Promise<StoredInboxEvent[]> {
    return this.#read('listDeadLetters', () => this.#reader.deadRows(filter).map((row) => row.event));
  }

  stats(): Promise<InboxStats> {
    return this.#read('stats', () => this.#reader.stats());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#flush();
    if (this.#inFlight !== undefined || this.#queue.length > 0) {
      await new Promise<void>((resolve) => {
        this.#idle = () => {
          if (this.#inFlight === undefined && this.#queue.length === 0) resolve();
        };
      });
    }
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.ref();
      worker.postMessage('close');
      await exited;
    }
    this.#db.close();
  }
}

/**
 * The embedded inbox store: one SQLite file in WAL mode with `synchronous=FULL`, so an event is on
 * disk before the inbox acknowledges it. Concurrent deliveries are committed together (group commit)
 * by a writer thread: one transaction and one fsync per batch, without blocking the event loop.
 * Several processes may share the file (workers in other processes, the CLI); for several machines
 * use the Redis store.
 */
export function sqliteInboxStore(options: SqliteInboxStoreOptions): SqliteInboxStore {
  return new SqliteInboxStoreImpl(options);
}
