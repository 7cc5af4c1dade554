import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { HttpError, ResponseTooLargeError, SchemaValidationError } from '../errors/index.ts';
import { createTestClock } from '../internal/test-clock.ts';
import { DriftReporter } from '../validation/drift-reporter.ts';
import { jsonBody } from './body-encoders.ts';
import { CallErrors, DEFAULT_REQUEST_ID_HEADERS } from './call-errors.ts';
import type { EventInput } from './events.ts';
import { prepareCall } from './prepare-call.ts';
import type { RequestOptions } from './types.ts';
import { ResponseReader } from './response-reader.ts';

const SECRET = 'sk_live_secret';

function setup() {
  const events: EventInput[] = [];
  const clock = createTestClock();
  const emit = (event: EventInput) => events.push(event);
  const secrets = () => [SECRET];
  const errors = new CallErrors({ connector: 'acme', totalMs: 5_000, clock, requestIdHeaders: DEFAULT_REQUEST_ID_HEADERS, httpError: undefined, secrets });
  const reader = new ResponseReader({
    connector: 'acme', secrets, lazySecrets: { [Symbol.iterator]: () => secrets()[Symbol.iterator]() },
    drift: new DriftReporter({ emit, secrets }), requestIds: errors, emit,
  });
  const call = (options: Partial<RequestOptions> = {}) => prepareCall({ path: '/things', operation: 'things.list', ...options }, {
    connector: 'acme', baseHref: 'https://api.acme.test/', origin: 'https://api.acme.test', baseHeaders: {}, bodyEncoder: jsonBody,
    idempotency: undefined, maxResponseBytes: 1024, totalMs: 5_000, clock, responseCheck: undefined,
  });
  return { reader, call, events };
}

const json = (body: string, status = 200, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { 'content-type': 'application/json', ...headers } });

describe('ResponseReader', () => {
  it('reads nothing of a 204, a HEAD or responseType none, and releases the body', async () => {
    const { reader, call } = setup();
    const noContent = new Response(null, { status: 204 });
    expect(reader.bodyless(call(), noContent)).toBe(true);
    expect(await reader.read(call(), noContent)).toBeUndefined();

    const head = json('{"a":1}');
    expect(await reader.read(call({ method: 'HEAD' }), head)).toBeUndefined();
    expect(head.bodyUsed).toBe(true);

    const none = json('{"a":1}');
    expect(await reader.read(call({ responseType: 'none' }), none)).toBeUndefined();
    expect(none.bodyUsed).toBe(true);
    expect(await reader.readForCheck(call(), new Response(null, { status: 204 }))).toEqual({ text: '', value: undefined });
  });

  it('parses JSON when the response or the call says so, and leaves other text alone', async () => {
    const { reader, call } = setup();
    expect(await reader.read(call(), json('{"a":1}'))).toEqual({ a: 1 });
    expect(await reader.read(call(), new Response('plain', { headers: { 'content-type': 'text/plain' } }))).toBe('plain');
    expect(await reader.read(call({ responseType: 'json' }), new Response('[1]'))).toEqual([1]);
    expect(await reader.read(call({ responseType: 'text' }), json('{"a":1}'))).toBe('{"a":1}');
    expect(await reader.read(call(), json(''))).toBeUndefined();
  });

  it('makes malformed JSON on a 2xx a retryable HttpError, secrets removed from the excerpt', async () => {
    const { reader, call } = setup();
    const error = await reader.read(call(), json(`{"token":"${SECRET}", "cut`, 200, { 'x-request-id': 'req-1' })).then(
      () => { throw new Error('expected the read to fail'); },
      (e: unknown) => e,
    );
    expect(HttpError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      connector: 'acme', operation: 'things.list', status: 200, retryable: true, requestId: 'req-1',
      reason: 'malformed JSON (often a truncated or proxied response)',
    });
    expect((error as HttpError).message).toBe('acme things.list: the 200 response is not valid JSON');
    expect((error as HttpError).bodyExcerpt).not.toContain(SECRET);
  });

  it("keeps a failed response's malformed JSON as text for its message", async () => {
    const { reader, call } = setup();
    expect(await reader.readForCheck(call(), json('<html>bad gateway', 502))).toEqual({ text: '<html>bad gateway', value: '<html>bad gateway' });
  });

  it('stops reading at maxResponseBytes with ResponseTooLargeError', async () => {
    const { reader, call } = setup();
    const big = 'x'.repeat(2048);
    await expect(reader.text(call(), new Response(big, { headers: { 'content-length': '2048' } }))).rejects.toMatchObject({
      name: 'ResponseTooLargeError', status: 200, limitBytes: 1024, declaredBytes: 2048,
    });
    // A failed response's oversized body is still an error: reading it whole is what the limit prevents.
    const error = await reader.readForCheck(call(), new Response(big, { status: 500 })).catch((e: unknown) => e);
    expect(ResponseTooLargeError.isInstance(error)).toBe(true);
    expect(await reader.failureText(call(), new Response(big, { status: 500 }))).toBe('');
  });

  it('validates in the same turn with a synchronous schema: a value, not a promise', async () => {
    const { reader, call } = setup();
    const schema = v.object({ a: v.number() });
    const valid = reader.validate(call({ schema }), { a: 1 });
    expect(valid).not.toBeInstanceOf(Promise);
    expect(valid).toEqual({ a: 1 });
    // (Invalid data may take a turn: drift 'report' first checks whether only a new enum value is wrong.)
    await expect(Promise.resolve().then(() => reader.validate(call({ schema }), { a: 'one' }))).rejects.toThrow(SchemaValidationError);
    const data = { anything: true };
    expect(reader.validate(call(), data)).toBe(data);
  });

  it("redacts a failed response's text", async () => {
    const { reader, call } = setup();
    expect(await reader.failureText(call(), new Response(`bad key ${SECRET}`, { status: 401 }))).toBe('bad key [REDACTED]');
  });

  it('shows a check the response and turns its warnings into one provider-warning event', () => {
    const { reader, call, events } = setup();
    const inspected = reader.inspect(call(), json('{}', 200, { 'request-id': 'r-9' }), { ok: true });
    expect(inspected).toMatchObject({ status: 200, body: { ok: true }, operation: 'things.list', method: 'GET', route: '/things', requestId: 'r-9' });
    inspected.emitWarning([]);
    inspected.emitWarning(['deprecated field']);
    expect(events).toEqual([expect.objectContaining({ type: 'provider-warning', operation: 'things.list', warnings: ['deprecated field'] })]);
  });
});
