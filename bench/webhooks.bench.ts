// Webhook receiving throughput: signed ~2 KB Standard Webhooks deliveries, 64 connections, each a
// distinct event id (nothing is deduplicated), against three servers, each in its own process:
//   bare   a node:http server that reads the body and answers 200 (the ceiling)
//   naive  verifies, then one INSERT (its own fsync) per request before answering (orientation)
//   inbox  @connectors/webhooks: verify, persist to SQLite (WAL, synchronous=FULL, group commit), then 200
// The load generator (autocannon) runs in a separate process too. After each run the rows on disk are
// counted: every 2xx of the inbox must be a stored row.
//   node bench/webhooks.bench.ts            (BENCH_SECONDS=8, BENCH_CONNECTIONS=64)
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, result } from './lib.ts';

const SELF = fileURLToPath(import.meta.url);
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const WARMUP_SECONDS = 2;
const BODY_BYTES = 2048;
const RESPONSE = '{"status":"stored"}';

type Kind = 'bare' | 'naive' | 'inbox';

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
  let count: () => number = () => 0;
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

  const server = http.createServer(handler);
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address && typeof address === 'object') process.send?.({ port: address.port });
  });
  process.on('message', (message: { cmd: string }) => {
    if (message.cmd === 'count') process.send?.({ stored: count() });
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
  const summary: LoadResult = {
    rps: r.requests.average,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
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

async function measure(kind: Kind, dir: string): Promise<LoadResult & { stored: number }> {
  const server = child(['server', kind, join(dir, `${kind}.db`)]);
  const { port } = await server.next<{ port: number }>();
  const url = `http://127.0.0.1:${port}`;
  const warm = child(['load', url, String(WARMUP_SECONDS), String(CONNECTIONS)]);
  const warmResult = await warm.next<LoadResult>();
  const measured = child(['load', url, String(SECONDS), String(CONNECTIONS)]);
  const loadResult = await measured.next<LoadResult>();
  server.proc.send({ cmd: 'count' });
  const { stored } = await server.next<{ stored: number }>();
  server.proc.send({ cmd: 'stop' });
  await new Promise((resolve) => server.proc.once('exit', resolve));
  // Requests still in flight when autocannon stops are stored but not counted, hence the range.
  const acknowledged = warmResult.ok + loadResult.ok;
  if (kind !== 'bare' && (stored < acknowledged || stored > acknowledged + 2 * CONNECTIONS)) {
    throw new Error(`${kind}: ${acknowledged} requests answered 2xx but ${stored} events stored`);
  }
  return { ...loadResult, stored };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'webhooks-bench-'));
  const results = {} as Record<Kind, LoadResult & { stored: number }>;
  try {
    for (const kind of ['bare', 'naive', 'inbox'] as const) results[kind] = await measure(kind, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const bare = results.bare.rps;
  console.log(`\nwebhook receiving, ${CONNECTIONS} connections, ${BODY_BYTES} B signed events (Standard Webhooks), ${SECONDS} s each, autocannon in its own process`);
  console.log('| server | req/s | vs bare | p50 ms | p99 ms | max ms | non-2xx | errors |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  const names: Record<Kind, string> = {
    bare: 'bare node:http (read body, 200)',
    naive: 'naive: verify + 1 INSERT/fsync per request',
    inbox: 'inbox: verify + SQLite group commit, fsync before 200',
  };
  for (const kind of ['bare', 'naive', 'inbox'] as const) {
    const r = results[kind];
    console.log(`| ${names[kind]} | ${fmt(r.rps)} | ${fmt(r.rps / bare, 2)}x | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.max, 1)} | ${r.non2xx} | ${r.errors + r.timeouts} |`);
  }
  const ratio = results.inbox.rps / bare;
  const met = ratio >= 0.5 && results.inbox.p99 <= 25 && results.inbox.non2xx === 0;
  console.log(`every 2xx of the inbox is a row on disk: ${results.inbox.stored} stored`);
  console.log(`target: inbox >= 0.5x bare with p99 <= 25 ms -> ${met ? 'met' : 'MISSED'} (${fmt(ratio, 2)}x, p99 ${fmt(results.inbox.p99, 1)} ms)`);
  result('webhooks', {
    connections: CONNECTIONS,
    seconds: SECONDS,
    bodyBytes: BODY_BYTES,
    bare: { rps: Math.round(bare), p50: results.bare.p50, p99: results.bare.p99 },
    naive: { rps: Math.round(results.naive.rps), p50: results.naive.p50, p99: results.naive.p99, ratio: +(results.naive.rps / bare).toFixed(2) },
    inbox: { rps: Math.round(results.inbox.rps), p50: results.inbox.p50, p99: results.inbox.p99, ratio: +ratio.toFixed(2), stored: results.inbox.stored },
    target: met ? 'met' : 'missed',
  });
}

const [role, ...args] = process.argv.slice(2);
if (role === 'server') await serve(args[0] as Kind, args[1]!);
else if (role === 'load') await load(args[0]!, Number(args[1]), Number(args[2]));
else await main();
