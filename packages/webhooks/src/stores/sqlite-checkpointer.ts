// The checkpointer thread of the SQLite inbox store: copies the WAL back into the database file.
// SQLite's automatic checkpoint runs inside the commit that crosses its threshold, on the thread
// that commits, and writes and fsyncs the whole database file there. Here it runs beside the
// committing thread instead, so no request waits for it.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

export interface CheckpointerData {
  path: string;
  busyTimeoutMs: number;
  /** Copy the WAL every this often. */
  everyMs: number;
  /** Once the WAL holds this many frames, also wait for a moment without writer to restart it from the top. */
  restartAtFrames: number;
}

if (parentPort === null) throw new Error('sqlite-checkpointer runs as a worker thread of sqliteInboxStore.');
const port = parentPort;
const options = workerData as CheckpointerData;
const db = new Database(options.path, { timeout: options.busyTimeoutMs });
db.pragma('synchronous = NORMAL');

const timer = setInterval(() => {
  try {
    const [status] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    if (status && status.log >= options.restartAtFrames) db.pragma('wal_checkpoint(RESTART)');
  } catch {
    // Busy or interrupted: the next tick tries again; the WAL only grows meanwhile.
  }
}, options.everyMs);

port.on('message', () => {
  clearInterval(timer);
  db.close();
  port.close();
});
