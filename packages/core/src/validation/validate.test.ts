import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SchemaValidationError } from '../errors/index.ts';
import { tapInput, validate, type ValidationContext } from './validate.ts';
import type { DriftFinding } from './find-drift.ts';

const ctx: ValidationContext = { connector: 'acme', operation: 'users.get', direction: 'response' };

async function failure(promise: Promise<unknown>): Promise<SchemaValidationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SchemaValidationError);
  return error as SchemaValidationError;
}

describe('validate: valibot', () => {
  const User = v.object({
    id: v.number(),
    login: v.string(),
    plan: v.object({ name: v.picklist(['free', 'pro']) }),
    emails: v.array(v.object({ address: v.string(), primary: v.boolean() })),
  });

  it('returns the typed output when the data matches', async () => {
    const data = { id: 1, login: 'ada', plan: { name: 'pro' }, emails: [{ address: 'a@x.test', primary: true }] };
    await expect(validate(User, data, ctx)).resolves.toEqual(data);
  });

  it('lists every issue with its path and what was expected and received', async () => {
    const error = await failure(
      validate(User, { id: '1', plan: { name: 'pro' }, emails: [{ address: 'a@x.test', primary: true }, { address: null, primary: true }] }, ctx),
    );
    expect(error.issues).toEqual([
      expect.objectContaining({ path: 'id', expected: 'number', received: '"1"' }),
      expect.objectContaining({ path: 'login', expected: 'string', received: 'undefined', message: 'missing required field (expected string)' }),
      expect.objectContaining({ path: 'emails.1.address', expected: 'string', received: 'null' }),
    ]);
    expect(error.message).toContain('acme users.get: the response does not match its schema (3 issues)');
    expect(error.message).toContain('emails.1.address: expected string, received null');
    expect(error.message).toContain('login: expected string, received undefined');
    expect(error).toMatchObject({ retryable: false, direction: 'response', connector: 'acme', operation: 'users.get' });
  });

  it('keeps secrets and password-like fields out of the message and the excerpt', async () => {
    const Login = v.object({ user: v.object({ name: v.string(), password: v.number(), age: v.number() }) });
    const data = { user: { name: 'sk_live_abcdef123456', password: 'hunter2-secret', age: 'sk_live_abcdef123456' } };
    const error = await failure(validate(Login, data, { ...ctx, secrets: ['sk_live_abcdef123456'] }));
    const text = JSON.stringify(error.toJSON());
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('sk_live_abcdef123456');
    expect(error.issues[0]).toMatchObject({ path: 'user.password', expected: 'number', received: 'string' });
    expect(error.excerpt).toContain('"password":"[REDACTED]"');
    expect(error.excerpt).toContain('"name":"[REDACTED]"');
  });

  it('shows the object around the first failure, not the whole body', async () => {
    const List = v.array(v.object({ id: v.number() }));
    const data = Array.from({ length: 1000 }, (_, i) => ({ id: i === 500 ? 'x' : i, filler: 'y'.repeat(50) }));
    const error = await failure(validate(List, data, ctx));
    expect(error.issues[0]?.path).toBe('500.id');
    expect(error.excerpt).toMatch(/^\{"id":"x","filler":"y+"\}$/);
  });

  it('words request body failures as such', async () => {
    const error = await failure(validate(v.object({ name: v.string() }), { name: 3 }, { ...ctx, direction: 'request' }));
    expect(error.direction).toBe('request');
    expect(error.message).toContain('the request body does not match bodySchema, so nothing was sent');
    expect(error.message).toContain('name: expected string, received 3');
  });

  it('runs async schemas', async () => {
    const Checked = v.pipeAsync(
      v.string(),
      v.checkAsync(async (s) => s.startsWith('ok'), 'must start with ok'),
    );
    await expect(validate(Checked, 'ok then', ctx)).resolves.toBe('ok then');
    const error = await failure(validate(Checked, 'nope', ctx));
    expect(error.issues[0]?.message).toBe('must start with ok');
  });
});

describe('validate: other Standard Schema vendors (zod 4)', () => {
  const User = z.object({ id: z.number(), tags: z.array(z.string()), kind: z.enum(['a', 'b']) });

  it('validates and returns zod output', async () => {
    await expect(validate(User, { id: 1, tags: ['x'], kind: 'a' }, ctx)).resolves.toEqual({ id: 1, tags: ['x'], kind: 'a' });
  });

  it('reports paths, zod expected, and the received type read from the data', async () => {
    const error = await failure(validate(User, { id: 'one', tags: ['x', 2], kind: 'c' }, ctx));
    expect(error.issues).toEqual([
      expect.objectContaining({ path: 'id', expected: 'number', received: '"one"' }),
      expect.objectContaining({ path: 'tags.1', expected: 'string', received: '2' }),
      // No `expected` on this zod issue: the message says it.
      { path: 'kind', message: expect.stringContaining('expected one of') },
    ]);
  });

  it('does not walk non-valibot schemas for drift, whatever the mode', async () => {
    const findings: DriftFinding[] = [];
    const data = { id: 1, tags: [], kind: 'a', added: true };
    await expect(validate(User, data, { ...ctx, drift: 'strict', onDrift: (f) => findings.push(f) })).resolves.toEqual({ id: 1, tags: [], kind: 'a' });
    expect(findings).toEqual([]);
  });
});

describe('validate: drift modes (valibot)', () => {
  const Sub = v.object({
    id: v.string(),
    status: v.picklist(['active', 'canceled']),
    items: v.array(v.object({ price: v.number() })),
  });
  const data = { id: 'sub_1', status: 'paused', items: [{ price: 5, currency: 'eur' }, { price: 7, currency: 'eur' }], livemode: false };

  it('report: accepts a new enum value as received and reports it with the unknown fields', async () => {
    const findings: DriftFinding[] = [];
    const out = await validate(Sub, data, { ...ctx, drift: 'report', onDrift: (f) => findings.push(f) });
    expect(out).toEqual({ id: 'sub_1', status: 'paused', items: [{ price: 5 }, { price: 7 }] });
    expect(findings).toEqual([
      { kind: 'unknown-enum-value', path: 'status', value: 'paused' },
      { kind: 'unknown-field', path: 'items[].currency' },
      { kind: 'unknown-field', path: 'livemode' },
    ]);
  });

  it('report: a wrong type or a missing field still fails, even next to a new enum value', async () => {
    const error = await failure(validate(Sub, { status: 'paused', items: [{ price: '5' }] }, { ...ctx, drift: 'report', onDrift: () => {} }));
    expect(error.issues.map((i) => i.path)).toEqual(['id', 'status', 'items.0.price']);
  });

  it('report: a new value that a transform would have changed fails instead of passing wrong data', async () => {
    const Mapped = v.object({ status: v.pipe(v.picklist(['a', 'b']), v.transform((s) => s.toUpperCase())) });
    await expect(validate(Mapped, { status: 'a' }, { ...ctx, drift: 'report' })).resolves.toEqual({ status: 'A' });
    await failure(validate(Mapped, { status: 'c' }, { ...ctx, drift: 'report' }));
  });

  it('report: a new value of an enum inside a union with other types is accepted too; a wrong type still fails', async () => {
    // GitHub's description types gist `public` as boolean | "public" | "private" (oneOf), and so does the generator.
    const Gist = v.object({ id: v.string(), public: v.union([v.boolean(), v.picklist(['public', 'private'])]) });
    const findings: DriftFinding[] = [];
    await expect(validate(Gist, { id: 'g1', public: 'secret' }, { ...ctx, drift: 'report', onDrift: (f) => findings.push(f) })).resolves.toEqual({ id: 'g1', public: 'secret' });
    expect(findings).toEqual([{ kind: 'unknown-enum-value', path: 'public', value: 'secret' }]);
    await expect(validate(Gist, { id: 'g1', public: true }, { ...ctx, drift: 'report' })).resolves.toEqual({ id: 'g1', public: true });
    const wrongType = await failure(validate(Gist, { id: 'g1', public: 3 }, { ...ctx, drift: 'report' }));
    expect(wrongType.issues.map((i) => i.path)).toEqual(['public']);
    await failure(validate(Gist, { id: 'g1', public: 'secret' }, { ...ctx, drift: 'strict' }));
  });

  it('report: a number where string options are declared is a wrong type, not a new value', async () => {
    const error = await failure(validate(Sub, { ...data, status: 3 }, { ...ctx, drift: 'report' }));
    expect(error.issues[0]).toMatchObject({ path: 'status', received: '3' });
  });

  it('strict: unknown fields and new enum values fail', async () => {
    const error = await failure(validate(Sub, data, { ...ctx, drift: 'strict' }));
    expect(error.issues.map((i) => i.path)).toEqual(['status']);
    const fields = await failure(validate(Sub, { ...data, status: 'active' }, { ...ctx, drift: 'strict' }));
    expect(fields.issues.map((i) => i.path)).toEqual(['items[].currency', 'livemode']);
    expect(fields.message).toContain('livemode: expected no such field, received a field');
  });

  it('off: the schema alone decides (unknown keys stripped, new enum values fail)', async () => {
    const findings: DriftFinding[] = [];
    await failure(validate(Sub, data, { ...ctx, drift: 'off', onDrift: (f) => findings.push(f) }));
    await expect(validate(Sub, { ...data, status: 'active' }, { ...ctx, drift: 'off', onDrift: (f) => findings.push(f) })).resolves.toEqual({
      id: 'sub_1',
      status: 'active',
      items: [{ price: 5 }, { price: 7 }],
    });
    expect(findings).toEqual([]);
  });

  it('never mutates the caller data', async () => {
    const input = structuredClone(data);
    await validate(Sub, input, { ...ctx, drift: 'report', onDrift: () => {} });
    expect(input).toEqual(data);
  });
});

describe('tapInput', () => {
  it('hands over the raw input and validates with the inner schema, drift included', async () => {
    let raw: unknown;
    const findings: DriftFinding[] = [];
    const schema = tapInput(v.object({ id: v.number() }), (input) => {
      raw = input;
    });
    const out = await validate(schema, { id: 1, has_more: true }, { ...ctx, drift: 'report', onDrift: (f) => findings.push(f) });
    expect(out).toEqual({ id: 1 });
    expect(raw).toEqual({ id: 1, has_more: true });
    expect(findings).toEqual([{ kind: 'unknown-field', path: 'has_more' }]);
  });

  it('passes the input through when there is no inner schema', async () => {
    let raw: unknown;
    const schema = tapInput(undefined, (input) => {
      raw = input;
    });
    await expect(validate(schema, [1, 2], ctx)).resolves.toEqual([1, 2]);
    expect(raw).toEqual([1, 2]);
  });
});
