import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors/index.ts';
import { createTestClock } from '../internal/test-clock.ts';
import { jsonBody } from './body-encoders.ts';
import { type CallDefaults, prepareCall } from './prepare-call.ts';
import type { ResponseCheck } from './response-check.ts';

function defaults(overrides: Partial<CallDefaults> = {}): CallDefaults {
  return {
    connector: 'acme',
    baseHref: 'https://api.acme.test/v1/',
    origin: 'https://api.acme.test',
    baseHeaders: { accept: 'application/json' },
    bodyEncoder: jsonBody,
    idempotency: undefined,
    maxResponseBytes: 1024,
    totalMs: 5_000,
    clock: createTestClock(),
    responseCheck: undefined,
    ...overrides,
  };
}

/** The thrown error, for assertions on its fields; fails if nothing is thrown. */
function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected prepareCall to throw');
}

describe('prepareCall', () => {
  it('prepares a plain GET on the base path, sharing the client default headers', () => {
    const base = defaults();
    const call = prepareCall({ method: 'get' as 'GET', path: '/users/{id}', params: { id: 'a b' }, query: { page: 2 } }, base);
    expect(call.method).toBe('GET');
    expect(call.url.href).toBe('https://api.acme.test/v1/users/a%20b?page=2');
    expect(call.route).toBe('/users/{id}');
    expect(call.operation).toBe('GET /users/{id}');
    // No headers, body or key of its own: the defaults themselves, not a copy.
    expect(call.headers).toBe(base.baseHeaders);
    expect(call.body).toBeUndefined();
    expect(call.retrySafe).toBe(true);
    expect(call.maxResponseBytes).toBe(1024);
    expect(call.deadline).toBe(base.clock.now() + 5_000);
    expect(call.callId).toMatch(/^acme-\d+$/);
  });

  it('refuses a missing path parameter, naming every one', () => {
    const error = thrown(() => prepareCall({ path: '/orgs/{org}/repos/{repo}', params: { org: 'x', repo: '' }, operation: 'repos.get' }, defaults()));
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(error.message).toBe('acme repos.get: missing path parameter repo for /orgs/{org}/repos/{repo}');
    const both = thrown(() => prepareCall({ path: '/orgs/{org}/repos/{repo}' }, defaults()));
    expect(both.message).toContain('missing path parameters org, repo');
  });

  it('refuses to send credentials to another origin', () => {
    const error = thrown(() => prepareCall({ path: 'https://evil.test/steal' }, defaults()));
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ connector: 'acme', operation: 'GET https://evil.test/steal' });
    expect(error.message).toContain('refusing to send credentials to https://evil.test; this client is configured for https://api.acme.test');
    // An absolute URL on the client's own origin is fine.
    expect(prepareCall({ path: 'https://api.acme.test/v2/next' }, defaults()).url.href).toBe('https://api.acme.test/v2/next');
  });

  it("encodes a body with the encoder's Content-Type unless the caller set one, in any case", () => {
    const base = defaults();
    const encoded = prepareCall({ method: 'POST', path: '/things', body: { a: 1 } }, base);
    expect(encoded.body).toBe('{"a":1}');
    expect(encoded.headers).toBeInstanceOf(Headers);
    expect((encoded.headers as Headers).get('content-type')).toBe('application/json');
    expect((encoded.headers as Headers).get('accept')).toBe('application/json');
    // The defaults are copied, never written to.
    expect(base.baseHeaders).toEqual({ accept: 'application/json' });

    const own = prepareCall({ method: 'PATCH', path: '/things/1', body: { a: 1 }, headers: { 'Content-Type': 'application/merge-patch+json' } }, base);
    expect((own.headers as Headers).get('content-type')).toBe('application/merge-patch+json');
  });

  it('sends a raw body as given: no Content-Type of its own, and a stream only once', () => {
    const text = prepareCall({ method: 'POST', path: '/raw', body: 'hello' }, defaults());
    expect(text.body).toBe('hello');
    expect((text.headers as Headers).has('content-type')).toBe(false);
    expect(text.oneShot).toBe(false);

    const stream = new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    const streamed = prepareCall({ method: 'PUT', path: '/upload', body: stream }, defaults());
    expect(streamed.body).toBe(stream);
    expect(streamed.oneShot).toBe(true);
  });

  it('makes an idempotency key when auto asks, under the configured header, which makes a POST safe to repeat', () => {
    const plain = prepareCall({ method: 'POST', path: '/charges' }, defaults());
    expect(plain.retrySafe).toBe(false);
    expect(plain.idempotencyKey).toBeUndefined();

    const auto = prepareCall({ method: 'POST', path: '/charges' }, defaults({ idempotency: { auto: true, header: 'X-Idem' } }));
    expect(auto.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect((auto.headers as Headers).get('x-idem')).toBe(auto.idempotencyKey);
    expect(auto.retrySafe).toBe(true);

    // Not for a PUT (already idempotent), and a caller's key wins.
    expect(prepareCall({ method: 'PUT', path: '/x' }, defaults({ idempotency: { auto: true } })).idempotencyKey).toBeUndefined();
    const given = prepareCall({ method: 'POST', path: '/charges', idempotencyKey: 'k1' }, defaults());
    expect((given.headers as Headers).get('idempotency-key')).toBe('k1');
    expect(prepareCall({ method: 'POST', path: '/search', idempotent: true }, defaults()).retrySafe).toBe(true);
  });

  it("combines the call's response check with the client's, the call's first; false turns both off", () => {
    const client: ResponseCheck = () => ({ kind: 'success' });
    const own: ResponseCheck = () => undefined;
    expect(prepareCall({ path: '/a' }, defaults({ responseCheck: client })).check).toBe(client);
    expect(prepareCall({ path: '/a', responseCheck: false }, defaults({ responseCheck: client })).check).toBeUndefined();
    expect(prepareCall({ path: '/a', responseCheck: own }, defaults()).check).toBe(own);
    const both = prepareCall({ path: '/a', responseCheck: own }, defaults({ responseCheck: client })).check!;
    expect(both({} as never)).toEqual({ kind: 'success' });
  });

  it("takes the call's maxResponseBytes over the client's", () => {
    expect(prepareCall({ path: '/big', maxResponseBytes: 10 }, defaults()).maxResponseBytes).toBe(10);
  });
});
