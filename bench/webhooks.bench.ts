// Webhook receiving throughput: signed ~2 KB Standard Webhooks deliveries, 64 connections, each a
// distinct event id (nothing is deduplicated), against three servers, each in its own process:
//   bare   a node:http server that reads the body and answers 200 (the ceiling)
//   naive  verifies, then one INSERT (its own fsync) per request before answering (orientation)
//   inbox  @connectors/webhooks: verify, persist to SQLite (WAL, group commit, fsync), then 200
//   pg     @connectors/webhooks: verify, persist to PostgreSQL (group commit, the server's WAL flush), then 200
// Then the worker: events/s of the plain and the transactional (exactly-once effects) worker on PostgreSQL.
// The load generator (autocannon) runs in a separate process too. After each run the rows on disk are
// counted: every 2xx of the inbox must be a stored row.
//   node bench/webhooks.bench.ts            (BENCH_SECONDS=5, BENCH_ROUNDS=5, BENCH_CONNECTIONS=64, BENCH_LOAD_WARMUP=1)
// PostgreSQL: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test); a throwaway database is made and dropped.
// BENCH_PG_BATCHES sets the PostgreSQL store's maxConcurrentBatches (default: the store's own, 2).
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBenchDatabase, fmt, median, result, rotated } from './lib.ts';

const SELF = fileURLToPath(import.meta.url);
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const WARMUP_SECONDS = 2;
// Each load run is a fresh autocannon process; its first second (its own JIT, 64 new connections, and
// the server's pool reconnecting after the other servers' runs) is load but not measured. Counted in
// the stored-rows check and the failures all the same.
const LOAD_WARMUP_SECONDS = Number(process.env.BENCH_LOAD_WARMUP ?? 1);
const BODY_BYTES = 2048;
const RESPONSE = '{"status":"stored"}';

type Kind = 'bare' | 'naive' | 'inbox' | 'pg';
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const WORKER_EVENTS = Number(process.env.BENCH_WORKER_EVENTS ?? 2000);

interface LoadResult {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** A 2 KB event payload in the Standard Webhooks shape. */
function payload(): string {
  const head = '{"type":"invoice.paid","timestamp":"2024-05-01T00:00:00Z","data":{"pad":"';
  const tail = '"}}';
  return head + 'x'.repeat(BODY_BYTES - head.length - tail.length) + tail;
}

// ---------------------------------------------------------------- servers (child processes)

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function serve(kind: Kind, dbPath: string): Promise<void> {
  let handler: http.RequestListener;
  let count: () => number | Promise<number> = () => 0;
  let close: () => Promise<void> = async () => {};

  if (kind === 'bare') {
    let n = 0;
    count = () => n;
    handler = (req, res) => {
      void readBody(req).then(() => {
        n++;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': RESPONSE.length });
        res.end(RESPONSE);
      });
    };
  } else if (kind === 'naive') {
    const { default: Database } = await import('better-sqlite3');
    const { verifyWebhook, standardWebhooksScheme } = await import('@connectors/webhooks');
    const db = new Database(dbPath);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE events (id TEXT PRIMARY KEY, headers TEXT NOT NULL, body BLOB NOT NULL)');
    const insert = db.prepare('INSERT OR IGNORE INTO events (id, headers, body) VALUES (?, ?, ?)');
    count = () => (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    close = async () => db.close();
    handler = (req, res) => {
      void readBody(req).then((body) => {
        const verified = verifyWebhook(standardWebhooksScheme, { body, headers: req.headers, secret: SECRET });
        if (!verified.ok) {
          res.writeHead(401).end();
          return;
        }
        insert.run(verified.id, JSON.stringify(req.headers), body);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': RESPONSE.length });
        res.end(RESPONSE);
      });
    };
  } else if (kind === 'pg') {
    const { createWebhookInbox, standardWebhooksScheme } = await import('@connectors/webhooks');
    const { postgresInboxStore } = await import('@connectors/webhooks/postgres');
    const { default: pg } = await import('pg');
    const maxConcurrentBatches = process.env.BENCH_PG_BATCHES ? Number(process.env.BENCH_PG_BATCHES) : undefined;
    const pool = new pg.Pool({ connectionString: dbPath, max: Math.max(8, maxConcurrentBatches ?? 0) });
    const store = postgresInboxStore({ pool, schema: 'bench', maxConcurrentBatches });
    await store.ready();
    const inbox = createWebhookInbox({ store, sources: { bench: { scheme: standardWebhooksScheme, secret: SECRET } } });
    handler = inbox.nodeHandler();
    count = async () => Number((await pool.query('SELECT count(*) AS n FROM bench.webhook_inbox')).rows[0].n);
    close = async () => {
      await store.close();
      await pool.end();
    };
  } else {
    const { createWebhookInbox, standardWebhooksScheme } = await import('@connectors/webhooks');
    const { sqliteInboxStore } = await import('@connectors/webhooks/sqlite');
    const { default: Database } = await import('better-sqlite3');
    const store = sqliteInboxStore({ path: dbPath });
    const inbox = createWebhookInbox({ store, sources: { bench: { scheme: standardWebhooksScheme, secret: SECRET } } });
    handler = inbox.nodeHandler();
    count = () => {
      const db = new Database(dbPath, { readonly: true });
      const n = (db.prepare('SELECT count(*) AS n FROM webhook_inbox').get() as { n: number }).n;
      db.close();
      return n;
    };
    close = () => store.close();
  }

  let served = 0;
  const server = http.createServer((req, res) => {
    served++;
    handler(req, res);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address && typeof address === 'object') process.send?.({ port: address.port });
  });
  process.on('message', (message: { cmd: string }) => {
    if (message.cmd === 'count') {
      const cpu = process.cpuUsage();
      void Promise.resolve(count()).then((stored) => process.send?.({ stored, served, cpuMs: (cpu.user + cpu.system) / 1000 }));
    }
    if (message.cmd === 'stop') {
      server.closeAllConnections();
      server.close();
      void close().then(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
}

// ---------------------------------------------------------------- load generator (child process)

async function load(url: string, seconds: number, connections: number): Promise<void> {
  const { default: autocannon } = await import('autocannon');
  const { signWebhook, standardWebhooksScheme } = await import('@connectors/webhooks');
  const body = payload();
  let sequence = 0;
  const run = autocannon({
    url,
    connections,
    duration: seconds,
    ...(LOAD_WARMUP_SECONDS > 0 ? { warmup: { connections, duration: LOAD_WARMUP_SECONDS } } : {}),
    requests: [
      {
        method: 'POST',
        path: '/webhooks/bench',
        // Each request is a new event: a fresh id, signed now, as a provider would send it.
        setupRequest: (request: Record<string, unknown>) => ({
          ...request,
          body,
          headers: {
            'content-type': 'application/json',
            ...signWebhook(standardWebhooksScheme, { body, secret: SECRET, id: `msg_${process.pid}_${++sequence}` }),
          },
        }),
      },
    ],
  });
  const r = await run;
  // autocannon's types do not declare the warm-up's own result, which it attaches to the run's.
  const w = (r as typeof r & { warmup?: typeof r }).warmup;
  const summary: LoadResult = {
    rps: r.requests.average,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    ok: r['2xx'] + (w?.['2xx'] ?? 0),
    non2xx: r.non2xx + (w?.non2xx ?? 0),
    errors: r.errors + (w?.errors ?? 0),
    timeouts: r.timeouts + (w?.timeouts ?? 0),
  };
  process.send?.(summary, () => process.exit(0));
}

// ---------------------------------------------------------------- orchestration (parent)

function child(args: string[]) {
  // BENCH_PROFILE=inbox writes a CPU profile of that server to BENCH_PROFILE_DIR (default: the temp dir).
  const profile = args[0] === 'server' && process.env.BENCH_PROFILE === args[1] ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR ?? tmpdir()}`] : [];
  const proc = fork(SELF, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--no-warnings', ...profile] });
  const next = <T>(): Promise<T> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`child ${args.join(' ')} exited with ${code}`));
      proc.once('exit', onExit);
      proc.once('message', (m) => {
        proc.off('exit', onExit);
        resolve(m as T);
      });
    });
  return { proc, next };
}

interface RunningServer {
  kind: Kind;
  url: string;
  /** 2xx answers counted by the load generator so far (warm-up included). */
  acknowledged: number;
  stop(): Promise<{ stored: number; served: number; cpuMs: number }>;
}

async function startServer(kind: Kind, dir: string, target = join(dir, `${kind}.db`)): Promise<RunningServer> {
  const server = child(['server', kind, target]);
  const { port } = await server.next<{ port: number }>();
  return {
    kind,
    url: `http://127.0.0.1:${port}`,
    acknowledged: 0,
    async stop() {
      server.proc.send({ cmd: 'count' });
      const counts = await server.next<{ stored: number; served: number; cpuMs: number }>();
      server.proc.send({ cmd: 'stop' });
      await new Promise((resolve) => server.proc.once('exit', resolve));
      return counts;
    },
  };
}

async function loadRun(server: RunningServer, seconds: number): Promise<LoadResult> {
  const generator = child(['load', server.url, String(seconds), String(CONNECTIONS)]);
  const result = await generator.next<LoadResult>();
  server.acknowledged += result.ok;
  return result;
}

/** Stops the server and checks that every 2xx it gave is an event on disk. Returns its CPU per request. */
async function finish(server: RunningServer): Promise<{ stored: number; cpuUsPerRequest: number }> {
  const { stored, served, cpuMs } = await server.stop();
  // Requests still in flight when a load run stops are stored but not counted, hence the range.
  if (server.kind !== 'bare' && (stored < server.acknowledged || stored > server.acknowledged + 16 * CONNECTIONS)) {
    throw new Error(`${server.kind}: ${server.acknowledged} requests answered 2xx but ${stored} events stored`);
  }
  return { stored, cpuUsPerRequest: (cpuMs * 1000) / served };
}

/**
 * Worker throughput on PostgreSQL: WORKER_EVENTS stored events drained by one worker (concurrency 16),
 * each handler writing one effect row. Plain: the effect is its own statement (idempotent by key), then
 * the event is marked processed. Transactional: the effect and the processed mark commit in one
 * transaction (BEGIN, lock the event, INSERT, UPDATE, COMMIT). Alternating rounds; every effect is checked.
 */
async function workerBench(url: string): Promise<{ plain: number[]; transactional: number[] }> {
  const { default: pg } = await import('pg');
  const { createWebhookWorker, createTransactionalWebhookWorker } = await import('@connectors/webhooks');
  const { postgresInboxStore } = await import('@connectors/webhooks/postgres');
  const pool = new pg.Pool({ connectionString: url, max: 24 });
  const body = Buffer.from(payload());
  const out = { plain: [] as number[], transactional: [] as number[] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of ['plain', 'transactional'] as const) {
        const schema = `worker_${mode}_${round}`;
        const store = postgresInboxStore({ pool, schema });
        await store.ready();
        await pool.query(`CREATE TABLE ${schema}.effects (event_key text PRIMARY KEY, amount integer NOT NULL)`);
        await Promise.all(
          Array.from({ length: WORKER_EVENTS }, (_, i) =>
            store.put({ source: 'bench', id: `evt_${i}`, type: 'invoice.paid', timestamp: undefined, receivedAt: Date.now(), headers: { 'content-type': 'application/json' }, body }),
          ),
        );
        const insert = `INSERT INTO ${schema}.effects (event_key, amount) VALUES ($1, 1)`;
        const worker =
          mode === 'plain'
            ? createWebhookWorker({ store, concurrency: 16, handlers: { bench: async (_e, { idempotencyKey }) => void (await pool.query(`${insert} ON CONFLICT DO NOTHING`, [idempotencyKey])) } })
            : createTransactionalWebhookWorker<import('pg').PoolClient>({ store, concurrency: 16, handlers: { bench: async (e, { tx }) => void (await tx.query(insert, [e.key])) } });
        const started = performance.now();
        const drained = await worker.drain();
        const seconds = (performance.now() - started) / 1000;
        const effects = Number((await pool.query(`SELECT count(*) AS n FROM ${schema}.effects`)).rows[0].n);
        if (drained.processed !== WORKER_EVENTS || effects !== WORKER_EVENTS) throw new Error(`${mode} worker: ${drained.processed} processed, ${effects} effects, of ${WORKER_EVENTS}`);
        out[mode].push(WORKER_EVENTS / seconds);
        await store.close();
      }
    }
  } finally {
    await pool.end();
  }
  return out;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'webhooks-bench-'));
  const database = await createBenchDatabase(POSTGRES_URL);
  try {
    // Orientation: the naive receiver, once.
    const naive = await startServer('naive', dir);
    await loadRun(naive, WARMUP_SECONDS);
    const naiveRun = await loadRun(naive, SECONDS);
    const naiveEnd = await finish(naive);

    // The ceiling and the inbox, in alternating rounds so a noisy neighbour (shared disk and CPU) hits both alike.
    const bare = await startServer('bare', dir);
    const inbox = await startServer('inbox', dir);
    const pgInbox = await startServer('pg', dir, database.url);
    await loadRun(bare, WARMUP_SECONDS);
    await loadRun(inbox, WARMUP_SECONDS);
    await loadRun(pgInbox, WARMUP_SECONDS);
    const rounds: { bare: LoadResult; inbox: LoadResult; pg: LoadResult }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // The order rotates each round, so no server always runs first (or right after another's load).
      const results = new Map<RunningServer, LoadResult>();
      for (const server of rotated([bare, inbox, pgInbox], round)) results.set(server, await loadRun(server, SECONDS));
      rounds.push({ bare: results.get(bare)!, inbox: results.get(inbox)!, pg: results.get(pgInbox)! });
    }
    const bareEnd = await finish(bare);
    const inboxEnd = await finish(inbox);
    const pgEnd = await finish(pgInbox);
    const workers = await workerBench(database.url);

    console.log(`\nwebhook receiving: ${CONNECTIONS} connections, ${BODY_BYTES} B signed events (Standard Webhooks), each a new event id; autocannon in its own process; ${SECONDS} s measured per run after ${LOAD_WARMUP_SECONDS} s of unmeasured load`);
    console.log('| run | server | req/s | vs bare (same round) | p50 ms | p99 ms | max ms | non-2xx | errors |');
    console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
    const row = (run: string, name: string, r: LoadResult, ratio: string) =>
      console.log(`| ${run} | ${name} | ${fmt(r.rps)} | ${ratio} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.max, 1)} | ${r.non2xx} | ${r.errors + r.timeouts} |`);
    rounds.forEach(({ bare: b, inbox: i, pg: p }, n) => {
      row(`round ${n + 1}`, 'bare node:http (read body, 200)', b, '1.00x');
      row(`round ${n + 1}`, 'inbox: verify, SQLite group commit, fsync, 200', i, `${fmt(i.rps / b.rps, 2)}x`);
      row(`round ${n + 1}`, 'inbox: verify, PostgreSQL group commit (commit = WAL flush), 200', p, `${fmt(p.rps / b.rps, 2)}x`);
    });
    const bareMedian = median(rounds.map((r) => r.bare.rps));
    row('once', 'naive: verify, 1 INSERT + fsync per request, 200', naiveRun, `${fmt(naiveRun.rps / bareMedian, 2)}x (of median bare)`);

    const ratios = rounds.map((r) => r.inbox.rps / r.bare.rps);
    const ratio = median(ratios);
    const p99 = median(rounds.map((r) => r.inbox.p99));
    const non2xx = rounds.reduce((n, r) => n + r.inbox.non2xx + r.inbox.errors + r.inbox.timeouts, 0);
    const met = ratio >= 0.5 && p99 <= 25 && non2xx === 0;
    console.log(`server CPU per request (all threads): bare ${fmt(bareEnd.cpuUsPerRequest)} µs, inbox ${fmt(inboxEnd.cpuUsPerRequest)} µs, naive ${fmt(naiveEnd.cpuUsPerRequest)} µs`);
    console.log(`every 2xx of the inbox is a row on disk: ${inboxEnd.stored} stored, ${inbox.acknowledged} acknowledged (the difference: requests in flight when a run ended)`);
    console.log(`target: inbox >= 0.5x bare with p99 <= 25 ms (medians of ${ROUNDS} rounds) -> ${met ? 'met' : 'MISSED'} (${fmt(ratio, 2)}x, p99 ${fmt(p99, 1)} ms)`);
    const pgRatios = rounds.map((r) => r.pg.rps / r.bare.rps);
    const pgRatio = median(pgRatios);
    const pgP99 = median(rounds.map((r) => r.pg.p99));
    const pgFailures = rounds.reduce((n, r) => n + r.pg.non2xx + r.pg.errors + r.pg.timeouts, 0);
    const pgMet = pgRatio >= 0.4 && pgP99 <= 25 && pgFailures === 0;
    console.log(`server CPU per request (PostgreSQL inbox process; the database server's own CPU not included): ${fmt(pgEnd.cpuUsPerRequest)} µs`);
    console.log(`every 2xx of the PostgreSQL inbox is a committed row: ${pgEnd.stored} stored, ${pgInbox.acknowledged} acknowledged`);
    console.log(`target: PostgreSQL inbox >= 0.4x bare with p99 <= 25 ms (medians of ${ROUNDS} rounds) -> ${pgMet ? 'met' : 'MISSED'} (${fmt(pgRatio, 2)}x, p99 ${fmt(pgP99, 1)} ms)`);
    const plainRate = median(workers.plain);
    const txRate = median(workers.transactional);
    console.log(`\nworker on PostgreSQL, ${WORKER_EVENTS} events, concurrency 16, one effect row each (medians of ${ROUNDS} alternating rounds):`);
    console.log('| worker | events/s | rounds | vs plain |');
    console.log('|---|---:|---|---:|');
    console.log(`| plain (effect idempotent by key, then mark processed) | ${fmt(plainRate)} | ${workers.plain.map((x) => fmt(x)).join(', ')} | 1.00x |`);
    console.log(`| transactional (effect + processed mark in one transaction) | ${fmt(txRate)} | ${workers.transactional.map((x) => fmt(x)).join(', ')} | ${fmt(txRate / plainRate, 2)}x |`);
    result('webhooks', {
      connections: CONNECTIONS,
      seconds: SECONDS,
      rounds: ROUNDS,
      bodyBytes: BODY_BYTES,
      bare: { rps: Math.round(bareMedian), p99: median(rounds.map((r) => r.bare.p99)), cpuUsPerRequest: Math.round(bareEnd.cpuUsPerRequest) },
      inbox: { rps: Math.round(median(rounds.map((r) => r.inbox.rps))), p50: median(rounds.map((r) => r.inbox.p50)), p99, ratio: +ratio.toFixed(2), ratios: ratios.map((x) => +x.toFixed(2)), cpuUsPerRequest: Math.round(inboxEnd.cpuUsPerRequest), stored: inboxEnd.stored },
      naive: { rps: Math.round(naiveRun.rps), p99: naiveRun.p99, ratio: +(naiveRun.rps / bareMedian).toFixed(2) },
      target: met ? 'met' : 'missed',
      postgres: {
        rps: Math.round(median(rounds.map((r) => r.pg.rps))), p99: pgP99, ratio: +pgRatio.toFixed(2), ratios: pgRatios.map((x) => +x.toFixed(2)),
        cpuUsPerRequest: Math.round(pgEnd.cpuUsPerRequest), stored: pgEnd.stored, target: pgMet ? 'met' : 'missed',
      },
      worker: { events: WORKER_EVENTS, plainPerSecond: Math.round(plainRate), transactionalPerSecond: Math.round(txRate), ratio: +(txRate / plainRate).toFixed(2) },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  }
}

const [role, ...args] = process.argv.slice(2);
if (role === 'server') await serve(args[0] as Kind, args[1]!);
else if (role === 'load') await load(args[0]!, Number(args[1]), Number(args[2]));
else await main();
