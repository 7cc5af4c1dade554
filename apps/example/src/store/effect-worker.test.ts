import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWebhookInbox, githubScheme, type InboxStore } from '@connectors/webhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDemoDatabase, type DemoDatabase } from '../demo/demo-postgres.ts';
import { type AppData, openAppData } from './app-data.ts';
import { issueRow } from './app-rows.ts';
import type { WebhookEffect } from './app-store.ts';
import { createEffectWorker, type EffectTarget } from './effect-worker.ts';

const SERVER = process.env.CONNECTORS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const dir = mkdtempSync(join(tmpdir(), 'connectors-effect-worker-'));
let database: DemoDatabase;
beforeAll(async () => {
  database = await createDemoDatabase(SERVER);
});
afterAll(async () => {
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

const issue = (id: number, number: number, title: string) =>
  issueRow('o/r', { id, number, title, state: 'open', labels: [], comments: 0, user: null, created_at: '2025-01-01T00:00:00Z', updated_at: '2025-02-01T00:00:00Z', closed_at: null });

/** The inbox store and the effect target for the app's data, as `createWebhooks` picks them. */
function wire(data: AppData): { store: InboxStore; target: EffectTarget<WebhookEffect> } {
  if (data.kind === 'sqlite') return { store: data.backend.inboxStore('effects.inbox.db'), target: { kind: 'sqlite', effects: data.store } };
  const inbox = data.backend.inboxStore('webhook_inbox');
  return { store: inbox, target: { kind: 'postgres', effects: data.store, inbox } };
}

describe.each([
  ['sqlite', () => openAppData({ databasePath: join(dir, 'example.db') })],
  ['postgres', () => openAppData({ databasePath: join(dir, 'unused.db'), databaseUrl: database.url })],
])('createEffectWorker on %s', (kind, open) => {
  it('applies each event once; a write that fails leaves nothing applied and the retry applies it', async () => {
    const data = open();
    const { store, target } = wire(data);
    const inbox = createWebhookInbox({ store, sources: { github: { scheme: githubScheme, secret: 'unused' } }, storeTimeoutMs: 30_000 });
    await data.store.write({ issues: [issue(1, 1, 'taken')] });
    let attempts = 0;
    const worker = createEffectWorker<WebhookEffect>({
      inbox,
      target,
      backoff: () => 0,
      decoders: {
        // The first attempt writes an issue whose number #1 is taken by another id: the write fails.
        github: async () => ({ source: 'github', type: 'issues', target: 'issue #2', changes: { issues: [attempts++ === 0 ? issue(2, 1, 'clash') : issue(2, 2, 'new')] } }),
      },
    });
    const transaction = target.kind === 'postgres' ? vi.spyOn(target.inbox, 'transaction') : undefined;
    const markProcessed = vi.spyOn(store, 'markProcessed');
    const now = Date.now();
    await store.put({ source: 'github', id: 'd1', type: 'issues', timestamp: now, receivedAt: now, headers: {}, body: Buffer.from('{}') });

    expect(await worker.drain()).toEqual({ processed: 1, retried: 1, deadLettered: 0 });
    expect(attempts).toBe(2);
    expect((await data.store.issues()).map((row) => [row.id, row.number])).toEqual([[1, 1], [2, 2]]);
    expect((await data.store.webhookEffects()).map((effect) => effect.key)).toEqual(['github:d1']);
    expect((await store.get('github:d1'))?.state).toBe('processed');
    if (kind === 'postgres') {
      // The effect and the processed mark committed in the inbox's transaction, not as two steps.
      expect(transaction).toHaveBeenCalledTimes(2);
      expect(markProcessed).not.toHaveBeenCalled();
    } else {
      expect(markProcessed).toHaveBeenCalledTimes(1);
    }
    await data.close();
  });
});
