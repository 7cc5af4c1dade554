import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { event } from '../stores/__fixtures__/inbox-store-contract.ts';
import { createTestDatabase, type TestDatabase } from '../stores/__fixtures__/postgres-helpers.ts';
import { postgresInboxStore } from '../stores/postgres-inbox-store.ts';

const WORKER = fileURLToPath(new URL('./__fixtures__/postgres-worker-process.ts', import.meta.url));
const EVENTS = 300;
const children = new Set<ChildProcess>();
let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase('workers');
  pool = new pg.Pool({ connectionString: database.url });
});
afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

function startWorker(schema: string, mode: 'transactional' | 'plain'): { child: ChildProcess; ready: Promise<void>; exited: Promise<unknown> } {
  const child = spawn(process.execPath, ['--no-warnings', WORKER, database.url, schema, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => { children.delete(child); resolve(signal ?? code); }));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    void exited.then((how) => reject(new Error(`worker exited (${String(how)}) before ready; stderr: ${err}`)));
  });
  return { child, ready, exited };
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Three worker processes on one inbox; the first is SIGKILLed mid-lease once a sixth of the events are done. */
async function runWithOneKilled(schema: string, mode: 'transactional' | 'plain') {
  const store = postgresInboxStore({ pool, schema });
  await store.ready();
  await pool.query(`CREATE TABLE "${schema}".effects (event_key text NOT NULL, pid integer NOT NULL)`);
  await pool.query(`CREATE TABLE "${schema}".runs (event_key text NOT NULL, pid integer NOT NULL, attempt integer NOT NULL)`);
  const workers = [startWorker(schema, mode), startWorker(schema, mode), startWorker(schema, mode)];
  await Promise.all(workers.map((w) => w.ready));
  const stored = await Promise.all(Array.from({ length: EVENTS }, (_, i) => store.put(event(`evt-${i}`, { receivedAt: Date.now() }))));
  expect(stored.every((outcome) => outcome === 'stored')).toBe(true);

  const processed = async () => Number((await pool.query(`SELECT count(*) AS n FROM "${schema}".webhook_inbox WHERE state = 'processed'`)).rows[0].n);
  await until(async () => (await processed()) >= EVENTS / 6, "a sixth of the events");
  const victim = workers[0]!;
  if (mode === 'transactional') {
    // Mid-lease for real: kill while the victim has a handler that started (its `runs` row is
    // committed outside the transaction) and whose transaction has not committed its effect yet.
    // Killing at an arbitrary moment sometimes caught it between events, which proves nothing.
    const inFlight = async () => {
      const { rows } = await pool.query(
        `SELECT (SELECT count(*) FROM "${schema}".runs WHERE pid = $1) - (SELECT count(*) FROM "${schema}".effects WHERE pid = $1) AS n`,
        [victim.child.pid],
      );
      return Number(rows[0].n) > 0;
    };
    await until(inFlight, 'a handler of the victim in flight');
  }
  const victimLeases = Number((await pool.query(`SELECT count(*) AS n FROM "${schema}".runs WHERE pid = $1`, [victim.child.pid])).rows[0].n);
  victim.child.kill('SIGKILL');
  expect(await victim.exited).toBe('SIGKILL');
  expect(victimLeases).toBeGreaterThan(0);

  await until(async () => (await processed()) === EVENTS, "every event to be processed");
  for (const w of workers.slice(1)) w.child.kill('SIGTERM');
  await Promise.all(workers.slice(1).map((w) => w.exited));
  expect(await store.stats()).toEqual({ pending: 0, leased: 0, deadLetters: 0 });

  const effects = (await pool.query<{ event_key: string; n: string }>(`SELECT event_key, count(*) AS n FROM "${schema}".effects GROUP BY event_key`)).rows;
  const runs = (await pool.query<{ event_key: string; pid: number }>(`SELECT event_key, pid FROM "${schema}".runs`)).rows;
  const victimRuns = runs.filter((r) => r.pid === victim.child.pid).length;
  const victimEffects = Number((await pool.query(`SELECT count(*) AS n FROM "${schema}".effects WHERE pid = $1`, [victim.child.pid])).rows[0].n);
  await store.close();
  return { effects, runs, victimRuns, victimEffects };
}

describe('three worker processes on one PostgreSQL inbox, one SIGKILLed mid-lease', () => {
  it('transactional mode: every event processed, every effect applied exactly once (counted in the database)', async () => {
    const { effects, runs, victimRuns, victimEffects } = await runWithOneKilled('tx_mode', 'transactional');
    expect(effects).toHaveLength(EVENTS);
    expect(effects.filter((row) => Number(row.n) !== 1)).toEqual([]);
    // The handler itself ran at least once per event, more for those the killed worker held: their
    // writes were rolled back with its transactions, so they left no effect.
    expect(new Set(runs.map((r) => r.event_key)).size).toBe(EVENTS);
    expect(runs.length).toBeGreaterThan(EVENTS);
    expect(victimRuns).toBeGreaterThan(victimEffects);
  }, 60_000);

  it('plain mode: every event processed at least once (effects without the transaction may repeat)', async () => {
    const { effects, runs } = await runWithOneKilled('plain_mode', 'plain');
    expect(effects).toHaveLength(EVENTS);
    expect(effects.every((row) => Number(row.n) >= 1)).toBe(true);
    expect(runs.length).toBeGreaterThanOrEqual(EVENTS);
  }, 60_000);
});
