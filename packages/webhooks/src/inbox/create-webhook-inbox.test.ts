import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { githubScheme } from '../schemes/github-scheme.ts';
import { hubspotV3Scheme } from '../schemes/hubspot-v3-scheme.ts';
import { slackScheme } from '../schemes/slack-scheme.ts';
import { standardWebhooksScheme } from '../schemes/standard-webhooks-scheme.ts';
import type { InboxStore } from '../stores/inbox-store.ts';
import { sqliteInboxStore, type SqliteInboxStore } from '../stores/sqlite-inbox-store.ts';
import { signWebhook } from '../verify/verify-webhook.ts';
import { createWebhookInbox, type WebhookInbox, type WebhookInboxEvent } from './create-webhook-inbox.ts';

const GITHUB_SECRET = 'gh-secret';
const STD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SLACK_SECRET = 'slack-secret';
const HUBSPOT_SECRET = 'hubspot-secret';

function githubDelivery(id: string, body = `{"zen":"Keep it logically awesome.","hook_id":${id.length}}`) {
  return { body, headers: { 'content-type': 'application/json', ...signWebhook(githubScheme, { body, secret: GITHUB_SECRET, id, type: 'ping' }) } };
}

let dir: string;
let store: SqliteInboxStore;
let events: WebhookInboxEvent[];
let inbox: WebhookInbox;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'webhooks-inbox-'));
  store = sqliteInboxStore({ path: join(dir, 'inbox.db') });
  events = [];
  inbox = createWebhookInbox({
    store,
    sources: {
      github: { scheme: githubScheme, secrets: ['new-secret', GITHUB_SECRET], maxBodyBytes: 32 * 1024 },
      std: { scheme: standardWebhooksScheme, secret: STD_SECRET },
      slack: { scheme: slackScheme, secret: SLACK_SECRET },
      hubspot: { scheme: hubspotV3Scheme, secret: HUBSPOT_SECRET },
    },
    onEvent: (event) => events.push(event),
    // Not about the store timeout (the outage tests are): a loaded CI machine's fsync may pass the 2 s default.
    storeTimeoutMs: 30_000,
  });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, port };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('inbox.nodeHandler', () => {
  let server: Server;
  let url: string;
  let port: number;
  beforeEach(async () => {
    ({ server, url, port } = await listen(inbox.nodeHandler()));
  });
  afterEach(async () => {
    await close(server);
  });

  it('persists a verified delivery before answering 200, and stores a redelivery once', async () => {
    const delivery = githubDelivery('d-1');
    const first = await fetch(`${url}/webhooks/github`, { method: 'POST', ...delivery });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ status: 'stored' });
    // Acknowledged means stored: readable right away, bytes intact.
    const stored = await store.get('github:d-1');
    expect(stored).toMatchObject({ source: 'github', id: 'd-1', type: 'ping', state: 'pending' });
    expect(stored!.body.toString()).toBe(delivery.body);
    expect(stored!.headers['x-github-delivery']).toBe('d-1');

    const again = await fetch(`${url}/webhooks/github`, { method: 'POST', ...delivery });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'duplicate' });
    expect(await store.stats()).toEqual({ pending: 1, leased: 0, deadLetters: 0 });
    expect(events.map((e) => e.type)).toEqual(['stored', 'duplicate']);
    expect(events[0]).toMatchObject({ source: 'github', key: 'github:d-1', eventType: 'ping', secretIndex: 1 });
  });

  it('stores concurrent deliveries of the same event once', async () => {
    const delivery = githubDelivery('same');
    const responses = await Promise.all(Array.from({ length: 8 }, () => fetch(`${url}/webhooks/github`, { method: 'POST', ...delivery })));
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<{ status: string }>));
    expect(bodies.filter((b) => b.status === 'stored')).toHaveLength(1);
    expect(await store.stats()).toMatchObject({ pending: 1 });
  });

  it('answers 401 with the reason for a tampered body and stores nothing', async () => {
    const delivery = githubDelivery('t-1');
    const response = await fetch(`${url}/webhooks/github`, { method: 'POST', headers: delivery.headers, body: delivery.body.replace('awesome', 'awful') });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'signature-mismatch' });
    expect(await store.get('github:t-1')).toBeUndefined();
    expect(events).toEqual([expect.objectContaining({ type: 'rejected', status: 401, reason: 'signature-mismatch' })]);
  });

  it('answers 401 for malformed headers instead of failing with 500', async () => {
    const response = await fetch(`${url}/webhooks/std`, { method: 'POST', headers: { 'webhook-id': 'x', 'webhook-timestamp': 'soon', 'webhook-signature': 'v1,???' }, body: '{}' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'malformed-timestamp' });
  });

  it('answers 404 for an unknown source and 405 for other methods', async () => {
    expect((await fetch(`${url}/webhooks/gitlab`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${url}/elsewhere/github`, { method: 'POST', body: '{}' })).status).toBe(404);
    const get = await fetch(`${url}/webhooks/github`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('answers 413 from Content-Length alone, without reading the body', async () => {
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let response = '';
    socket.on('data', (chunk) => (response += chunk.toString()));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write(`POST /webhooks/github HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${50 * 1024 * 1024}\r\n\r\n`);
    socket.write(Buffer.alloc(16 * 1024, 0x61));
    await closed;
    expect(response).toMatch(/^HTTP\/1\.1 413/);
    expect(response).toMatch(/connection: close/i);
    expect(events).toEqual([expect.objectContaining({ type: 'rejected', status: 413, reason: 'too-large' })]);
  });

  it('answers 413 to a chunked body as soon as it passes the limit, before the client is done', async () => {
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let response = '';
    socket.on('data', (chunk) => (response += chunk.toString()));
    socket.on('error', () => {});
    socket.write('POST /webhooks/github HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    const chunk = Buffer.alloc(8 * 1024, 0x62);
    let sent = 0;
    for (let i = 0; i < 400 && response === '' && !socket.destroyed; i++) {
      socket.write(`${chunk.length.toString(16)}\r\n`);
      socket.write(chunk);
      socket.write('\r\n');
      sent += chunk.length;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(response).toMatch(/^HTTP\/1\.1 413/);
    // The limit is 32 KiB; the client had sent a little more, far from the 3.2 MB it would have sent.
    expect(sent).toBeLessThan(200 * 1024);
    socket.destroy();
    expect(await store.stats()).toMatchObject({ pending: 0 });
  });

  it('does not handle a request pipelined behind a refused body: its answer could only go into a closed connection', async () => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    socket.on('error', () => {});
    let response = '';
    const ended = new Promise((resolve) => socket.once('end', resolve));
    socket.on('data', (chunk) => (response += chunk.toString()));
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST /webhooks/github HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    socket.write(`${(40 * 1024).toString(16)}\r\n${'b'.repeat(40 * 1024)}\r\n`);
    await ended; // the 413, then the server's half-close
    expect(response).toMatch(/^HTTP\/1\.1 413/);
    const delivery = githubDelivery('pipelined-1');
    const head = Object.entries({ ...delivery.headers, 'content-length': String(Buffer.byteLength(delivery.body)) }).map(([k, v]) => `${k}: ${v}`).join('\r\n');
    socket.write(`0\r\n\r\nPOST /webhooks/github HTTP/1.1\r\nHost: x\r\n${head}\r\n\r\n${delivery.body}`);
    await new Promise((resolve) => setTimeout(resolve, 700)); // past the linger
    socket.destroy();
    expect(response).not.toMatch(/HTTP\/1\.1 200/);
    expect(await store.get('github:pipelined-1')).toBeUndefined();
  });

  it('rebuilds the public URL for HubSpot from Host and X-Forwarded-Proto', async () => {
    const body = '[{"eventId":99,"subscriptionType":"contact.creation"}]';
    const headers = signWebhook(hubspotV3Scheme, { body, secret: HUBSPOT_SECRET, url: `https://hooks.example.com/webhooks/hubspot?portal=1` });
    const response = await fetch(`${url}/webhooks/hubspot?portal=1`, {
      method: 'POST',
      headers: { ...headers, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'hooks.example.com' },
      body,
    });
    expect(response.status).toBe(200);
    expect(await store.get('hubspot:99')).toMatchObject({ type: 'contact.creation' });
  });
});

describe('inbox.nodeHandler behind other middleware', () => {
  it('uses a raw Buffer body left by express.raw(), and refuses a body a JSON parser consumed', async () => {
    const handler = inbox.nodeHandler({ source: 'github' });
    const { server, url } = await listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/raw') (req as IncomingMessage & { body?: unknown }).body = Buffer.concat(chunks);
        else (req as IncomingMessage & { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString());
        handler(req, res);
      });
    });
    const raw = await fetch(`${url}/raw`, { method: 'POST', ...githubDelivery('raw-1') });
    expect(raw.status).toBe(200);
    const parsed = await fetch(`${url}/json`, { method: 'POST', ...githubDelivery('json-1') });
    expect(parsed.status).toBe(500);
    expect(await parsed.json()).toMatchObject({ error: 'body-consumed' });
    await close(server);
  });
});

describe('inbox.fetch (Web Request)', () => {
  function stdRequest(id: string, body = '{"type":"user.created","data":{"id":"u1"}}'): Request {
    return new Request(`https://hooks.example.com/webhooks/std`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signWebhook(standardWebhooksScheme, { body, secret: STD_SECRET, id }) },
      body,
    });
  }

  it('stores, dedupes and rejects like the Node handler', async () => {
    const stored = await inbox.fetch(stdRequest('msg_1'));
    expect(stored.status).toBe(200);
    expect(await stored.json()).toEqual({ status: 'stored' });
    expect(await store.get('std:msg_1')).toMatchObject({ type: 'user.created' });
    expect(await (await inbox.fetch(stdRequest('msg_1'))).json()).toEqual({ status: 'duplicate' });
    const forged = stdRequest('msg_2');
    const tampered = new Request(forged.url, { method: 'POST', headers: forged.headers, body: '{"type":"user.deleted"}' });
    const rejected = await inbox.fetch(tampered);
    expect(rejected.status).toBe(401);
    expect(await rejected.json()).toMatchObject({ error: 'signature-mismatch' });
    expect((await inbox.fetch(new Request('https://x.test/webhooks/none', { method: 'POST', body: 'x' }))).status).toBe(404);
    expect((await inbox.fetch(new Request('https://x.test/webhooks/std'))).status).toBe(405);
  });

  it('takes the source from the options instead of the path', async () => {
    const request = stdRequest('msg_opt');
    const moved = new Request('https://x.test/anything', { method: 'POST', headers: request.headers, body: await request.text() });
    expect((await inbox.fetch(moved, { source: 'std' })).status).toBe(200);
  });

  function countingStream(chunks: number, size: number): { stream: ReadableStream<Uint8Array>; pulled: () => number; cancelled: () => boolean } {
    let pulled = 0;
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled === chunks) return controller.close();
        pulled++;
        controller.enqueue(new Uint8Array(size).fill(0x63));
      },
      cancel() {
        cancelled = true;
      },
    }, { highWaterMark: 0 });
    return { stream, pulled: () => pulled, cancelled: () => cancelled };
  }

  it('stops reading a body past the limit and cancels the stream (413)', async () => {
    const body = countingStream(1000, 4096);
    const request = new Request('https://x.test/webhooks/github', { method: 'POST', body: body.stream, duplex: 'half' } as RequestInit);
    const response = await inbox.fetch(request);
    expect(response.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(10);
    await new Promise((resolve) => setImmediate(resolve));
    expect(body.cancelled()).toBe(true);
  });

  it('answers 413 from Content-Length before reading anything', async () => {
    const body = countingStream(1000, 4096);
    const request = new Request('https://x.test/webhooks/github', { method: 'POST', headers: { 'content-length': String(4096 * 1000) }, body: body.stream, duplex: 'half' } as RequestInit);
    expect((await inbox.fetch(request)).status).toBe(413);
    expect(body.pulled()).toBe(0);
  });

  it('answers Slack’s url_verification with the challenge and stores nothing', async () => {
    const body = '{"token":"t","challenge":"c-123","type":"url_verification"}';
    const response = await inbox.fetch(new Request('https://x.test/webhooks/slack', { method: 'POST', headers: signWebhook(slackScheme, { body, secret: SLACK_SECRET }), body }));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('c-123');
    expect(await store.stats()).toEqual({ pending: 0, leased: 0, deadLetters: 0 });
  });

  it('answers a signed Slack ssl_check with an empty 200 and stores nothing; a slash command is stored', async () => {
    const check = 'ssl_check=1&token=t';
    const checked = await inbox.fetch(new Request('https://x.test/webhooks/slack', { method: 'POST', headers: signWebhook(slackScheme, { body: check, secret: SLACK_SECRET }), body: check }));
    expect(checked.status).toBe(200);
    expect(await checked.text()).toBe('');
    expect(await store.stats()).toEqual({ pending: 0, leased: 0, deadLetters: 0 });
    const command = 'command=%2Fdeploy&text=prod&trigger_id=13345224609.738474920.8088930838d88f008e0';
    const stored = await inbox.fetch(new Request('https://x.test/webhooks/slack', { method: 'POST', headers: signWebhook(slackScheme, { body: command, secret: SLACK_SECRET }), body: command }));
    expect(stored.status).toBe(200);
    expect(await store.stats()).toMatchObject({ pending: 1 });
  });
});

describe('inbox with a failing store', () => {
  it('answers 503 (never 2xx) when the event could not be persisted', async () => {
    const failing = { put: () => Promise.reject(new Error('disk I/O error')) } as unknown as InboxStore;
    const seen: WebhookInboxEvent[] = [];
    const broken = createWebhookInbox({ store: failing, sources: { github: { scheme: githubScheme, secret: GITHUB_SECRET } }, onEvent: (e) => seen.push(e) });
    const { server, url } = await listen(broken.nodeHandler());
    const response = await fetch(`${url}/webhooks/github`, { method: 'POST', ...githubDelivery('f-1') });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(seen).toEqual([expect.objectContaining({ type: 'store-failed', key: 'github:f-1' })]);
    await close(server);
  });
});

describe('createWebhookInbox configuration', () => {
  it('rejects bad configuration with TypeErrors that say what to fix', () => {
    expect(() => createWebhookInbox({ store, sources: {} })).toThrow(/at least one source/);
    expect(() => createWebhookInbox({ store, sources: { 'git:hub': { scheme: githubScheme, secret: 's' } } })).toThrow(/names are/);
    expect(() => createWebhookInbox({ store, sources: { github: { scheme: githubScheme } } })).toThrow(/no secret configured/);
    expect(() => createWebhookInbox({ store, sources: { github: { scheme: githubScheme, secret: 's', maxBodyBytes: 0 } } })).toThrow(/maxBodyBytes/);
    expect(() => createWebhookInbox({ store: undefined as never, sources: { github: { scheme: githubScheme, secret: 's' } } })).toThrow(/store/);
  });
});
