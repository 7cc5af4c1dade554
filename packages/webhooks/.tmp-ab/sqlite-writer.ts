// The threads of the SQLite inbox store. One file, two roles (workerData.role):
// - writer: all writes, one transaction (one fsync) per batch. Running commits here keeps the fsync
//   off the event loop that parses and verifies requests, so the next batch builds up while the disk
//   syncs the current one.
// - checkpointer: copies the WAL back into the database file. SQLite's automatic checkpoint runs
//   inside the commit that crosses the threshold, which stalls that commit (and every request in its
//   batch) for a full database write and fsync; here it runs beside the writer instead.
import Database from 'better-sqlite3';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { openInboxDatabase, SqliteInboxWriter, type SqliteConnectionOptions, type WriteOp } from '../src/stores/sqlite-engine.ts';

export interface WriterRequest {
  batch: number;
  ops: WriteOp[];
}

export type WriterReply = { batch: number; results: unknown[] } | { batch: number; error: string };

export type StoreThreadData = SqliteConnectionOptions & { role?: 'writer' | 'checkpointer' };

/** Copy the WAL every this often... */
const CHECKPOINT_EVERY_MS = 100;
/** ...and once it holds this many frames (16 MiB), also wait for a moment without writer to restart it from the top. */
const RESTART_AT_FRAMES = 4096;

if (parentPort === null) throw new Error('sqlite-writer runs as a worker thread of sqliteInboxStore.');
const port = parentPort;
const options = workerData as StoreThreadData;

if ((options.role as string) === 'idle') { port.on('message', () => port.close()); } else if (options.role === 'checkpointer') {
  const db = new Database(options.path, { timeout: options.busyTimeoutMs });
  const timer = setInterval(() => {
    try {
      const [status] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
      if (status && status.log >= RESTART_AT_FRAMES) db.pragma('wal_checkpoint(RESTART)');
    } catch {
      // Busy or interrupted: the next tick tries again; the WAL only grows meanwhile.
    }
  }, CHECKPOINT_EVERY_MS);
  port.on('message', () => {
    clearInterval(timer);
    db.close();
    port.close();
  });
} else {
  const db = openInboxDatabase(options);
  if (process.env.XCKPT !== '0') db.pragma('wal_autocheckpoint = 0');
  const writer = new SqliteInboxWriter(db);
  const checkpointer = new Worker(new URL(import.meta.url), { workerData: { ...options, role: process.env.XCKPT === '0' ? 'idle' : 'checkpointer' } as StoreThreadData });
  checkpointer.on('error', () => {
    // Without it, fall back to SQLite's own checkpoints so the WAL cannot grow without bound.
    db.pragma('wal_autocheckpoint = 1000');
  });

  port.on('message', (message: WriterRequest | 'close') => {
    if (message === 'close') {
      checkpointer.postMessage('close');
      checkpointer.once('exit', () => {
        db.close();
        port.close();
      });
      return;
    }
    let reply: WriterReply;
    try {
      const t0 = performance.now();
      reply = { batch: message.batch, results: writer.runBatch(message.ops) };
      if (process.env.WRITER_DEBUG) { const g = globalThis as any; g.__s ??= []; g.__s.push([message.ops.length, performance.now() - t0]); if (g.__s.length % 500 === 0) { const s = g.__s.splice(0); const sizes = s.map((x: any) => x[0]).sort((a: number, b: number) => a - b); const ms = s.map((x: any) => x[1]).sort((a: number, b: number) => a - b); console.error('batch p50', sizes[250], 'max', sizes[499], 'commit ms p50', ms[250].toFixed(2), 'p90', ms[450].toFixed(2), 'p99', ms[495].toFixed(2)); } }
    } catch (error) {
      reply = { batch: message.batch, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
    port.postMessage(reply);
  });
  port.postMessage('ready');
}
