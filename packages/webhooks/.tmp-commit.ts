import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openInboxDatabase, SqliteInboxWriter, type WriteOp } from './src/stores/sqlite-engine.ts';
const body = Buffer.alloc(2048, 0x61);
for (const autockpt of [1000, 0, 10000]) {
  const dir = mkdtempSync(join(tmpdir(), 'commit-'));
  const db = openInboxDatabase({ path: join(dir, 'x.db'), busyTimeoutMs: 5000, synchronous: (process.env.SYNC as 'FULL') ?? 'FULL' });
  db.pragma(`wal_autocheckpoint = ${autockpt}`);
  const w = new SqliteInboxWriter(db);
  const times: number[] = []; let n = 0;
  const t0 = performance.now();
  for (let b = 0; b < 300; b++) {
    const ops: WriteOp[] = [];
    for (let i = 0; i < 64; i++) ops.push({ op: 'put', event: ['bench', `id-${n++}`, 'x', 1, Date.now(), '{"a":"b","content-type":"application/json","webhook-id":"msg_1"}', body] });
    const t = performance.now(); w.runBatch(ops); times.push(performance.now() - t);
  }
  const total = performance.now() - t0;
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.floor(p * (times.length - 1))]!.toFixed(2);
  console.log(`autocheckpoint ${autockpt}: rows/s ${Math.round(n / total * 1000)} commit ms p50 ${q(0.5)} p90 ${q(0.9)} p99 ${q(0.99)} max ${q(1)}`);
  db.close(); rmSync(dir, { recursive: true });
}
