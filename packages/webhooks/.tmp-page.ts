import Database from 'better-sqlite3';
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteInboxWriter, type WriteOp } from './src/stores/sqlite-engine.ts';
const body = Buffer.alloc(2048, 0x61);
const headers = JSON.stringify({ host: '127.0.0.1:4000', connection: 'keep-alive', 'content-type': 'application/json', 'content-length': '2048', 'webhook-id': 'msg_12345_678901', 'webhook-timestamp': '1714000000', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' });
const results: Record<string, number[]> = {};
for (let round = 0; round < 3; round++) for (const pageSize of [4096, 8192, 16384]) {
  const dir = mkdtempSync(join(tmpdir(), 'page-'));
  const db = new Database(join(dir, 'x.db'));
  db.pragma(`page_size = ${pageSize}`);
  db.pragma('journal_mode = WAL'); db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE IF NOT EXISTS webhook_inbox (seq INTEGER PRIMARY KEY, source TEXT NOT NULL, event_id TEXT NOT NULL, type TEXT, event_ts INTEGER, received_at INTEGER NOT NULL, headers TEXT NOT NULL, body BLOB NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, due_at INTEGER NOT NULL, lease_token TEXT, last_error TEXT, changed_at INTEGER, UNIQUE (source, event_id)); CREATE INDEX IF NOT EXISTS webhook_inbox_state_due ON webhook_inbox (state, due_at);`);
  const w = new SqliteInboxWriter(db);
  let n = 0; const times: number[] = [];
  for (let b = 0; b < 400; b++) {
    const ops: WriteOp[] = [];
    for (let i = 0; i < 24; i++) ops.push({ op: 'put', event: ['bench', `msg_${n++}`, 'invoice.paid', 1714000000000, Date.now(), headers, body] });
    const t = performance.now(); w.runBatch(ops); times.push(performance.now() - t);
  }
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  (results[pageSize] ??= []).push(mean);
  db.close(); rmSync(dir, { recursive: true });
}
for (const [k, v] of Object.entries(results)) console.log(`page ${k}: mean commit ms per 24 rows`, v.map((x) => x.toFixed(2)).join(' '));
