import nock from 'nock';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { useNock } from '../__fixtures__/use-nock.ts';
import { SchemaValidationError } from '../errors/index.ts';
import { createHttpClient, type HttpClientOptions } from '../http/create-http-client.ts';
import type { ConnectorEvent, ConnectorEventOf } from '../http/events.ts';
import { createTestClock } from '../internal/test-clock.ts';
import { DriftReporter } from './drift-reporter.ts';

const BASE = 'https://api.drift.test';

function setup(overrides: Partial<HttpClientOptions> = {}) {
  const events: ConnectorEvent[] = [];
  const http = createHttpClient({ connector: 'acme', baseUrl: BASE, clock: createTestClock(), onEvent: (e) => events.push(e), ...overrides });
  const drift = () => events.filter((e): e is ConnectorEventOf<'schema-drift'> => e.type === 'schema-drift');
  return { http, events, drift };
}

const Customer = v.object({ id: v.string(), status: v.picklist(['active', 'closed']), address: v.object({ city: v.string() }) });
const body = (id: string, status = 'active') => ({ id, status, address: { city: 'Oslo', zip: '0150' }, tax_id: null });

useNock();

describe('schema drift through the client', () => {
  it('reports each unknown field once per operation, on by default, and returns the declared fields', async () => {
    nock(BASE).get('/customers/1').reply(200, body('1')).get('/customers/2').reply(200, body('2')).get('/customers/3').reply(200, body('3'));
    const { http, drift } = setup();
    const first = await http.request({ path: '/customers/{id}', params: { id: 1 }, schema: Customer, operation: 'customers.get' });
    await http.request({ path: '/customers/{id}', params: { id: 2 }, schema: Customer, operation: 'customers.get' });
    await http.request({ path: '/customers/{id}', params: { id: 3 }, schema: Customer, operation: 'customers.retrieve' });
    expect(first).toEqual({ id: '1', status: 'active', address: { city: 'Oslo' } });
    expect(drift().map(({ operation, kind, path }) => ({ operation, kind, path }))).toEqual([
      { operation: 'customers.get', kind: 'unknown-field', path: 'address.zip' },
      { operation: 'customers.get', kind: 'unknown-field', path: 'tax_id' },
      { operation: 'customers.retrieve', kind: 'unknown-field', path: 'address.zip' },
      { operation: 'customers.retrieve', kind: 'unknown-field', path: 'tax_id' },
    ]);
    expect(drift()[0]).toMatchObject({ type: 'schema-drift', connector: 'acme' });
  });

  it('accepts a new enum value, passes it through and reports it once per value', async () => {
    nock(BASE).get('/customers/1').times(2).reply(200, body('1', 'suspended')).get('/customers/2').reply(200, body('2', 'frozen'));
    const { http, drift } = setup();
    const get = (id: number) => http.request({ path: '/customers/{id}', params: { id }, schema: Customer, operation: 'customers.get' });
    expect(await get(1)).toMatchObject({ status: 'suspended' });
    await get(1);
    await get(2);
    expect(drift().filter((e) => e.kind === 'unknown-enum-value')).toEqual([
      expect.objectContaining({ path: 'status', value: 'suspended' }),
      expect.objectContaining({ path: 'status', value: 'frozen' }),
    ]);
  });

  it('still fails on a missing field or a wrong type, without retrying', async () => {
    nock(BASE).get('/customers/1').reply(200, { id: 1, status: 'new-status', address: {} });
    const { http, events, drift } = setup();
    const error = await http.request({ path: '/customers/{id}', params: { id: 1 }, schema: Customer }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaValidationError);
    expect((error as SchemaValidationError).issues.map((i) => [i.path, i.expected, i.received])).toEqual([
      ['id', 'string', '1'],
      ['status', '("active" | "closed")', '"new-status"'],
      ['address.city', 'string', 'undefined'],
    ]);
    expect((error as SchemaValidationError).attempts).toBe(1);
    expect(events.filter((e) => e.type === 'request')).toHaveLength(1);
    expect(drift()).toEqual([]);
  });

  it("strict on the client fails on drift; a request can relax it to 'report' or 'off'", async () => {
    nock(BASE).get('/customers/1').times(3).reply(200, body('1'));
    const { http, drift } = setup({ validation: { drift: 'strict' } });
    const call = (drift?: 'report' | 'off') =>
      http.request({ path: '/customers/{id}', params: { id: 1 }, schema: Customer, ...(drift ? { validation: { drift } } : {}) });
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaValidationError);
    expect((error as SchemaValidationError).issues.map((i) => i.path)).toEqual(['address.zip', 'tax_id']);
    await expect(call('off')).resolves.toMatchObject({ id: '1' });
    expect(drift()).toEqual([]);
    await expect(call('report')).resolves.toMatchObject({ id: '1' });
    expect(drift()).toHaveLength(2);
  });

  it('validates request bodies before sending, with clear messages and no secrets', async () => {
    const { http, events } = setup({ auth: { kind: 'test', authorize: () => {}, secrets: () => ['tok_secret_12345'] } });
    const error = await http
      .request({ method: 'POST', path: '/customers', body: { name: 'tok_secret_12345', age: 'x' }, bodySchema: v.object({ name: v.number(), age: v.number() }) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaValidationError);
    const e = error as SchemaValidationError;
    expect(e.direction).toBe('request');
    expect(e.message).toMatch(/POST \/customers: the request body does not match bodySchema, so nothing was sent \(2 issues\)/);
    expect(e.message).toContain('age: expected number, received "x"');
    expect(JSON.stringify(e.toJSON())).not.toContain('tok_secret_12345');
    expect(events.filter((ev) => ev.type === 'request')).toEqual([]);
  });
});

describe('DriftReporter', () => {
  it('rejects an unknown mode with a TypeError that lists the valid ones', () => {
    expect(() => new DriftReporter({ mode: 'loud' as 'report', emit: () => {} })).toThrow(/must be 'report', 'strict' or 'off'/);
  });

  it('truncates and redacts reported values', () => {
    const events: unknown[] = [];
    const reporter = new DriftReporter({ emit: (e) => events.push(e), secrets: () => ['s3cr3t-value'] });
    reporter.report('op', { kind: 'unknown-enum-value', path: 'a', value: `s3cr3t-value-${'x'.repeat(100)}` });
    expect(events).toEqual([{ type: 'schema-drift', operation: 'op', kind: 'unknown-enum-value', path: 'a', value: expect.stringMatching(/^\[REDACTED\]-x+…$/) }]);
  });
});
