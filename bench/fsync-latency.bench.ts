// The disk's own flush latency, the floor under every durable inbox's p99: 8 KB written and fdatasync'd
// every 2 ms for BENCH_SECONDS (default 20) in BENCH_FSYNC_DIR (default: the OS temp dir; point it at
// PostgreSQL's data disk to see what its WAL flushes meet). Nothing else runs meanwhile.
//   node bench/fsync-latency.bench.ts
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fmt, result } from './lib.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const dir = mkdtempSync(join(process.env.BENCH_FSYNC_DIR ?? tmpdir(), 'fsync-'));
const fd = openSync(join(dir, 'probe'), 'w');
const page = Buffer.alloc(8192, 0x78);
const latencies: number[] = [];
try {
  const end = Date.now() + SECONDS * 1000;
  for (let i = 0; Date.now() < end; i++) {
    writeSync(fd, page, 0, page.length, (i % 128) * page.length);
    const started = performance.now();
    fdatasyncSync(fd);
    latencies.push(performance.now() - started);
    await sleep(2);
  }
} finally {
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
}
latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))]!;
const over10 = latencies.filter((ms) => ms > 10).length;
console.log(`fdatasync of 8 KB, ${latencies.length} flushes in ${SECONDS} s: p50 ${fmt(at(0.5), 2)} ms, p99 ${fmt(at(0.99), 2)} ms, p99.9 ${fmt(at(0.999), 2)} ms, max ${fmt(at(1), 1)} ms; ${over10} over 10 ms`);
result('fsync-latency', { flushes: latencies.length, p50: +at(0.5).toFixed(2), p99: +at(0.99).toFixed(2), p999: +at(0.999).toFixed(2), max: +at(1).toFixed(1), over10ms: over10 });
