import { createHttpClient, HttpError } from '@connectors/core';
import nock from 'nock';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createNockGuard, isLoopbackHost, PendingMocksError, UnmatchedRequestsError, type NockGuard } from './nock-guard.ts';

const BASE = 'https://api.guard.test';
let guard: NockGuard | undefined;

afterEach(() => {
  guard?.dispose();
  guard = undefined;
});

describe('createNockGuard', () => {
  it('lists every request no interceptor matched, with method, redacted URL and why the closest one missed', async () => {
    guard = createNockGuard();
    nock(BASE).get('/users/1').reply(200, { id: 1 });
    nock(BASE).get('/users/3').optionally().reply(200, { id: 3 });
    const http = createHttpClient({ connector: 'guard', baseUrl: BASE, retry: { maxAttempts: 1 } });
    await http.request({ path: '/users/1' });
    const error = await http.request({ path: '/users/2', query: { access_token: 'abcd1234secret' } }).catch((e: unknown) => e);
    // nock 15 answers unmatched requests with 501, which the client sees as an HTTP error...
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(501);
    // ...and the guard says what really happened.
    expect(guard.unmatched()).toHaveLength(1);
    expect(() => guard!.check()).toThrow(UnmatchedRequestsError);
    const message = (() => {
      try {
        guard!.check();
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(message).toContain('GET https://api.guard.test/users/2?access_token=%5BREDACTED%5D');
    expect(message).not.toContain('abcd1234secret');
    expect(message).toContain('closest interceptor GET https://api.guard.test:443/users/3: Path mismatch');
  });

  it('blocks hosts without interceptors but lets loopback through to real local servers', async () => {
    guard = createNockGuard();
    const server = createServer((_req, res) => res.end('local'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('local');
      await expect(fetch('https://elsewhere.test/x')).rejects.toThrow();
      expect(guard.unmatched().map((u) => u.url)).toEqual(['https://elsewhere.test/x']);
    } finally {
      server.close();
    }
  });

  it('honours allowHosts and reports unused interceptors only when asked', () => {
    guard = createNockGuard({ allowHosts: ['db.internal', /\.allowed\.test$/] });
    nock(BASE).get('/never').reply(200);
    expect(() => guard!.check()).not.toThrow();
    expect(() => guard!.check({ pending: true })).toThrow(PendingMocksError);
    guard.reset();
    expect(() => guard!.check({ pending: true })).not.toThrow();
  });

  it('reset removes interceptors and forgets unmatched requests', async () => {
    guard = createNockGuard();
    nock(BASE).get('/a').reply(200, 'a');
    await fetch(`${BASE}/b`);
    expect(guard.unmatched()).toHaveLength(1);
    guard.reset();
    expect(guard.unmatched()).toHaveLength(0);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('recognises loopback hosts', () => {
    expect(isLoopbackHost('127.0.0.1:8080')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('[::1]:80')).toBe(true);
    expect(isLoopbackHost('127.0.0.1.evil.test')).toBe(false);
    expect(isLoopbackHost('api.github.com:443')).toBe(false);
  });
});
