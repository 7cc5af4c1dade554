import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { acceptNewEnumValues, findDrift } from './find-drift.ts';

describe('findDrift', () => {
  it('finds unknown fields through optional, nullable, nullish and arrays, once per path', () => {
    const schema = v.object({
      a: v.optional(v.object({ b: v.number() })),
      c: v.nullable(v.object({ d: v.string() })),
      e: v.nullish(v.array(v.object({ f: v.number() }))),
    });
    const data = { a: { b: 1, x: 1 }, c: { d: 's', y: 2 }, e: [{ f: 1, z: 3 }, { f: 2, z: 4 }], top: true };
    expect(findDrift(schema, data)).toEqual([
      { kind: 'unknown-field', path: 'a.x' },
      { kind: 'unknown-field', path: 'c.y' },
      { kind: 'unknown-field', path: 'e[].z' },
      { kind: 'unknown-field', path: 'top' },
    ]);
    expect(findDrift(schema, { c: null, e: null })).toEqual([]);
  });

  it('respects the schema author: looseObject and objectWithRest allow extra keys, strictObject rejects them itself', () => {
    expect(findDrift(v.looseObject({ a: v.number() }), { a: 1, extra: 1 })).toEqual([]);
    expect(findDrift(v.strictObject({ a: v.number() }), { a: 1, extra: 1 })).toEqual([]);
    const withRest = v.objectWithRest({ a: v.number() }, v.object({ n: v.number() }));
    expect(findDrift(withRest, { a: 1, k1: { n: 1, new: 1 } })).toEqual([{ kind: 'unknown-field', path: '*.new' }]);
  });

  it('walks the member of a union or variant the data belongs to', () => {
    const union = v.union([v.object({ kind: v.literal('card'), last4: v.string() }), v.object({ kind: v.literal('bank'), iban: v.string() })]);
    expect(findDrift(union, { kind: 'bank', iban: 'X', bic: 'Y' })).toEqual([{ kind: 'unknown-field', path: 'bic' }]);
    const variant = v.variant('type', [
      v.object({ type: v.literal('a'), status: v.picklist(['on', 'off']) }),
      v.object({ type: v.literal('b'), n: v.number() }),
    ]);
    expect(findDrift(variant, { type: 'a', status: 'dimmed', extra: 1 })).toEqual([
      { kind: 'unknown-enum-value', path: 'status', value: 'dimmed' },
      { kind: 'unknown-field', path: 'extra' },
    ]);
  });

  it('walks records, tuples, lazy (recursive) schemas, intersections and enums', () => {
    const tree: v.GenericSchema = v.object({ name: v.string(), children: v.array(v.lazy(() => tree)) });
    expect(findDrift(tree, { name: 'a', children: [{ name: 'b', children: [{ name: 'c', children: [], depth: 2 }] }] })).toEqual([
      { kind: 'unknown-field', path: 'children[].children[].depth' },
    ]);
    expect(findDrift(v.record(v.string(), v.object({ n: v.number() })), { x: { n: 1, m: 2 } })).toEqual([{ kind: 'unknown-field', path: '*.m' }]);
    expect(findDrift(v.tuple([v.object({ a: v.number() })]), [{ a: 1, b: 2 }])).toEqual([{ kind: 'unknown-field', path: '0.b' }]);
    const both = v.intersect([v.object({ a: v.number() }), v.object({ b: v.number() })]);
    expect(findDrift(both, { a: 1, b: 2, c: 3 })).toEqual([{ kind: 'unknown-field', path: 'c' }]);
    const Color = { Red: 'red', Blue: 'blue' } as const;
    expect(findDrift(v.object({ c: v.enum(Color) }), { c: 'green' })).toEqual([{ kind: 'unknown-enum-value', path: 'c', value: 'green' }]);
  });

  it('reports each new enum value once per path, and nothing for other vendors', () => {
    const schema = v.array(v.object({ s: v.picklist(['a']) }));
    expect(findDrift(schema, [{ s: 'b' }, { s: 'b' }, { s: 'c' }])).toEqual([
      { kind: 'unknown-enum-value', path: '[].s', value: 'b' },
      { kind: 'unknown-enum-value', path: '[].s', value: 'c' },
    ]);
    expect(findDrift(z.object({ a: z.number() }), { a: 1, b: 2 })).toEqual([]);
  });
});

describe('acceptNewEnumValues', () => {
  it('returns the output with new values passed through, leaving the input untouched', async () => {
    const schema = v.array(v.object({ s: v.picklist(['a', 'b']), n: v.number() }));
    const data = [{ s: 'a', n: 1 }, { s: 'z', n: 2 }, { s: 'y', n: 3, extra: 1 }];
    const first = schema['~standard'].validate(data);
    if (first instanceof Promise || !first.issues) throw new Error('expected issues');
    const accepted = await acceptNewEnumValues(schema, data, first.issues);
    expect(accepted).toEqual({ value: [{ s: 'a', n: 1 }, { s: 'z', n: 2 }, { s: 'y', n: 3 }] });
    expect(data[1]).toEqual({ s: 'z', n: 2 });
  });

  it('refuses when any issue is not an enum issue', async () => {
    const schema = v.object({ s: v.picklist(['a']), n: v.number() });
    const data = { s: 'z', n: 'x' };
    const first = schema['~standard'].validate(data);
    if (first instanceof Promise || !first.issues) throw new Error('expected issues');
    await expect(acceptNewEnumValues(schema, data, first.issues)).resolves.toBeUndefined();
  });
});
