// Shared benchmark plumbing: child-process servers, closed-loop load, medians, result lines.
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export interface ServerHandle {
  url: string;
  info: Record<string, unknown>;
  stop(): void;
}

/** Starts `bench/servers/<name>.ts` in its own process; it must `process.send({ port })` when listening. */
export function startServer(name: string, args: string[] = []): Promise<ServerHandle> {
  const file = fileURLToPath(new URL(`./servers/${name}.ts`, import.meta.url));
  const child: ChildProcess = fork(file, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server ${name} exited with ${code}`)));
    child.once('message', (message) => {
      const info = message as { port: number } & Record<string, unknown>;
      resolve({ url: `http://127.0.0.1:${info.port}`, info, stop: () => child.kill() });
    });
  });
}

/** Runs `fn` with `concurrency` calls always in flight for `durationMs`; returns calls per second. */
export async function closedLoop(fn: () => Promise<unknown>, concurrency: number, durationMs: number): Promise<number> {
  let done = 0;
  const end = performance.now() + durationMs;
  const start = performance.now();
  const worker = async () => {
    while (performance.now() < end) {
      await fn();
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - start) / 1000);
}

/**
 * The order variants run in during round `round`: rotated by one each round, so no variant always
 * follows the same neighbour (the one before leaves garbage and cold caches to whoever runs next;
 * with a fixed order that cost always landed on the same variant).
 */
export function rotated<T>(items: readonly T[], round: number): T[] {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function machine(): string {
  return `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** The last line of every benchmark: machine-readable, collected by run.ts. */
export function result(name: string, data: Record<string, unknown>): void {
  console.log(`RESULT ${name} ${JSON.stringify({ date: new Date().toISOString().slice(0, 10), machine: machine(), ...data })}`);
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * A throwaway database on the PostgreSQL server at `serverUrl` (its URL), dropped by `drop()`. `pg` is
 * loaded only by the benches that call this.
 */
export async function createBenchDatabase(serverUrl: string, label = 'bench'): Promise<{ url: string; drop: () => Promise<void> }> {
  const { default: pg } = await import('pg');
  const name = `connectors_${label}_${process.pid}_${Date.now()}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
