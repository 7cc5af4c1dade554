import { type AuthStrategy, createHttpClient } from '@connectors/core';
import nock from 'nock';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { attempt, fakeClient } from '../__fixtures__/fake-client.ts';
import { manualClock } from '../__fixtures__/manual-clock.ts';
import type { Logger } from '../observe/instrumentation.ts';
import { CALL_MESSAGE, type CallRecord, createCallLog } from './call-log.ts';

/** A logger that keeps what it is given, per level. */
function memoryLogger() {
  const entries: { level: 'info' | 'warn' | 'error'; record: Record<string, unknown>; message: string }[] = [];
  const logger: Logger = {
    info: (record, message) => entries.push({ level: 'info', record: record as Record<string, unknown>, message }),
    warn: (record, message) => entries.push({ level: 'warn', record: record as Record<string, unknown>, message }),
    error: (record, message) => entries.push({ level: 'error', record: record as Record<string, unknown>, message }),
  };
  return { logger, entries };
}

afterEach(() => {
  nock.cleanAll();
});

describe('createCallLog', () => {
  it('writes one record per attempt with the whitelisted fields, at a level by outcome', () => {
    const clock = manualClock();
    const client = fakeClient('github', clock.now);
    const { logger, entries } = memoryLogger();
    client.subscribe(createCallLog(logger));
    client.emit({ ...attempt('retry', 812.345, { callId: 'github-1', error: 'HttpError' }), requestId: 'REQ-1' } as never);
    client.emit(attempt('success', 95, { callId: 'github-1', attempt: 2 }));
    client.emit(attempt('failed', 40, { callId: 'github-2', status: 422, error: 'HttpError' }));

    expect(entries.map((e) => [e.level, e.message])).toEqual([
      ['warn', CALL_MESSAGE],
      ['info', CALL_MESSAGE],
      ['error', CALL_MESSAGE],
    ]);
    const first: CallRecord = {
      event: 'call',
      connector: 'github',
      operation: 'issues.list',
      method: 'GET',
      route: '/repos/{owner}/{repo}/issues',
      status: 503,
      durationMs: 812.35,
      attempt: 1,
      outcome: 'retried',
      requestId: 'REQ-1',
      callId: 'github-1',
      error: 'HttpError',
    };
    expect(entries[0]!.record).toEqual(first);
    expect(entries[1]!.record).toMatchObject({ outcome: 'success', attempt: 2, status: 200 });
    expect(entries[2]!.record).toMatchObject({ outcome: 'failed', status: 422 });
  });

  it('marks a rate-limited attempt throttled', () => {
    const clock = manualClock();
    const client = fakeClient('github', clock.now);
    const { logger, entries } = memoryLogger();
    client.subscribe(createCallLog(logger));
    client.emit({ type: 'rate-limited', operation: 'issues.list', callId: 'c1', status: 403, retryAfterMs: 1000 });
    client.emit(attempt('retry', 10, { status: 403, callId: 'c1' }));
    client.emit(attempt('retry', 10, { status: 429, callId: 'c2' }));
    client.emit(attempt('retry', 10, { status: 403, callId: 'c3' }));
    expect(entries.map((e) => e.record.outcome)).toEqual(['throttled', 'throttled', 'retried']);
  });

  it('can leave successes out and log only the events asked for', () => {
    const clock = manualClock();
    const client = fakeClient('github', clock.now);
    const { logger, entries } = memoryLogger();
    client.subscribe(createCallLog(logger, { successes: false, events: ['deprecation'] }));
    client.emit(attempt('success', 10));
    client.emit({ type: 'circuit', operation: 'x', state: 'open', host: 'h' });
    client.emit({ type: 'deprecation', operation: 'x', method: 'GET', route: '/old?key=abcdef12345', sunset: '2026-09-01T00:00:00.000Z' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ level: 'warn', message: 'API deprecation notice', record: { event: 'deprecation', route: '/old', sunset: '2026-09-01T00:00:00.000Z' } });
  });

  it('scrubs free text in notable events', () => {
    const clock = manualClock();
    const client = fakeClient('github', clock.now);
    const { logger, entries } = memoryLogger();
    client.subscribe(createCallLog(logger));
    const token = `ghp_${'Zx9'.repeat(12)}`;
    client.emit({ type: 'auth-risk', operation: 'x', message: `token ${token} was sent over http` });
    client.emit({ type: 'give-up', operation: 'x', attempts: 3, error: 'HttpError', reason: `refused Bearer ${'q'.repeat(40)}`, retryable: false });
    expect(JSON.stringify(entries)).not.toContain(token);
    expect(JSON.stringify(entries)).not.toContain('q'.repeat(40));
    expect(entries.map((e) => e.level)).toEqual(['warn', 'error']);
  });
});

describe('call records through child loggers', () => {
  it('binds the route fields once per route and logs whole records past the limit of distinct routes', () => {
    const children: Record<string, unknown>[] = [];
    const { logger, entries } = memoryLogger();
    const parent = {
      ...logger,
      child(bindings: Record<string, unknown>) {
        children.push(bindings);
        return { info: (record: object, message: string) => logger.info({ ...bindings, ...record }, message), warn: logger.warn, error: logger.error };
      },
    };
    const clock = manualClock();
    const client = fakeClient('github', clock.now);
    client.subscribe(createCallLog(parent));
    for (let i = 0; i < 3; i++) client.emit(attempt('success', 5, { callId: `c${i}` }));
    for (let i = 0; i < 1001; i++) client.emit(attempt('success', 5, { route: `https://api.github.test/repositories/${i}/issues?page=2` }));

    expect(children).toHaveLength(1000);
    expect(children[0]).toEqual({ event: 'call', connector: 'github', operation: 'issues.list', method: 'GET', route: '/repos/{owner}/{repo}/issues' });
    expect(entries).toHaveLength(1004);
    expect(entries[2]!.record).toMatchObject({ event: 'call', route: '/repos/{owner}/{repo}/issues', callId: 'c2', outcome: 'success' });
    // The 1001st distinct route: no new child, the record carries every field itself.
    expect(entries[1003]!.record).toMatchObject({ event: 'call', connector: 'github', route: '/repositories/1000/issues', status: 200 });
  });
});

describe('a real client run logged through pino', () => {
  it('logs every attempt and none of the secrets', async () => {
    // Built at run time, shaped like the real thing: secret scanners must not flag this file.
    const token = `ghp_${'A1b2C3d4E5f6'.repeat(3)}`;
    const apiKey = `live_${'k3y'.repeat(8)}`;
    const auth: AuthStrategy = {
      kind: 'test-token',
      authorize(request) {
        request.headers.set('authorization', `token ${token}`);
        request.url.searchParams.set('api_key', apiKey);
      },
      secrets: () => [token, apiKey],
    };
    const lines: string[] = [];
    const logger = pino({ base: undefined }, { write: (line: string) => lines.push(line) });
    const clock = manualClock();
    const client = createHttpClient({ connector: 'github', baseUrl: 'https://api.github.test', auth, clock, retry: { baseDelayMs: 10 } });
    client.subscribe(createCallLog(logger));

    const api = nock('https://api.github.test');
    api.get('/repos/acme/widgets/issues').query(true).reply(503, `upstream said: bad token ${token}?api_key=${apiKey}`);
    api.get('/repos/acme/widgets/issues').query(true).reply(200, [{ id: 1 }], { 'content-type': 'application/json', 'x-github-request-id': 'ABCD:1234' });
    api.post('/repos/acme/widgets/issues').query(true).reply(401, { message: `Bad credentials ${token}` });
    api.get('/repositories/42/issues').query(true).reply(200, [], { 'content-type': 'application/json' });

    await client.request({ path: '/repos/{owner}/{repo}/issues', params: { owner: 'acme', repo: 'widgets' }, query: { state: 'open' }, operation: 'issues.list' });
    await expect(client.request({ method: 'POST', path: '/repos/{owner}/{repo}/issues', params: { owner: 'acme', repo: 'widgets' }, body: { title: 'x' } })).rejects.toThrow();
    // What pagination does: an absolute `next` URL, query and all.
    await client.request({ path: `https://api.github.test/repositories/42/issues?page=2&api_key=${apiKey}`, operation: 'issues.list' });
    client.emit({ type: 'auth-risk', operation: 'issues.list', message: `token ${token} is about to be sent in a URL` });

    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const calls = records.filter((r) => r.event === 'call');
    expect(calls.map((r) => [r.operation, r.route, r.status, r.outcome, r.attempt])).toEqual([
      ['issues.list', '/repos/{owner}/{repo}/issues', 503, 'retried', 1],
      ['issues.list', '/repos/{owner}/{repo}/issues', 200, 'success', 2],
      ['POST /repos/{owner}/{repo}/issues', '/repos/{owner}/{repo}/issues', 401, 'failed', 1],
      ['issues.list', '/repositories/42/issues', 200, 'success', 1],
    ]);
    expect(calls[1]).toMatchObject({ requestId: 'ABCD:1234', msg: CALL_MESSAGE, level: 30 });
    // Written through a pino child bound to the route's fields: the line still has every field once.
    expect(lines[0]!.match(/"route":/g)).toHaveLength(1);
    expect(Object.keys(calls[0]!).sort()).toEqual(['attempt', 'callId', 'connector', 'durationMs', 'error', 'event', 'level', 'method', 'msg', 'operation', 'outcome', 'route', 'status', 'time']);
    expect(records.some((r) => r.event === 'give-up' && r.level === 50)).toBe(true);
    expect(records.some((r) => r.event === 'auth-risk')).toBe(true);

    const text = lines.join('\n');
    expect(text).not.toContain(token);
    expect(text).not.toContain(apiKey);
    expect(text).not.toContain('api_key');
    expect(text).not.toContain('acme');
    expect(text).not.toContain('widgets');
    expect(api.isDone()).toBe(true);
  });
});
