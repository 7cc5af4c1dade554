// The writer thread of the SQLite inbox store: all writes, one transaction (one fsync) per batch.
// Running commits here keeps the fsync off the event loop that parses and verifies requests, so the
// next batch builds up while the disk syncs the current one.
import { parentPort, workerData } from 'node:worker_threads';
import { openInboxDatabase, SqliteInboxWriter, type SqliteConnectionOptions, type WriteOp } from './sqlite-engine.ts';

export interface WriterRequest {
  batch: number;
  ops: WriteOp[];
}

export type WriterReply = { batch: number; results: unknown[] } | { batch: number; error: string };

if (parentPort === null) throw new Error('sqlite-writer runs as a worker thread of sqliteInboxStore.');
const port = parentPort;
const db = openInboxDatabase(workerData as SqliteConnectionOptions);
const writer = new SqliteInboxWriter(db);

port.on('message', (message: WriterRequest | 'close') => {
  if (message === 'close') {
    db.close();
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    reply = { batch: message.batch, results: writer.runBatch(message.ops) };
  } catch (error) {
    reply = { batch: message.batch, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
  port.postMessage(reply);
});
port.postMessage('ready');
