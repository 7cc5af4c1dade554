import { closeSync, fdatasync, fstatSync, fsyncSync, openSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { InboxStoreError } from '../errors/inbox-store-error.ts';
import type { DeadLetterFilter, InboxStats, InboxStore, LeasedInboxEvent, NewInboxEvent, PutOutcome, StoredInboxEvent } from './inbox-store.ts';
import type { CheckpointerData } from './sqlite-checkpointer.ts';
import { openInboxDatabase, SqliteInboxReader, SqliteInboxWriter, type WriteOp } from './sqlite-engine.ts';
import { type SqliteTransactionRunner, sqliteTransactionRunner } from './sqlite-transaction.ts';
import type { TransactionalInboxStore, TransactionOutcome } from './transactional-inbox-store.ts';

/** Options of the embedded SQLite inbox store. */
export interface SqliteInboxStoreOptions {
  /** The database file. Created when missing. */
  path: string;
  /** Most writes committed in one transaction. Default 1024. */
  maxBatch?: number;
  /**
   * How long a write waits for another process holding the lock. Default 1000 ms. better-sqlite3
   * waits synchronously (the event loop stands still meanwhile), so this, not the inbox's
   * `storeTimeoutMs`, bounds a write when another process holds the database: keep it below that
   * (2 s) so a busy database is a 503 the provider sees, not a timeout.
   */
  busyTimeoutMs?: number;
  /**
   * `true` (default): every write is fsynced before its promise resolves, so the inbox answers 2xx
   * only for events on disk. `false` skips the fsync: a process crash loses nothing, a power loss
   * can lose the last acknowledged events.
   */
  durable?: boolean;
}

/**
 * The SQLite store, with the file it writes to. Transactional handlers get the store's own
 * better-sqlite3 connection and must write synchronously (see `createTransactionalWebhookWorker`).
 */
export interface SqliteInboxStore extends TransactionalInboxStore<Database.Database> {
  readonly path: string;
}

interface PendingWrite {
  op: WriteOp;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface CommittedWrite {
  write: PendingWrite;
  result: unknown;
}

// In the published package the checkpointer is dist/sqlite-checkpointer.js beside this chunk; from source it is the .ts file.
const CHECKPOINTER_URL = new URL(import.meta.url.endsWith('.ts') ? './sqlite-checkpointer.ts' : './sqlite-checkpointer.js', import.meta.url);

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Group commit with an asynchronous fsync, hand-written because it is the whole point of this store
 * and no SQLite binding offers it:
 * 1. Writes that arrive in the same event-loop turn run in one transaction at `setImmediate`
 *    (`synchronous=NORMAL`: the commit reaches the OS, without an fsync on this thread).
 * 2. The WAL is then fsynced (`fdatasync`) on libuv's thread pool, and only when that returns are the
 *    writes' promises resolved. The event loop never waits for the disk.
 * 3. While one fsync is in flight, the next transactions commit and wait; one fsync then covers all
 *    of them. The slower the disk, the more requests share each fsync.
 * This is what `synchronous=FULL` guarantees (the commit is on disk before anyone is told), without
 * blocking the event loop. SQLite keeps the file consistent in WAL mode with `NORMAL`; the explicit
 * fsync adds the durability. Checkpoints run in a separate thread (see sqlite-checkpointer.ts).
 */
class SqliteInboxStoreImpl implements SqliteInboxStore {
  readonly path: string;
  readonly #walPath: string;
  readonly #durable: boolean;
  readonly #maxBatch: number;
  readonly #db: Database.Database;
  readonly #reader: SqliteInboxReader;
  readonly #writer: SqliteInboxWriter;
  readonly #checkpointer: Worker;
  readonly #transact: SqliteTransactionRunner;
  #walFd: number | undefined;
  #queue: PendingWrite[] = [];
  #scheduled = false;
  /** Committed, waiting for the next fsync. */
  #unsynced: CommittedWrite[] = [];
  #syncing = false;
  /** Set when an fsync failed: the OS may have dropped the data, so nothing is acknowledged any more. */
  #broken: InboxStoreError | undefined;
  #closed = false;
  #drained: (() => void) | undefined;

  constructor(options: SqliteInboxStoreOptions) {
    if (typeof options.path !== 'string' || options.path === '') throw new TypeError('sqliteInboxStore: `path` (the database file) is required.');
    if (options.path === ':memory:') throw new TypeError('sqliteInboxStore: `:memory:` is not durable and cannot be shared with the checkpointer; use a file (a temporary one in tests).');
    const maxBatch = options.maxBatch ?? 1024;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new TypeError(`sqliteInboxStore: maxBatch must be a whole number >= 1; got ${String(options.maxBatch)}.`);
    this.path = options.path;
    this.#walPath = `${options.path}-wal`;
    this.#durable = options.durable ?? true;
    this.#maxBatch = maxBatch;
    const busyTimeoutMs = options.busyTimeoutMs ?? 1000;
    try {
      this.#db = openInboxDatabase({ path: options.path, busyTimeoutMs, synchronous: 'NORMAL' });
      this.#db.pragma('wal_autocheckpoint = 0');
      this.#reader = new SqliteInboxReader(this.#db);
      this.#writer = new SqliteInboxWriter(this.#db);
      this.#transact = sqliteTransactionRunner(this.#db);
      // A read creates the WAL (and the shared-memory lock that keeps other processes from deleting it while we are open).
      this.#reader.stats();
      this.#openWal();
    } catch (cause) {
      throw new InboxStoreError(`Cannot open the SQLite inbox at ${options.path}: ${cause instanceof Error ? cause.message : String(cause)}`, { store: 'sqlite', operation: 'open', cause });
    }
    this.#checkpointer = new Worker(CHECKPOINTER_URL, {
      workerData: { path: options.path, busyTimeoutMs, everyMs: 100, restartAtFrames: 4096 } satisfies CheckpointerData,
    });
    this.#checkpointer.unref();
    this.#checkpointer.on('error', () => {
      // Without it, fall back to SQLite's own checkpoints so the WAL cannot grow without bound.
      if (!this.#closed) this.#db.pragma('wal_autocheckpoint = 1000');
    });
  }

  #openWal(): void {
    if (!this.#durable) return;
    this.#walFd = openSync(this.#walPath, 'r');
    // The WAL's directory entry must be durable too, once.
    const dir = openSync(dirname(this.#walPath), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }

  #write<T>(op: WriteOp): Promise<T> {
    if (this.#closed) return Promise.reject(new InboxStoreError('The SQLite inbox store is closed.', { store: 'sqlite', operation: op.op }));
    if (this.#broken) return Promise.reject(this.#broken);
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ op, resolve: resolve as (value: unknown) => void, reject });
      if (this.#queue.length >= this.#maxBatch) this.#commit();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#commitScheduled);
      }
    });
  }

  readonly #commitScheduled = (): void => {
    this.#scheduled = false;
    this.#commit();
  };

  #commit(): void {
    if (this.#queue.length === 0) return;
    const writes = this.#queue;
    this.#queue = [];
    if (this.#broken) {
      // SQLite's recovery stops at the first WAL frame that did not reach the disk, so nothing
      // written after a failed fsync can be acknowledged either.
      for (const write of writes) write.reject(this.#broken);
      this.#notifyDrained();
      return;
    }
    let results: unknown[];
    try {
      results = this.#writer.runBatch(writes.map((w) => w.op));
    } catch (cause) {
      const error = new InboxStoreError(`The SQLite inbox could not commit ${writes.length} write(s): ${cause instanceof Error ? cause.message : String(cause)}`, { store: 'sqlite', operation: 'commit', cause });
      for (const write of writes) write.reject(error);
      this.#notifyDrained();
      return;
    }
    if (!this.#durable) {
      for (let i = 0; i < writes.length; i++) writes[i]!.resolve(results[i]);
      this.#notifyDrained();
      return;
    }
    for (let i = 0; i < writes.length; i++) this.#unsynced.push({ write: writes[i]!, result: results[i] });
    this.#sync();
  }

  #sync(): void {
    if (this.#syncing || this.#unsynced.length === 0) return;
    const group = this.#unsynced;
    this.#unsynced = [];
    this.#syncing = true;
    let fd: number;
    try {
      fd = this.#currentWalFd();
    } catch (cause) {
      this.#syncDone(group, cause);
      return;
    }
    fdatasync(fd, (error) => this.#syncDone(group, error ?? undefined));
  }

  /** Our descriptor of the WAL, reopened if the file was replaced (it never is while we hold a connection, but a wrong fsync would be silent). */
  #currentWalFd(): number {
    const fd = this.#walFd!;
    if (fstatSync(fd).ino !== statSync(this.#walPath).ino) {
      closeSync(fd);
      this.#walFd = undefined;
      this.#openWal();
    }
    return this.#walFd!;
  }

  #syncDone(group: CommittedWrite[], cause: unknown): void {
    this.#syncing = false;
    if (cause !== undefined) {
      // After a failed fsync the kernel may have dropped the dirty pages: acknowledging anything
      // later could acknowledge lost data. Fail this group and every later write (503s) until a
      // restart lets SQLite recover from what is really on disk.
      this.#broken = new InboxStoreError(`fsync of the SQLite inbox WAL failed; restart the process: ${cause instanceof Error ? cause.message : String(cause)}`, { store: 'sqlite', operation: 'fsync', cause });
      for (const { write } of [...group, ...this.#unsynced]) write.reject(this.#broken);
      this.#unsynced = [];
    } else {
      for (const { write, result } of group) write.resolve(result);
    }
    if (this.#unsynced.length > 0) this.#sync();
    else this.#notifyDrained();
  }

  #notifyDrained(): void {
    if (this.#drained && !this.#syncing && this.#unsynced.length === 0 && this.#queue.length === 0) this.#drained();
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
      event: [event.source, event.id, event.type ?? null, event.timestamp ?? null, event.receivedAt, JSON.stringify(event.headers), toBuffer(event.body)],
    });
  }

  lease({ limit, leaseMs, now }: { limit: number; leaseMs: number; now: number }): Promise<LeasedInboxEvent[]> {
    return this.#write({ op: 'lease', limit, leaseMs, now, token: `${now.toString(36)}-${randomBytes(6).toString('hex')}` });
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

  /** Runs `work` and the processed mark in the next group commit (its own savepoint), durable like every write before it resolves. */
  transaction<T>(key: string, leaseToken: string, options: { now: () => number; retainMs: number }, work: (tx: Database.Database) => Promise<T> | T): Promise<TransactionOutcome<T>> {
    return this.#write({ op: 'transact', run: this.#transact(key, leaseToken, options, work as (tx: Database.Database) => T) });
  }

  replayDeadLetters(filter: DeadLetterFilter, { now }: { now: number }): Promise<number> {
    return this.#write({ op: 'replay', filter, now });
  }

  discardDeadLetters(filter: DeadLetterFilter, { now, retainMs }: { now: number; retainMs: number }): Promise<number> {
    return this.#write({ op: 'discard', filter, now, retainMs });
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
    this.#commit();
    if (this.#syncing || this.#unsynced.length > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
    const exited = new Promise((resolve) => this.#checkpointer.once('exit', resolve));
    this.#checkpointer.ref();
    this.#checkpointer.postMessage('close');
    await exited;
    if (this.#walFd !== undefined) closeSync(this.#walFd);
    this.#db.close();
  }
}

/**
 * The embedded inbox store: one SQLite file in WAL mode. An event is fsynced before `put` resolves,
 * so the inbox answers 2xx only for events on disk. Writes that arrive together share one commit
 * and one fsync (group commit), and the fsync runs off the event loop. Several processes may share
 * the file (workers in other processes, the CLI); for several machines use the Redis store.
 */
export function sqliteInboxStore(options: SqliteInboxStoreOptions): SqliteInboxStore {
  return new SqliteInboxStoreImpl(options);
}
