import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoDatabase, type DemoDatabase } from '../demo/demo-postgres.ts';
import { customerRow, type IssueLike, issueRow } from './app-rows.ts';
import type { AppStore } from './app-store.ts';
import { postgresAppStore } from './postgres-app-store.ts';
import { sqliteAppStore } from './sqlite-app-store.ts';

const SERVER = process.env.CONNECTORS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const issue = (updatedAt: string, title: string, id = 7): IssueLike => ({
  id, number: id, title, state: 'open', body: null, labels: [{ name: 'bug' }, 'ui'], comments: 0, user: { login: 'octocat' },
  created_at: '2025-01-01T00:00:00Z', updated_at: updatedAt, closed_at: null,
});

let database: DemoDatabase;
let pool: pg.Pool;
let schemas = 0;
beforeAll(async () => {
  database = await createDemoDatabase(SERVER);
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

// The same rules on both backends: the app code cannot tell them apart.
describe.each([
  ['sqlite', (): AppStore => sqliteAppStore(':memory:')],
  ['postgres', (): AppStore => postgresAppStore({ pool, schema: `store_${schemas++}` })],
])('%sAppStore', (_name, open) => {
  it('never lets an older copy of an issue overwrite a newer one', async () => {
    const store = open();
    await store.write({ issues: [issueRow('o/r', issue('2025-02-01T00:00:00Z', 'newer'))] });
    await store.write({ issues: [issueRow('o/r', issue('2025-01-15T00:00:00Z', 'older'))] });
    expect(await store.issues()).toEqual([issueRow('o/r', issue('2025-02-01T00:00:00Z', 'newer'))]);
    expect((await store.issues())[0]).toMatchObject({ labels: '["bug","ui"]', author: 'octocat', is_pull_request: 0 });
    // Within one write too: the rows apply in order, the newer one wins whatever its place.
    await store.write({ issues: [issueRow('o/r', issue('2025-04-01T00:00:00Z', 'newest')), issueRow('o/r', issue('2025-03-01T00:00:00Z', 'stale'))] });
    expect((await store.issues())[0]!.title).toBe('newest');
    await store.close();
  });

  it('orders Stripe webhook effects by event time; a listing always writes the current state', async () => {
    const store = open();
    const customer = { id: 'cus_1', email: 'a@example.com', name: 'A', created: 1_700_000_000, metadata: { b: '2', a: '1' } };
    await store.write({ customers: [customerRow(customer)] });
    await store.write({ customers: [customerRow({ ...customer, email: 'late@example.com' }, 1_700_000_200)] });
    await store.write({ customers: [customerRow({ ...customer, email: 'stale@example.com' }, 1_700_000_100)] });
    expect(await store.customers()).toEqual([{ id: 'cus_1', email: 'late@example.com', name: 'A', created: 1_700_000_000, metadata: '{"a":"1","b":"2"}', deleted: 0, event_at: 1_700_000_200 }]);
    await store.write({ deletedCustomers: [{ id: 'cus_1', eventAt: 1_700_000_150 }] });
    expect((await store.customers())[0]!.deleted).toBe(0);
    await store.write({ deletedCustomers: [{ id: 'cus_1', eventAt: 1_700_000_300 }] });
    expect((await store.customers())[0]).toMatchObject({ deleted: 1, event_at: 1_700_000_300 });
    await store.close();
  });

  it('applies a webhook once per key, and not at all when its write fails (so a retry can)', async () => {
    const store = open();
    const effect = { source: 'github', type: 'issues', target: 'issue #7 edited', changes: { issues: [issueRow('o/r', issue('2025-02-01T00:00:00Z', 'from a webhook'))] } };
    expect(await store.applyWebhook('github:d1', effect, 1_700_000_000_001)).toBe(true);
    expect(await store.applyWebhook('github:d1', { ...effect, changes: { deletedIssues: [7] } }, 1_700_000_000_002)).toBe(false);
    expect(await store.issues()).toHaveLength(1); // the second application wrote nothing
    // A row another issue already holds (same repo and number): the write fails, the claim rolls back with it.
    const clash = { source: 'github', type: 'issues', changes: { issues: [{ ...issueRow('o/r', issue('2025-03-01T00:00:00Z', 'clash')), id: 8 }] } };
    await expect(store.applyWebhook('github:d2', clash, 1_700_000_000_003)).rejects.toThrow();
    expect(await store.webhookEffects()).toEqual([{ key: 'github:d1', source: 'github', type: 'issues', target: 'issue #7 edited', applied_at: 1_700_000_000_001 }]);
    expect(await store.applyWebhook('github:d2', { source: 'github', type: 'issues' }, 1_700_000_000_004)).toBe(true);
    await store.close();
  });

  it('keeps the first source of a Slack message and reads messages by channel', async () => {
    const store = open();
    const message = { channel: 'C1', ts: '1700000000.000100', user: 'U1', text: 'hi', thread_ts: null, reply_count: 0 };
    await store.write({ slackMessages: [{ ...message, source: 'post' }] });
    await store.write({ slackMessages: [{ ...message, text: 'hi (edited)', source: 'sync' }, { ...message, channel: 'C2', source: 'sync' }] });
    expect(await store.slackMessages('C1')).toEqual([{ ...message, text: 'hi (edited)', source: 'post' }]);
    expect((await store.slackMessages()).map((m) => m.channel)).toEqual(['C1', 'C2']);
    await store.close();
  });
});
