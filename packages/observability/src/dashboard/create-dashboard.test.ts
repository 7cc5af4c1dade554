import { describe, expect, it } from 'vitest';
import { createObservability } from '../observe/create-observability.ts';
import { createDashboard, type DeadLetterItem, type DeadLetterStore } from './create-dashboard.ts';

const TOKEN = 'a-token-of-32-characters-0123456';

/** An in-memory stand-in with the InboxStore's dead-letter methods (the browser test uses the real SQLite store). */
function memoryDeadLetters(items: DeadLetterItem[]): DeadLetterStore & { replayed: string[] } {
  const replayed: string[] = [];
  return {
    replayed,
    listDeadLetters: async () => items.filter((i) => !replayed.includes(i.key)),
    get: async (key) => items.find((i) => i.key === key),
    replayDeadLetters: async ({ keys }) => {
      const found = keys.filter((k) => items.some((i) => i.key === k) && !replayed.includes(k));
      replayed.push(...found);
      return found.length;
    },
    discardDeadLetters: async () => 0,
    stats: async () => ({ deadLetters: items.length - replayed.length }),
  };
}

const item: DeadLetterItem = {
  key: 'stripe:evt_1',
  source: 'stripe',
  id: 'evt_1',
  type: 'customer.created',
  attempts: 3,
  lastError: 'Error: card 4242 4242 4242 4242 declined\n    at handler (app.js:1:1)',
  receivedAt: Date.parse('2026-03-02T09:00:00Z'),
  stateChangedAt: Date.parse('2026-03-02T09:05:00Z'),
  headers: { 'stripe-signature': 't=1,v1=abc', 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify({ id: 'evt_1', data: { object: { email: 'jenny@example.com', client_secret: 'pi_1_secret_xyz' } } })),
};

describe('createDashboard as a Web handler (Hono, Next.js, Bun, Deno)', () => {
  const observability = createObservability({ evaluateEveryMs: 0 });

  it('serves the page, its assets (uPlot included) and the state under a custom base path', async () => {
    const dashboard = createDashboard({ observability, basePath: '/ops/dashboard/', deadLetters: { webhooks: memoryDeadLetters([item]) } });
    const page = await dashboard.fetch(new Request('http://app.test/ops/dashboard'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script src="/ops/dashboard/assets/uplot.js"></script>');
    const uplot = await dashboard.fetch(new Request('http://app.test/ops/dashboard/assets/uplot.js'));
    expect(uplot.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await uplot.text()).toContain('uPlot');
    const state = (await (await dashboard.fetch(new Request('http://app.test/ops/dashboard/api/state'))).json()) as { readOnly: boolean; deadLetters: { depth: number; items: { key: string; lastError: string }[] }[] };
    expect(state.readOnly).toBe(true);
    expect(state.deadLetters[0]).toMatchObject({ queue: 'webhooks', depth: 1, items: [{ key: 'stripe:evt_1' }] });
    // Only the first line of the last error is listed, never the stack.
    expect(state.deadLetters[0]!.items[0]!.lastError).not.toContain('at handler');
    expect(JSON.stringify(state)).not.toContain('jenny@example.com');
    expect((await dashboard.fetch(new Request('http://app.test/ops/dashboard', { method: 'HEAD' }))).status).toBe(200);
    expect((await dashboard.fetch(new Request('http://app.test/dashboard'))).status).toBe(404);
    expect((await dashboard.fetch(new Request('http://app.test/ops/dashboard/api/state', { method: 'DELETE' }))).status).toBe(405);
  });

  it('replays with the token, shows a body only with the token and redacted, and refuses everything else', async () => {
    const store = memoryDeadLetters([item]);
    const dashboard = createDashboard({ observability, deadLetters: { webhooks: store }, operatorToken: TOKEN });
    const post = (headers: Record<string, string>, body = '{"keys":["stripe:evt_1"]}') => dashboard.fetch(new Request('http://app.test/dashboard/api/dead-letters/webhooks/replay', { method: 'POST', headers, body }));

    expect((await post({ 'content-type': 'application/json' })).status).toBe(401);
    expect((await post({ 'content-type': 'application/json', 'x-operator-token': TOKEN, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post({ 'content-type': 'application/json', 'x-operator-token': TOKEN }, '{"keys":[]}')).status).toBe(400);
    expect(store.replayed).toEqual([]);

    const meta = (await (await dashboard.fetch(new Request('http://app.test/dashboard/api/dead-letters/webhooks/item?key=stripe:evt_1'))).json()) as Record<string, unknown>;
    expect(meta).toMatchObject({ key: 'stripe:evt_1', headerNames: ['stripe-signature', 'content-type'] });
    expect(meta['body']).toBeUndefined();
    expect((await dashboard.fetch(new Request('http://app.test/dashboard/api/dead-letters/webhooks/item?key=stripe:evt_1&body=1'))).status).toBe(401);
    const full = (await (await dashboard.fetch(new Request('http://app.test/dashboard/api/dead-letters/webhooks/item?key=stripe:evt_1&body=1', { headers: { 'x-operator-token': TOKEN } }))).json()) as { headers: Record<string, string>; body: { format: string; text: string } };
    expect(full.headers['stripe-signature']).toBe('[redacted]');
    expect(full.body.format).toBe('json');
    expect(full.body.text).toContain('"client_secret": "[redacted]"');
    expect(full.body.text).toContain('jenny@example.com');

    const ok = await post({ 'content-type': 'application/json; charset=utf-8', 'x-operator-token': TOKEN, origin: 'http://app.test' });
    expect(await ok.json()).toEqual({ replayed: 1 });
    expect(store.replayed).toEqual(['stripe:evt_1']);
    expect((await dashboard.fetch(new Request('http://app.test/dashboard/api/dead-letters/other/replay', { method: 'POST' }))).status).toBe(404);
  });

  it('reads the token from the environment at each request, and says what is wrong with its options', async () => {
    const dashboard = createDashboard({ observability, deadLetters: { webhooks: memoryDeadLetters([item]) }, operatorToken: { env: 'DASHBOARD_TEST_TOKEN' } });
    const replay = () => dashboard.fetch(new Request('http://app.test/dashboard/api/dead-letters/webhooks/replay', { method: 'POST', headers: { 'content-type': 'application/json', 'x-operator-token': TOKEN }, body: '{"keys":["stripe:evt_1"]}' }));
    expect((await replay()).status).toBe(403); // not set: read-only
    process.env['DASHBOARD_TEST_TOKEN'] = TOKEN;
    try {
      expect((await replay()).status).toBe(200);
    } finally {
      delete process.env['DASHBOARD_TEST_TOKEN'];
    }
    expect(() => createDashboard({ observability, operatorToken: 'short' })).toThrow(/at least 16 characters/);
    expect(() => createDashboard({ observability, deadLetters: { 'bad name': memoryDeadLetters([]) } })).toThrow(/queue name "bad name"/);
    expect(() => createDashboard({ observability, refreshMs: 10 })).toThrow(/refreshMs must be at least 500 ms/);
  });
});

describe('createDashboard as a node:http / Express handler', () => {
  it('answers under an Express-style mount, where req.url lost the mount path and originalUrl kept it', async () => {
    const { createServer } = await import('node:http');
    const dashboard = createDashboard({ observability: createObservability({ evaluateEveryMs: 0 }) });
    const handler = dashboard.nodeHandler();
    const server = createServer((req, res) => {
      // What express's app.use('/dashboard', handler) does before calling the handler.
      Object.assign(req, { originalUrl: req.url, url: req.url!.slice('/dashboard'.length) || '/' });
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const state = await fetch(`http://127.0.0.1:${port}/dashboard/api/state`);
      expect(state.status).toBe(200);
      expect(await state.json()).toMatchObject({ readOnly: true, connectors: [] });
      const refused = await fetch(`http://127.0.0.1:${port}/dashboard/api/dead-letters/webhooks/replay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"keys":["a:b"]}' });
      expect(refused.status).toBe(404); // no such queue configured
    } finally {
      server.close();
    }
  });
});
