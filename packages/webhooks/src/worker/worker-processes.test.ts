import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { event } from '../stores/__fixtures__/inbox-store-contract.ts';
import { redisInboxStore } from '../stores/redis-inbox-store.ts';
import { deletePrefix, REDIS_URL } from '../stores/__fixtures__/redis-helpers.ts';
import { sqliteInboxStore } from '../stores/sqlite-inbox-store.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));
const children = new Set<ChildProcess>();

function startWorker(script: string, args: string[]): { child: ChildProcess; waitFor: (line: string) => Promise<void>; exited: Promise<NodeJS.Signals | number | null> } {
  const child = spawn(process.execPath, ['--no-warnings', fixture(script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  const waiters: { line: string; resolve: () => void }[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of [...waiters]) if (out.split('\n').includes(w.line)) w.resolve();
  });
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => { children.delete(child); resolve(signal ?? code); }));
  return {
    child,
    exited,
    waitFor: (line) =>
      new Promise((resolve, reject) => {
        if (out.split('\n').includes(line)) return resolve();
        const timer = setTimeout(() => reject(new Error(`worker did not print "${line}" in time; stderr: ${err}`)), 10_000);
        waiters.push({ line, resolve: () => { clearTimeout(timer); resolve(); } });
        void exited.then((how) => reject(new Error(`worker exited (${String(how)}) before "${line}"; stderr: ${err}`)));
      }),
  };
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
});

describe('worker processes', () => {
  it('a worker SIGKILLed between the effect and the acknowledgement: the event runs again after the lease and its effect happens once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webhooks-crash-'));
    const path = join(dir, 'inbox.db');
    const store = sqliteInboxStore({ path });
    for (const id of ['victim', 'e2', 'e3']) await store.put(event(id, { receivedAt: id === 'victim' ? 0 : Date.now() }));

    const doomed = startWorker('sqlite-worker-process.ts', [path, 'hang-after-effect']);
    await doomed.waitFor('effect-applied');
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).toBe('SIGKILL');
    expect(await store.get('github:victim')).toMatchObject({ state: 'leased', attempts: 1 });

    const survivor = startWorker('sqlite-worker-process.ts', [path]);
    await survivor.waitFor('ready');
    await until(async () => (await store.get('github:victim'))?.state === 'processed', 'the victim to be processed');
    await until(async () => (await store.stats()).pending === 0 && (await store.stats()).leased === 0, 'the queue to empty');
    survivor.child.kill('SIGTERM');
    await survivor.exited;

    const db = new Database(path, { readonly: true });
    const runs = db.prepare("SELECT pid, attempt FROM runs WHERE event_key = 'github:victim' ORDER BY attempt").all() as { pid: number; attempt: number }[];
    expect(runs.map((r) => r.attempt)).toEqual([1, 2]);
    expect(runs[0]!.pid).toBe(doomed.child.pid);
    expect(runs[1]!.pid).toBe(survivor.child.pid);
    expect(db.prepare('SELECT event_key FROM effects ORDER BY event_key').all()).toEqual([
      { event_key: 'github:e2' },
      { event_key: 'github:e3' },
      { event_key: 'github:victim' },
    ]);
    db.close();
    for (const key of ['github:victim', 'github:e2', 'github:e3']) expect(await store.get(key)).toMatchObject({ state: 'processed' });
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two worker processes sharing a Redis queue process each event once', async () => {
    const prefix = `test-webhooks-${randomUUID()}`;
    const redis = new Redis(REDIS_URL);
    const store = redisInboxStore({ redis, prefix });
    try {
      const a = startWorker('redis-worker-process.ts', [REDIS_URL, prefix]);
      const b = startWorker('redis-worker-process.ts', [REDIS_URL, prefix]);
      await Promise.all([a.waitFor('ready'), b.waitFor('ready')]);
      const ids = Array.from({ length: 60 }, (_, i) => `evt-${i}`);
      await Promise.all(ids.map((id) => store.put(event(id, { receivedAt: Date.now() }))));
      await until(async () => {
        const stats = await store.stats();
        return stats.pending === 0 && stats.leased === 0;
      }, 'both workers to drain the queue');
      a.child.kill('SIGTERM');
      b.child.kill('SIGTERM');
      await Promise.all([a.exited, b.exited]);

      const runs = (await redis.lrange(`${store.keyPrefix}:test-runs`, 0, -1)).map((r) => r.split('|'));
      expect(runs).toHaveLength(ids.length);
      expect(new Set(runs.map(([key]) => key))).toEqual(new Set(ids.map((id) => `github:${id}`)));
      const pids = new Set(runs.map(([, pid]) => Number(pid)));
      expect(pids).toEqual(new Set([a.child.pid, b.child.pid]));
      for (const id of ids) expect(await store.get(`github:${id}`)).toMatchObject({ state: 'processed' });
    } finally {
      await deletePrefix(redis, store.keyPrefix);
      await redis.quit();
    }
  });
});
