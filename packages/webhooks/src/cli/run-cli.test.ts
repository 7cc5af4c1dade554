import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { event } from '../stores/__fixtures__/inbox-store-contract.ts';
import { deletePrefix, REDIS_URL } from '../stores/__fixtures__/redis-helpers.ts';
import type { InboxStore } from '../stores/inbox-store.ts';
import { redisInboxStore } from '../stores/redis-inbox-store.ts';
import { sqliteInboxStore, type SqliteInboxStore } from '../stores/sqlite-inbox-store.ts';
import { createWebhookWorker } from '../worker/create-webhook-worker.ts';
import { runCli } from './run-cli.ts';

const execFileAsync = promisify(execFile);
const BIN = fileURLToPath(new URL('../cli.ts', import.meta.url));

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

/** Runs a poison event through a worker until it is dead-lettered. */
async function poison(store: InboxStore, ids: string[], fixed: { value: boolean }): Promise<void> {
  for (const id of ids) await store.put(event(id, { receivedAt: Date.now(), type: id.startsWith('inv') ? 'invoice.paid' : 'push', body: Buffer.from([0xde, 0xad, 0xbe, 0xef]) }));
  const worker = createWebhookWorker({
    store,
    maxAttempts: 2,
    backoff: () => 0,
    handlers: { github: () => { if (!fixed.value) throw new RangeError('amount out of range'); } },
  });
  while ((await store.stats()).pending > 0) await worker.drain();
}

describe('connectors-webhooks CLI (SQLite)', () => {
  let dir: string;
  let path: string;
  let store: SqliteInboxStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'webhooks-cli-'));
    path = join(dir, 'inbox.db');
    store = sqliteInboxStore({ path });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists, shows and replays dead letters; the replayed event is then processed', async () => {
    const fixed = { value: false };
    await poison(store, ['p-1', 'inv-2'], fixed);

    const list = await cli(['dlq', 'list', '--db', path]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/KEY\s+TYPE\s+ATTEMPTS\s+DEAD AT\s+LAST ERROR/);
    expect(list.stdout).toMatch(/github:p-1\s+push\s+2\s+\S+\s+RangeError: amount out of range/);
    expect(list.stdout).toContain('2 dead letter(s).');

    const json = JSON.parse((await cli(['dlq', 'list', '--db', path, '--type', 'invoice.paid', '--json'])).stdout) as { key: string }[];
    expect(json.map((e) => e.key)).toEqual(['github:inv-2']);

    const show = await cli(['dlq', 'show', 'github:p-1', '--db', path, '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ key: 'github:p-1', state: 'dead', attempts: 2, bodyEncoding: 'base64', body: '3q2+7w==', headers: { 'x-github-delivery': 'p-1' } });
    expect((await cli(['dlq', 'show', 'github:nope', '--db', path])).code).toBe(1);

    const replay = await cli(['dlq', 'replay', 'github:p-1', '--db', path]);
    expect(replay).toMatchObject({ code: 0, stdout: 'Replayed 1 dead letter(s).\n' });
    expect((await cli(['stats', '--db', path, '--json'])).stdout).toBe('{"pending":1,"leased":0,"deadLetters":1,"expiredLeases":0}\n');

    fixed.value = true;
    const worker = createWebhookWorker({ store, handlers: { github: () => {} } });
    expect(await worker.drain()).toMatchObject({ processed: 1 });
    expect(await store.get('github:p-1')).toMatchObject({ state: 'processed' });
  });

  it('replays every dead letter matching a filter with --all', async () => {
    await poison(store, ['a-1', 'a-2', 'inv-3'], { value: false });
    expect((await cli(['dlq', 'replay', '--all', '--type', 'push', '--db', path, '--json'])).stdout).toBe('{"replayed":2}\n');
    expect(await store.stats()).toMatchObject({ pending: 2, deadLetters: 1 });
    expect((await cli(['dlq', 'replay', '--all', '--since', new Date(Date.now() + 60_000).toISOString(), '--db', path])).stdout).toBe('Replayed 0 dead letter(s).\n');
  });

  it('discards dead letters for good: they leave the queue, and a redelivery stays a duplicate', async () => {
    await poison(store, ['b-1', 'b-2', 'inv-3'], { value: false });
    expect(await cli(['dlq', 'discard', 'github:b-1', '--db', path])).toMatchObject({ code: 0, stdout: 'Discarded 1 dead letter(s).\n' });
    expect(await store.get('github:b-1')).toMatchObject({ state: 'discarded' });
    expect(await store.put(event('b-1', { receivedAt: Date.now() }))).toBe('duplicate');
    expect((await cli(['dlq', 'discard', '--all', '--yes', '--type', 'push', '--retain', '12h', '--db', path, '--json'])).stdout).toBe('{"discarded":1}\n');
    expect((await cli(['stats', '--db', path, '--json'])).stdout).toBe('{"pending":0,"leased":0,"deadLetters":1,"expiredLeases":0}\n');
    expect((await cli(['dlq', 'list', '--db', path, '--json'])).stdout).toContain('github:inv-3');
  });

  it('explains usage errors with exit code 2', async () => {
    expect(await cli([])).toMatchObject({ code: 2, stdout: expect.stringContaining('Usage: connectors-webhooks') });
    expect((await cli(['--help'])).code).toBe(0);
    expect(await cli(['dlq', 'list'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--db <sqlite file>, --redis <url> or --postgres <url>') });
    expect(await cli(['dlq', 'replay', '--db', path])).toMatchObject({ code: 2, stderr: expect.stringContaining('--all') });
    expect(await cli(['dlq', 'list', '--db', path, '--since', 'yesterday'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--since') });
    expect(await cli(['dlq', 'purge', '--db', path])).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown command') });
    expect(await cli(['dlq', 'discard', '--db', path])).toMatchObject({ code: 2, stderr: expect.stringContaining('--all') });
    expect(await cli(['dlq', 'discard', '--all', '--db', path])).toMatchObject({ code: 2, stderr: expect.stringContaining('--yes') });
    expect(await cli(['dlq', 'discard', 'github:x', '--retain', 'a week', '--db', path])).toMatchObject({ code: 2, stderr: expect.stringContaining('--retain must be a positive duration') });
    expect(await cli(['dlq', 'list', '--db', path, '--bogus'])).toMatchObject({ code: 2, stderr: expect.stringContaining('bogus') });
  });

  it('runs as the real `connectors-webhooks` executable', async () => {
    await poison(store, ['bin-1'], { value: false });
    const list = await execFileAsync(process.execPath, ['--no-warnings', BIN, 'dlq', 'list', '--db', path, '--json']);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ key: 'github:bin-1', state: 'dead', lastError: 'RangeError: amount out of range' })]);
    const replay = await execFileAsync(process.execPath, ['--no-warnings', BIN, 'dlq', 'replay', '--all', '--db', path]);
    expect(replay.stdout).toBe('Replayed 1 dead letter(s).\n');
    expect(await store.stats()).toMatchObject({ pending: 1, deadLetters: 0 });
    await expect(execFileAsync(process.execPath, ['--no-warnings', BIN, 'dlq', 'list'])).rejects.toMatchObject({ code: 2 });
  });
});

describe('connectors-webhooks CLI (Redis)', () => {
  it('lists and replays dead letters of a Redis inbox', async () => {
    const prefix = `test-webhooks-${randomUUID()}`;
    const redis = new Redis(REDIS_URL);
    const store = redisInboxStore({ redis, prefix });
    try {
      await poison(store, ['r-1', 'inv-2'], { value: false });
      const listed = JSON.parse((await cli(['dlq', 'list', '--redis', REDIS_URL, '--prefix', prefix, '--json'])).stdout) as { key: string }[];
      expect(listed.map((e) => e.key).sort()).toEqual(['github:inv-2', 'github:r-1']);
      expect((await cli(['dlq', 'replay', '--all', '--source', 'github', '--type', 'invoice.paid', '--redis', REDIS_URL, '--prefix', prefix])).stdout).toBe('Replayed 1 dead letter(s).\n');
      expect(await store.stats()).toEqual({ pending: 1, leased: 0, deadLetters: 1 });
      const shown = await cli(['dlq', 'show', 'github:r-1', '--redis', REDIS_URL, '--prefix', prefix]);
      expect(shown.stdout).toContain('lastError: RangeError: amount out of range');
      expect(shown.stdout).toContain('body (base64, 4 bytes):');
    } finally {
      await deletePrefix(redis, store.keyPrefix);
      await redis.quit();
    }
  });
});
