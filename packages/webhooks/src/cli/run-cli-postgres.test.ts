import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event } from '../stores/__fixtures__/inbox-store-contract.ts';
import { createTestDatabase, type TestDatabase } from '../stores/__fixtures__/postgres-helpers.ts';
import { postgresInboxStore } from '../stores/postgres-inbox-store.ts';
import { createWebhookWorker } from '../worker/create-webhook-worker.ts';
import { runCli } from './run-cli.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('cli');
});
afterAll(async () => {
  await database.drop();
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('connectors-webhooks CLI (PostgreSQL)', () => {
  it('lists, shows, replays and discards dead letters of a PostgreSQL inbox', async () => {
    const store = postgresInboxStore({ connectionString: database.url, schema: 'app' });
    for (const id of ['p-1', 'p-2']) await store.put(event(id, { receivedAt: Date.now() }));
    const worker = createWebhookWorker({ store, maxAttempts: 1, handlers: { github: () => { throw new RangeError('amount out of range'); } } });
    expect(await worker.drain()).toEqual({ processed: 0, retried: 0, deadLettered: 2 });
    const args = ['--postgres', database.url, '--schema', 'app'];

    const listed = JSON.parse((await cli(['dlq', 'list', ...args, '--json'])).stdout) as { key: string; lastError: string }[];
    expect(listed.map((e) => e.key)).toEqual(['github:p-1', 'github:p-2']);
    expect(listed[0]!.lastError).toMatch(/RangeError: amount out of range/);
    expect((await cli(['dlq', 'show', 'github:p-1', ...args])).stdout).toContain('"delivery":"p-1"');
    expect((await cli(['dlq', 'replay', 'github:p-1', ...args])).stdout).toBe('Replayed 1 dead letter(s).\n');
    expect((await cli(['dlq', 'discard', '--all', '--yes', ...args])).stdout).toBe('Discarded 1 dead letter(s).\n');
    expect(JSON.parse((await cli(['stats', ...args, '--json'])).stdout)).toEqual({ pending: 1, leased: 0, expiredLeases: 0, deadLetters: 0 });
    expect((await cli(['stats', '--postgres', database.url, '--db', 'x.db'])).code).toBe(2);
    await store.close();
  });
});
