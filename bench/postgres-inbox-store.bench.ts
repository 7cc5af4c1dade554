// The PostgreSQL inbox store alone (no HTTP): puts per second with 64 in flight, and the CPU each put costs
// this process and the PostgreSQL server (summed over its processes from /proc, so Linux only, and the
// server must be local). Explains webhooks.bench.ts, where the store shares 2 cores with node:http and
// the load generator.
//   node bench/postgres-inbox-store.bench.ts   (BENCH_PUTS=20000, BENCH_ROUNDS=3, BENCH_IN_FLIGHT=64, BENCH_POSTGRES_URL)
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { postgresInboxStore } from '@connectors/webhooks/postgres';
import { fmt, median, result } from './lib.ts';

const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PUTS = Number(process.env.BENCH_PUTS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 64);

/** CPU time (ms) used so far by every process named postgres on this machine. */
function postgresCpuMs(): number {
  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (!readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres')) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // The process ended between listing and reading.
    }
  }
  return ticks / ticksPerMs;
}

const body = Buffer.alloc(2048, 0x78);
const headers = { 'content-type': 'application/json', 'webhook-id': 'msg_bench', 'webhook-timestamp': '1714521600', 'webhook-signature': `v1,${'a'.repeat(44)}`, 'user-agent': 'bench' };
const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 8 });
const rounds: { rate: number; nodeUs: number; postgresUs: number }[] = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    const schema = `bench_store_${process.pid}_${round}`;
    const store = postgresInboxStore({ pool, schema });
    await store.ready();
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < PUTS) {
        const id = `evt_${next++}`;
        await store.put({ source: 'bench', id, type: 'invoice.paid', timestamp: 1714521600000, receivedAt: Date.now(), headers, body });
      }
    };
    const cpu = process.cpuUsage();
    const postgres = postgresCpuMs();
    const started = performance.now();
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    rounds.push({ rate: (PUTS / ms) * 1000, nodeUs: (used.user + used.system) / PUTS, postgresUs: ((postgresCpuMs() - postgres) * 1000) / PUTS });
    const stored = Number((await pool.query(`SELECT count(*) AS n FROM ${schema}.webhook_inbox`)).rows[0].n);
    if (stored !== PUTS) throw new Error(`${PUTS} puts resolved but ${stored} rows stored`);
    await store.close();
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
  }
} finally {
  await pool.end();
}
console.log(`PostgreSQL inbox store, ${PUTS} puts of 2 KB bodies, ${IN_FLIGHT} in flight, ${ROUNDS} rounds`);
console.log('| round | puts/s | node CPU per put | PostgreSQL CPU per put |');
console.log('|---|---:|---:|---:|');
rounds.forEach((r, i) => console.log(`| ${i + 1} | ${fmt(r.rate)} | ${fmt(r.nodeUs, 1)} µs | ${fmt(r.postgresUs, 1)} µs |`));
result('postgres-inbox-store', {
  puts: PUTS,
  rate: Math.round(median(rounds.map((r) => r.rate))),
  nodeUsPerPut: +median(rounds.map((r) => r.nodeUs)).toFixed(1),
  postgresUsPerPut: +median(rounds.map((r) => r.postgresUs)).toFixed(1),
});
