import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { attempt, fakeClient } from '../__fixtures__/fake-client.ts';
import { manualClock } from '../__fixtures__/manual-clock.ts';
import { createObservability } from '../observe/create-observability.ts';
import { createHealthHandler, createNodeHealthHandler, type HealthSource } from './health-handler.ts';

/** An app with one connector, whose health the test steers through events. */
function app() {
  const clock = manualClock();
  const observability = createObservability({ clock, evaluateEveryMs: 0 });
  const github = fakeClient('github', clock.now);
  observability.observe(github);
  return {
    observability,
    ok: () => github.emit(attempt('success', 40)),
    down: () => github.emit({ type: 'circuit', operation: 'issues.list', state: 'open', host: 'api.github.com' }),
    degraded: () => github.emit({ type: 'circuit', operation: 'issues.list', state: 'half-open', host: 'api.github.com' }),
  };
}

describe('createHealthHandler (Web)', () => {
  it('answers 200 with the JSON report while healthy', async () => {
    const { observability, ok } = app();
    ok();
    const response = await createHealthHandler(observability)(new Request('http://localhost/health'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { status: string; connectors: Record<string, unknown> };
    expect(body.status).toBe('ok');
    expect(Object.keys(body.connectors)).toEqual(['github']);
  });

  it('answers 503 when down, 200 when degraded, and 503 on degraded with passOn ok', async () => {
    const down = app();
    down.down();
    const response = await createHealthHandler(down.observability)(new Request('http://localhost/health'));
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 'down', reasons: [{ code: 'circuit-open', connector: 'github' }] });

    const degraded = app();
    degraded.degraded();
    expect((await createHealthHandler(degraded.observability)(new Request('http://localhost/health'))).status).toBe(200);
    expect((await createHealthHandler(degraded.observability, { passOn: 'ok' })(new Request('http://localhost/health'))).status).toBe(503);
  });

  it('reports one connector with ?connector=, 404 for an unknown one', async () => {
    const { observability, down } = app();
    down();
    const handler = createHealthHandler(observability);
    const one = await handler(new Request('http://localhost/health?connector=github'));
    expect(one.status).toBe(503);
    expect(await one.json()).toMatchObject({ connector: 'github', status: 'down' });
    const unknown = await handler(new Request('http://localhost/health?connector=nope'));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ connectors: ['github'] });
  });

  it('hides details when asked, answers HEAD without a body, refuses other methods', async () => {
    const { observability, ok } = app();
    ok();
    const handler = createHealthHandler(observability, { details: false });
    const brief = await handler(new Request('http://localhost/health'));
    expect(Object.keys((await brief.json()) as object).sort()).toEqual(['checkedAt', 'status']);
    const head = await handler(new Request('http://localhost/health', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await handler(new Request('http://localhost/health', { method: 'POST' }));
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers 503 when the check itself throws', async () => {
    const broken: HealthSource = { checkHealth: () => Promise.reject(new Error('boom')) };
    const response = await createHealthHandler(broken)(new Request('http://localhost/health'));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'down', error: 'the health check itself failed' });
  });
});

describe('createNodeHealthHandler (node:http)', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  async function serve(source: HealthSource): Promise<string> {
    const health = createNodeHealthHandler(source);
    server = createServer((req, res) => {
      if (req.url?.startsWith('/health')) return void health(req, res);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('serves 200 while healthy and 503 once down, over real HTTP', async () => {
    const { observability, ok, down } = app();
    const base = await serve(observability);
    ok();
    const healthy = await fetch(`${base}/health`);
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toMatchObject({ status: 'ok' });
    down();
    const failing = await fetch(`${base}/health`);
    expect(failing.status).toBe(503);
    expect(await failing.json()).toMatchObject({ status: 'down' });
    const one = await fetch(`${base}/health?connector=github`);
    expect(one.status).toBe(503);
    expect(await one.json()).toMatchObject({ connector: 'github' });
  });
});
