// How many group commits the PostgreSQL inbox should keep in flight (`maxConcurrentBatches`): the bare
// server and one PostgreSQL inbox per setting, each in its own process and database, loaded in turn in
// rotating order, so every round compares the settings against the same moment's bare server. Uses
// webhooks.bench.ts's servers and load generator (64 connections, signed 2 KB events, 1 s unmeasured
// warm-up per load run).
//   node bench/postgres-inbox-batches.bench.ts   (BENCH_BATCHES=1,2,4,8, BENCH_ROUNDS=5, BENCH_SECONDS=5, BENCH_POSTGRES_URL)
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createBenchDatabase, fmt, median, result, rotated } from './lib.ts';

const WEBHOOKS_BENCH = fileURLToPath(new URL('./webhooks.bench.ts', import.meta.url));
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SETTINGS = (process.env.BENCH_BATCHES ?? '1,2,4,8').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 64;
if (SETTINGS.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`BENCH_BATCHES: whole numbers >= 1, comma-separated; got ${process.env.BENCH_BATCHES}`);

interface Server {
  name: string;
  url: string;
  proc: ChildProcess;
}
interface Load {
  rps: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

const databases: { drop: () => Promise<void> }[] = [];
const servers: Server[] = [];

async function start(name: string, kind: 'bare' | 'pg', target: string, env: Record<string, string> = {}): Promise<void> {
  const proc = fork(WEBHOOKS_BENCH, ['server', kind, target], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--no-warnings'], env: { ...process.env, ...env } });
  const { port } = await new Promise<{ port: number }>((resolve) => proc.once('message', resolve as (m: unknown) => void));
  servers.push({ name, url: `http://127.0.0.1:${port}`, proc });
}

function load(server: Server): Promise<Load> {
  const generator = fork(WEBHOOKS_BENCH, ['load', server.url, String(SECONDS), String(CONNECTIONS)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--no-warnings'] });
  return new Promise((resolve) => generator.once('message', resolve as (m: unknown) => void));
}

try {
  await start('bare', 'bare', '-');
  for (const batches of SETTINGS) {
    const database = await createBenchDatabase(POSTGRES_URL, `bench_batches_${batches}`);
    databases.push(database);
    await start(`${batches}`, 'pg', database.url, { BENCH_PG_BATCHES: String(batches) });
  }
  for (const server of servers) await load(server); // warms each server (JIT, pool, tables)

  const ratios = new Map<string, number[]>(SETTINGS.map((n) => [String(n), []]));
  const p99s = new Map<string, number[]>(SETTINGS.map((n) => [String(n), []]));
  let failures = 0;
  console.log(`PostgreSQL inbox, group commits in flight (maxConcurrentBatches) against the bare server: ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} rounds in rotating order`);
  console.log(`| round | bare req/s | ${SETTINGS.map((n) => `${n} in flight`).join(' | ')} |`);
  console.log(`|---|---:|${SETTINGS.map(() => '---:').join('|')}|`);
  for (let round = 0; round < ROUNDS; round++) {
    const got = new Map<Server, Load>();
    for (const server of rotated(servers, round)) got.set(server, await load(server));
    const bare = got.get(servers[0]!)!.rps;
    const cells: string[] = [];
    for (const server of servers.slice(1)) {
      const r = got.get(server)!;
      failures += r.non2xx + r.errors + r.timeouts;
      ratios.get(server.name)!.push(r.rps / bare);
      p99s.get(server.name)!.push(r.p99);
      cells.push(`${fmt(r.rps / bare, 2)}x, p99 ${fmt(r.p99)} ms`);
    }
    console.log(`| ${round + 1} | ${fmt(bare)} | ${cells.join(' | ')} |`);
  }
  console.log(`| median | | ${SETTINGS.map((n) => `${fmt(median(ratios.get(String(n))!), 2)}x, p99 ${fmt(median(p99s.get(String(n))!))} ms`).join(' | ')} |`);
  if (failures > 0) throw new Error(`${failures} requests failed (non-2xx, errors or timeouts)`);
  result('postgres-inbox-batches', {
    connections: CONNECTIONS,
    seconds: SECONDS,
    rounds: ROUNDS,
    settings: Object.fromEntries(SETTINGS.map((n) => [n, { ratio: +median(ratios.get(String(n))!).toFixed(2), ratios: ratios.get(String(n))!.map((x) => +x.toFixed(2)), p99: median(p99s.get(String(n))!) }])),
  });
} finally {
  for (const server of servers) server.proc.send({ cmd: 'stop' });
  await Promise.all(servers.map((server) => new Promise((resolve) => (server.proc.exitCode !== null ? resolve(null) : server.proc.once('exit', resolve)))));
  for (const database of databases) await database.drop();
}
