import http_ from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useNock } from '../__fixtures__/use-nock.ts';
import { ResponseTooLargeError } from '../errors/index.ts';
import { createHttpClient, type HttpClientOptions } from './create-http-client.ts';

interface Received {
  method: string;
  url: string;
  contentType: string | undefined;
  bytes: Buffer;
}

/** A local server that records the exact bytes it receives and can answer with large bodies. */
let server: http_.Server;
let base: string;
const received: Received[] = [];
/** Bytes the /huge route managed to write before the client stopped reading. */
let hugeWritten = 0;
let hugeRequests = 0;

beforeAll(async () => {
  server = http_.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, contentType: req.headers['content-type'], bytes: Buffer.concat(chunks) });
      if (req.url === '/huge') {
        // 600 MB of chunked JSON, written only as fast as the client reads it.
        hugeRequests++;
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        res.write('[');
        let left = (600 * 1024 * 1024) / chunk.length;
        const pump = () => {
          while (left > 0) {
            left--;
            hugeWritten += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end(']');
        };
        res.on('close', () => (left = 0));
        pump();
        return;
      }
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(700 * 1024 * 1024) });
        res.write('[');
        return; // never finishes: the client must not wait for it
      }
      if (req.url === '/download') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(Buffer.from([0, 1, 2, 253, 254, 255]));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

useNock({ allow: '127.0.0.1' });

const client = (overrides: Partial<HttpClientOptions> = {}) =>
  createHttpClient({ connector: 'acme', baseUrl: base, circuitBreaker: false, rateLimit: false, retry: { baseDelayMs: 1 }, ...overrides });

const last = () => received.at(-1)!;

describe('request bodies as sent', () => {
  it('sends a string with the caller Content-Type, byte for byte (not JSON-quoted)', async () => {
    await client().request({ method: 'POST', path: '/markdown/raw', body: '# Hello "world"\n', headers: { 'Content-Type': 'text/x-markdown' } });
    expect(last().contentType).toBe('text/x-markdown');
    expect(last().bytes.toString('utf8')).toBe('# Hello "world"\n');
  });

  it('sends bytes (every byte value) and an ArrayBuffer unchanged', async () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    await client().request({ method: 'PUT', path: '/upload', body: bytes, headers: { 'content-type': 'application/octet-stream' } });
    expect(last().contentType).toBe('application/octet-stream');
    expect([...last().bytes]).toEqual([...bytes]);
    await client().request({ method: 'PUT', path: '/upload', body: bytes.buffer });
    expect([...last().bytes]).toEqual([...bytes]);
  });

  it('sends URLSearchParams form-encoded and FormData as multipart, with fetch choosing the type', async () => {
    await client().request({ method: 'POST', path: '/form', body: new URLSearchParams({ a: '1 2', b: 'é' }) });
    expect(last().contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(last().bytes.toString()).toBe('a=1+2&b=%C3%A9');
    const form = new FormData();
    form.set('file', new Blob([Uint8Array.from([1, 2, 3])], { type: 'application/octet-stream' }), 'a.bin');
    await client().request({ method: 'POST', path: '/files', body: form });
    expect(last().contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(last().bytes.includes(Buffer.from([1, 2, 3]))).toBe(true);
  });

  it('sends a stream once, and keeps JSON as the default for plain objects (the caller type wins)', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('line 1\n'));
        c.enqueue(new TextEncoder().encode('line 2\n'));
        c.close();
      },
    });
    await client().request({ method: 'POST', path: '/bulk', body: stream, headers: { 'content-type': 'application/x-ndjson' } });
    expect(last().bytes.toString()).toBe('line 1\nline 2\n');
    await client().request({ method: 'PATCH', path: '/things/1', body: { a: 'x' }, headers: { 'content-type': 'application/merge-patch+json' } });
    expect(last()).toMatchObject({ contentType: 'application/merge-patch+json' });
    expect(last().bytes.toString()).toBe('{"a":"x"}');
    await client().request({ method: 'POST', path: '/things', body: ['a'] });
    expect(last()).toMatchObject({ contentType: 'application/json' });
  });
});

describe('response bodies, bounded', () => {
  it('stops reading an undeclared body at maxResponseBytes: a typed error, not retried, memory flat', async () => {
    const before = process.memoryUsage().rss;
    const error = await client({ maxResponseBytes: 1024 * 1024 }).request({ path: '/huge' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ retryable: false, attempts: 1, limitBytes: 1024 * 1024, status: 200 });
    expect((error as Error).message).toMatch(/raise maxResponseBytes on the client or this call, or read it with responseType: 'stream'/);
    expect(hugeRequests).toBe(1);
    // The server could only write what the client read plus socket buffers: far from 600 MB.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hugeWritten).toBeLessThan(32 * 1024 * 1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('refuses a body whose Content-Length is over the limit without reading it, per call', async () => {
    const error = await client().request({ path: '/declared', maxResponseBytes: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ declaredBytes: 700 * 1024 * 1024, limitBytes: 1000, attempts: 1 });
  });

  it('hands a download over as a stream, unread', async () => {
    const stream = await client({ maxResponseBytes: 2 }).request({ path: '/download', responseType: 'stream' });
    expect(stream).toBeInstanceOf(ReadableStream);
    const bytes = new Uint8Array(await new Response(stream as ReadableStream<Uint8Array>).arrayBuffer());
    expect([...bytes]).toEqual([0, 1, 2, 253, 254, 255]);
  });

  it('refuses a nonsensical limit', () => {
    expect(() => client({ maxResponseBytes: 0 })).toThrow(/maxResponseBytes must be a whole number of bytes >= 1/);
  });
});
