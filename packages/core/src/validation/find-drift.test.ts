import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { acceptNewEnumValues, findDrift, findDriftUnscreened } from './find-drift.ts';

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

/** A seeded PRNG (mulberry32): the cases differ per seed but every run sees the same ones. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  schema: v.GenericSchema;
  /** Data shaped like the schema, with some drift (extra keys, new enum values) and some noise. */
  sample: () => unknown;
}

/** Random schemas of every kind the walk knows, each with a generator of near-matching data. */
function randomCase(random: () => number, depth: number): Case {
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const maybe = (p: number) => random() < p;
  const noise = () => pick([null, 'x', 3, true, {}, [], { stray: 1 }]);
  const leaves: Array<() => Case> = [
    () => ({ schema: v.string(), sample: () => (maybe(0.9) ? 's' : noise()) }),
    () => ({ schema: v.number(), sample: () => (maybe(0.9) ? 1 : noise()) }),
    () => ({ schema: v.picklist(['a', 'b']), sample: () => pick(['a', 'b', 'a', 'new', 7]) }),
    () => ({ schema: v.picklist([1, 2]), sample: () => pick([1, 2, 3, 'x']) }),
    () => ({ schema: v.enum({ A: 'a', B: 'b' }), sample: () => pick(['a', 'b', 'c']) }),
    () => ({ schema: v.literal('k'), sample: () => pick(['k', 'z']) }),
  ];
  if (depth <= 0) return pick(leaves)();
  const sub = () => randomCase(random, depth - 1);
  const entriesOf = () => {
    const parts = Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => [`f${i}`, sub()]));
    const entries = Object.fromEntries(Object.entries(parts).map(([k, c]) => [k, c.schema]));
    const sample = () => {
      const out: Record<string, unknown> = {};
      for (const [k, c] of Object.entries(parts)) if (maybe(0.9)) out[k] = c.sample();
      if (maybe(0.3)) out[pick(['extra', 'more', 'f9'])] = maybe(0.5) ? 1 : { deep: 'x' };
      return maybe(0.95) ? out : noise();
    };
    return { entries, sample };
  };
  const composites: Array<() => Case> = [
    () => { const e = entriesOf(); return { schema: v.object(e.entries), sample: e.sample }; },
    () => { const e = entriesOf(); return { schema: v.looseObject(e.entries), sample: e.sample }; },
    () => { const e = entriesOf(); return { schema: v.strictObject(e.entries), sample: e.sample }; },
    () => { const e = entriesOf(); const r = sub(); return { schema: v.objectWithRest(e.entries, r.schema), sample: () => ({ ...(e.sample() as object), r1: r.sample() }) }; },
    () => { const i = sub(); return { schema: v.array(i.schema), sample: () => (maybe(0.95) ? Array.from({ length: Math.floor(random() * 4) }, i.sample) : noise()) }; },
    () => { const i = sub(); return { schema: v.record(v.string(), i.schema), sample: () => ({ k1: i.sample(), k2: i.sample() }) }; },
    () => { const [a, b] = [sub(), sub()]; return { schema: v.tuple([a.schema, b.schema]), sample: () => [a.sample(), b.sample(), ...(maybe(0.3) ? [b.sample()] : [])] }; },
    () => { const [a, r] = [sub(), sub()]; return { schema: v.tupleWithRest([a.schema], r.schema), sample: () => [a.sample(), r.sample(), r.sample()] }; },
    () => {
      const i = sub();
      const wrap = pick([(s: v.GenericSchema) => v.optional(s), (s: v.GenericSchema) => v.nullable(s), (s: v.GenericSchema) => v.nullish(s)]);
      return { schema: wrap(i.schema), sample: () => (maybe(0.8) ? i.sample() : pick([null, undefined])) };
    },
    () => { const i = sub(); return { schema: v.lazy(() => i.schema), sample: i.sample }; },
    () => {
      const [a, b] = [entriesOf(), entriesOf()];
      const member = (entries: v.ObjectEntries, kind: string) => {
        const withKind = { ...entries, kind: v.literal(kind) };
        return maybe(0.5) ? v.object(withKind) : v.looseObject(withKind);
      };
      const schemas = [member(a.entries, 'a'), member(b.entries, 'b')];
      const sample = () => (maybe(0.5) ? { ...(a.sample() as object), kind: 'a' } : { ...(b.sample() as object), kind: 'b' });
      return { schema: maybe(0.5) ? v.union(schemas) : v.variant('kind', schemas), sample };
    },
    () => {
      const [a, b] = [entriesOf(), entriesOf()];
      const second = maybe(0.5) ? v.object(b.entries) : v.looseObject(b.entries);
      return { schema: v.intersect([v.object(a.entries), second]), sample: () => ({ ...(a.sample() as object), ...(b.sample() as object) }) };
    },
  ];
  return maybe(0.25) ? pick(leaves)() : pick(composites)();
}

describe('findDrift: the screen in front of the walk', () => {
  it('never hides a finding the walk would make, over a thousand random schemas and payloads', () => {
    const random = prng(20260101);
    let withDrift = 0;
    for (let i = 0; i < 1000; i++) {
      const { schema, sample } = randomCase(random, 1 + (i % 4));
      for (let j = 0; j < 3; j++) {
        const data = sample();
        const expected = findDriftUnscreened(schema, data);
        if (expected.length) withDrift++;
        expect(findDrift(schema, data)).toEqual(expected);
      }
    }
    // The cases must exercise both answers, or the comparison proves little.
    expect(withDrift).toBeGreaterThan(300);
    expect(withDrift).toBeLessThan(2700);
  });

  it('keeps its compiled form per schema: reused schemas, shared parts and different data', () => {
    const address = v.object({ city: v.string() });
    const person = v.object({ name: v.string(), home: address });
    const company = v.object({ name: v.string(), office: address, tags: v.array(v.string()) });
    expect(findDrift(person, { name: 'a', home: { city: 'x' } })).toEqual([]);
    expect(findDrift(person, { name: 'a', home: { city: 'x', zip: '1' } })).toEqual([{ kind: 'unknown-field', path: 'home.zip' }]);
    expect(findDrift(company, { name: 'c', office: { city: 'y', zip: '2' }, tags: ['t'] })).toEqual([{ kind: 'unknown-field', path: 'office.zip' }]);
    expect(findDrift(person, { name: 'a', home: { city: 'x' } })).toEqual([]);
  });

  it('looks past parts that cannot drift to the ones that can', () => {
    const schema = v.object({
      settings: v.looseObject({ theme: v.string() }),
      labels: v.array(v.string()),
      owner: v.looseObject({ profile: v.object({ bio: v.string() }) }),
    });
    expect(findDrift(schema, { settings: { theme: 'dark', extra: 1 }, labels: ['a'], owner: { profile: { bio: 'b', avatar: 'u' }, other: 1 } })).toEqual([
      { kind: 'unknown-field', path: 'owner.profile.avatar' },
    ]);
  });

  it('terminates on a schema that refers to itself without lazy()', () => {
    const entries: Record<string, v.GenericSchema> = { name: v.string() };
    const tree = v.object(entries);
    entries.child = v.optional(tree);
    expect(findDrift(tree, { name: 'a', child: { name: 'b', child: { name: 'c', extra: 1 } } })).toEqual([
      { kind: 'unknown-field', path: 'child.child.extra' },
    ]);
    expect(findDrift(tree, { name: 'a', child: { name: 'b' } })).toEqual([]);
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
