import type { StandardSchemaV1 } from '@standard-schema/spec';

/** Valid data that no longer matches the schema exactly: the provider added something. */
export interface DriftFinding {
  kind: 'unknown-field' | 'unknown-enum-value';
  /** Where, with array positions as `[]` and record keys as `*`: `data[].status`, `metadata.*.kind`. */
  path: string;
  /** For a new enum value: the value. */
  value?: string | number;
}

/**
 * The parts of a valibot schema the walk reads. Hand-written on purpose: valibot exposes its schemas
 * as plain objects (`type`, `entries`, `item`, `wrapped`, `options`...) but ships no walker, and its
 * `object()` drops unknown keys without a trace, which is exactly what drift detection must see.
 */
interface Node {
  kind?: string;
  type?: string;
  expects?: string;
  async?: boolean;
  entries?: Record<string, Node>;
  item?: Node;
  items?: readonly Node[];
  rest?: Node;
  value?: Node;
  wrapped?: Node;
  options?: readonly unknown[];
  key?: string;
  getter?: (input: unknown) => Node;
  '~standard'?: StandardSchemaV1.Props;
}

interface Found extends DriftFinding {
  /** The concrete location, for patching. */
  at: PropertyKey[];
  /** A declared option of the same type as the new value, for re-validation. */
  placeholder?: unknown;
}

const MAX_DEPTH = 64;
const WRAPPERS = new Set(['optional', 'exact_optional', 'nullable', 'nullish', 'undefinedable', 'non_nullable', 'non_nullish', 'non_optional']);
const OBJECTS = new Set(['object', 'loose_object', 'strict_object', 'object_with_rest']);
const TUPLES = new Set(['tuple', 'loose_tuple', 'strict_tuple', 'tuple_with_rest']);

export function isValibotSchema(schema: unknown): boolean {
  return (schema as { '~standard'?: { vendor?: unknown } } | null)?.['~standard']?.vendor === 'valibot';
}

/**
 * Walks a valibot schema alongside the raw data and lists unknown fields (in `object()`, whose
 * unknown keys would otherwise vanish; `looseObject` and `objectWithRest` declare that extra keys are
 * fine, and `strictObject` already rejects them) and values of a `picklist`/`enum` that are not
 * declared. Each path appears once. Returns [] for schemas of other vendors.
 */
export function findDrift(schema: unknown, data: unknown): DriftFinding[] {
  if (!isValibotSchema(schema)) return [];
  // Almost every response has no drift: a cheap screen answers that, and only data it flags gets the
  // full walk that builds paths.
  const plan = planOf(schema as Node);
  if (plan === null || !screen(plan, data, 0)) return [];
  return collect(schema as Node, data);
}

/** @internal `findDrift` without the screen, so tests can check the screen never hides a finding. */
export function findDriftUnscreened(schema: unknown, data: unknown): DriftFinding[] {
  return isValibotSchema(schema) ? collect(schema as Node, data) : [];
}

function collect(schema: Node, data: unknown): DriftFinding[] {
  const seen = new Set<string>();
  const out: DriftFinding[] = [];
  for (const found of walkAll(schema, data)) {
    const key = `${found.kind}\0${found.path}\0${found.value ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(found.value === undefined ? { kind: found.kind, path: found.path } : { kind: found.kind, path: found.path, value: found.value });
  }
  return out;
}

/**
 * When the only issues are undeclared picklist/enum values, returns the schema's output with those
 * values passed through as received; otherwise undefined, and the original issues stand. Each new
 * value is swapped for a declared one of the same type, the data is validated again, and the new
 * value is put back where the output still holds the stand-in: a transform that changed it would
 * make the output wrong, so that case fails instead.
 */
export async function acceptNewEnumValues(
  schema: unknown,
  data: unknown,
  issues: readonly StandardSchemaV1.Issue[],
): Promise<{ value: unknown } | undefined> {
  // A union (`union([picklist([...]), boolean()])`, as generated for GitHub's gist `public` or Pages
  // `source`) reports one issue of its own, holding each member's: it may be a new value when one of
  // those is. The walk and the re-validation below decide; a wrong type fails there.
  const enumIssue = (issue: StandardSchemaV1.Issue): boolean => {
    const i = issue as { kind?: string; type?: string; issues?: readonly StandardSchemaV1.Issue[] };
    if (i.kind !== 'schema') return false;
    if (i.type === 'picklist' || i.type === 'enum') return true;
    return (i.type === 'union' || i.type === 'variant') && (i.issues ?? []).some(enumIssue);
  };
  if (!issues.every(enumIssue)) return undefined;
  const found = walkAll(schema as Node, data).filter((f) => f.kind === 'unknown-enum-value');
  if (!found.length) return undefined;
  let patched = data;
  for (const f of found) patched = setAt(patched, f.at, f.placeholder);
  let result = (schema as Required<Node>)['~standard'].validate(patched);
  if (result instanceof Promise) result = await result;
  if (result.issues) return undefined;
  let output = result.value;
  for (const f of found) {
    if (getAt(output, f.at) !== f.placeholder) return undefined;
    output = setAt(output, f.at, f.value);
  }
  return { value: output };
}

function walkAll(schema: Node, data: unknown): Found[] {
  const state: WalkState = { at: [], segments: [], out: [], unknownSeen: new Set() };
  walk(schema, data, state, 0);
  return state.out;
}

/**
 * One mutable stack for the concrete location and one for the generalised path, copied only when
 * something is found: a walk over a 10,000-item page must not allocate a path per field.
 */
interface WalkState {
  at: PropertyKey[];
  segments: string[];
  out: Found[];
  unknownSeen: Set<string>;
}

const ITEM = '[]';

function pathOf(segments: readonly string[]): string {
  let path = '';
  for (const segment of segments) path = segment === ITEM ? `${path}${ITEM}` : path ? `${path}.${segment}` : segment;
  return path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function child(node: Node | undefined, value: unknown, key: PropertyKey, segment: string, state: WalkState, depth: number): void {
  state.at.push(key);
  state.segments.push(segment);
  walk(node, value, state, depth + 1);
  state.at.pop();
  state.segments.pop();
}

function walk(node: Node | undefined, value: unknown, state: WalkState, depth: number): void {
  if (!node || depth > MAX_DEPTH) return;
  const type = node.type ?? '';
  if (OBJECTS.has(type)) return walkObject(node.entries ?? {}, type === 'object', type === 'object_with_rest' ? node.rest : undefined, value, state, depth);
  if (WRAPPERS.has(type)) {
    if (value !== undefined && value !== null) walk(node.wrapped, value, state, depth + 1);
    return;
  }
  switch (type) {
    case 'array':
      if (Array.isArray(value)) for (let i = 0; i < value.length; i++) child(node.item, value[i], i, ITEM, state, depth);
      return;
    case 'record':
      if (isRecord(value)) for (const key of Object.keys(value)) child(node.value, value[key], key, '*', state, depth);
      return;
    case 'picklist':
    case 'enum': {
      const options = node.options ?? [];
      // Only a value of a declared type is a new member; a number where strings are declared is a wrong type.
      if ((typeof value === 'string' || typeof value === 'number') && !options.includes(value)) {
        const placeholder = options.find((o) => typeof o === typeof value);
        if (placeholder !== undefined) state.out.push({ kind: 'unknown-enum-value', path: pathOf(state.segments), value, at: [...state.at], placeholder });
      }
      return;
    }
    case 'lazy':
      if (node.getter) walk(node.getter(value), value, state, depth + 1);
      return;
    case 'union':
    case 'variant':
      walk(chooseOption(node, value), value, state, depth + 1);
      return;
    case 'intersect': {
      const options = (node.options ?? []) as Node[];
      if (options.every((o) => OBJECTS.has(o.type ?? ''))) {
        // A key is unknown only if no part of the intersection declares it.
        const entries = Object.assign({}, ...options.map((o) => o.entries));
        walkObject(entries, options.every((o) => o.type === 'object'), undefined, value, state, depth);
      }
      return;
    }
    default:
      if (TUPLES.has(type) && Array.isArray(value)) {
        const items = node.items ?? [];
        for (let i = 0; i < value.length; i++) child(items[i] ?? node.rest, value[i], i, String(i), state, depth);
      }
  }
}

function walkObject(entries: Record<string, Node>, reportUnknown: boolean, rest: Node | undefined, value: unknown, state: WalkState, depth: number): void {
  if (!isRecord(value)) return;
  for (const key of Object.keys(value)) {
    const entry = entries[key];
    if (entry) child(entry, value[key], key, key, state, depth);
    else if (rest) child(rest, value[key], key, '*', state, depth);
    else if (reportUnknown) {
      state.segments.push(key);
      const path = pathOf(state.segments);
      state.segments.pop();
      if (!state.unknownSeen.has(path)) {
        state.unknownSeen.add(path);
        state.out.push({ kind: 'unknown-field', path, at: [...state.at, key] });
      }
    }
  }
}

/**
 * The union member the data belongs to: the first that accepts it, else the first whose only
 * complaint is an undeclared enum value (so a new status inside a union member is still found).
 */
function chooseOption(node: Node, value: unknown): Node | undefined {
  const options = flattenOptions(node);
  let fallback: Node | undefined;
  for (const option of options) {
    const result = option['~standard']?.validate(value);
    if (!result || result instanceof Promise) continue; // async members are not walked
    if (!result.issues) return option;
    if (!fallback && result.issues.every((i) => ['picklist', 'enum'].includes((i as { type?: string }).type ?? ''))) fallback = option;
  }
  return fallback;
}

function flattenOptions(node: Node): Node[] {
  const out: Node[] = [];
  for (const option of (node.options ?? []) as Node[]) {
    if (option.type === 'variant' && node.type === 'variant') out.push(...flattenOptions(option));
    else out.push(option);
  }
  return out;
}

/**
 * A schema compiled once for the drift screen: only what can drift is kept. A subtree that can never
 * yield a finding (scalars, `looseObject`s of scalars, arrays of those...) compiles to `null` and is
 * never visited, and object keys are looked up in a Map instead of re-reading the schema per call.
 */
type Plan =
  | { readonly op: 'object'; readonly entries: ReadonlyMap<string, Plan | null>; readonly report: boolean; readonly rest: Plan | null }
  | { readonly op: 'wrapper'; readonly inner: Plan }
  | { readonly op: 'array' | 'record'; readonly item: Plan }
  | { readonly op: 'tuple'; readonly items: readonly (Plan | null)[]; readonly rest: Plan | null }
  | { readonly op: 'enum'; readonly options: ReadonlySet<unknown>; readonly string: boolean; readonly number: boolean }
  | { readonly op: 'lazy'; readonly getter: (input: unknown) => Node }
  | { readonly op: 'union'; readonly node: Node }
  /** A schema met again while it was being compiled (a cycle): looked up when walked. */
  | { readonly op: 'ref'; readonly node: Node };

/** Compiled plans by schema object; valibot schemas are immutable once built. */
const plans = new WeakMap<Node, Plan | null | typeof COMPILING>();
const COMPILING = Symbol('compiling');

function planOf(node: Node | undefined): Plan | null {
  if (!node || typeof node !== 'object') return null;
  const cached = plans.get(node);
  if (cached === COMPILING) return { op: 'ref', node };
  if (cached !== undefined) return cached;
  plans.set(node, COMPILING);
  const plan = compile(node);
  plans.set(node, plan);
  return plan;
}

/**
 * Mirrors `walk` case by case: a plan is `null` only where `walk` could never find anything, and
 * every level that `walk` counts towards MAX_DEPTH is a level here too.
 */
function compile(node: Node): Plan | null {
  const type = node.type ?? '';
  if (OBJECTS.has(type)) return objectPlan(node.entries ?? {}, type === 'object', type === 'object_with_rest' ? planOf(node.rest) : null);
  if (WRAPPERS.has(type)) {
    const inner = planOf(node.wrapped);
    return inner && { op: 'wrapper', inner };
  }
  switch (type) {
    case 'array':
    case 'record': {
      const item = planOf(type === 'array' ? node.item : node.value);
      return item && { op: type, item };
    }
    case 'picklist':
    case 'enum': {
      const options = node.options ?? [];
      const string = options.some((o) => typeof o === 'string');
      const number = options.some((o) => typeof o === 'number');
      return string || number ? { op: 'enum', options: new Set(options), string, number } : null;
    }
    case 'lazy':
      return node.getter ? { op: 'lazy', getter: node.getter } : null;
    case 'union':
    case 'variant':
      // When no member can drift, whichever member the data matches finds nothing.
      return flattenOptions(node).some((option) => planOf(option) !== null) ? { op: 'union', node } : null;
    case 'intersect': {
      const options = (node.options ?? []) as Node[];
      if (!options.every((o) => OBJECTS.has(o.type ?? ''))) return null;
      return objectPlan(Object.assign({}, ...options.map((o) => o.entries)) as Record<string, Node>, options.every((o) => o.type === 'object'), null);
    }
    default: {
      if (!TUPLES.has(type)) return null;
      const items = (node.items ?? []).map((item) => planOf(item));
      const rest = planOf(node.rest);
      return rest || items.some((item) => item !== null) ? { op: 'tuple', items, rest } : null;
    }
  }
}

function objectPlan(entries: Record<string, Node>, report: boolean, rest: Plan | null): Plan | null {
  const compiled = new Map<string, Plan | null>();
  let inert = !report && !rest;
  for (const key of Object.keys(entries)) {
    // A key without a schema is unknown to `walk` too: leave it out so the screen reports it.
    if (!entries[key]) continue;
    const plan = planOf(entries[key]);
    compiled.set(key, plan);
    if (plan) inert = false;
  }
  return inert ? null : { op: 'object', entries: compiled, report, rest };
}

/**
 * True when `walk` may find drift in `value`; false means it finds none. It may say true where the
 * walk then finds nothing (a key that only `for...in` lists, a key like `constructor` that the walk
 * resolves through the prototype), never the reverse, and it allocates nothing on the way.
 */
function screen(plan: Plan, value: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  switch (plan.op) {
    case 'object': {
      if (!isRecord(value)) return false;
      // for...in lists every own enumerable key without the array Object.keys allocates, and more.
      for (const key in value) {
        const entry = plan.entries.get(key);
        if (entry === undefined) {
          if (plan.rest) {
            if (screen(plan.rest, value[key], depth + 1)) return true;
          } else if (plan.report) return true;
        } else if (entry !== null && screen(entry, value[key], depth + 1)) return true;
      }
      return false;
    }
    case 'wrapper':
      return value !== undefined && value !== null && screen(plan.inner, value, depth + 1);
    case 'array':
      if (!Array.isArray(value)) return false;
      for (let i = 0; i < value.length; i++) if (screen(plan.item, value[i], depth + 1)) return true;
      return false;
    case 'record':
      if (!isRecord(value)) return false;
      for (const key in value) if (screen(plan.item, value[key], depth + 1)) return true;
      return false;
    case 'tuple':
      if (!Array.isArray(value)) return false;
      for (let i = 0; i < value.length; i++) {
        const item = i < plan.items.length ? plan.items[i]! : plan.rest;
        if (item && screen(item, value[i], depth + 1)) return true;
      }
      return false;
    case 'enum':
      return (typeof value === 'string' ? plan.string : typeof value === 'number' && plan.number) && !plan.options.has(value);
    case 'lazy': {
      const next = planOf(plan.getter(value));
      return next !== null && screen(next, value, depth + 1);
    }
    case 'union': {
      const next = planOf(chooseOption(plan.node, value));
      return next !== null && screen(next, value, depth + 1);
    }
    case 'ref': {
      const next = planOf(plan.node);
      return next !== null && screen(next, value, depth);
    }
  }
}

function getAt(data: unknown, at: readonly PropertyKey[]): unknown {
  let value = data;
  for (const key of at) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/** Copy-on-write along `at`: neither the caller's data nor the validator's output is mutated. */
function setAt(data: unknown, at: readonly PropertyKey[], next: unknown): unknown {
  if (!at.length) return next;
  const [key, ...rest] = at as [PropertyKey, ...PropertyKey[]];
  if (Array.isArray(data)) {
    const copy = data.slice();
    copy[key as number] = setAt(data[key as number], rest, next);
    return copy;
  }
  const record = (data ?? {}) as Record<PropertyKey, unknown>;
  return { ...record, [key]: setAt(record[key], rest, next) };
}

/**
 * What the schema expects at a path (valibot's `expects`, e.g. `string`), for messages about a missing
 * field, where valibot itself only names the key. Undefined where the path is ambiguous (unions).
 */
export function expectsAt(schema: unknown, keys: readonly PropertyKey[]): string | undefined {
  let node = schema as Node | undefined;
  for (const key of keys) {
    while (node && WRAPPERS.has(node.type ?? '')) node = node.wrapped;
    if (!node) return undefined;
    const type = node.type ?? '';
    if (OBJECTS.has(type)) node = node.entries?.[String(key)] ?? node.rest;
    else if (type === 'array') node = node.item;
    else if (type === 'record') node = node.value;
    else if (TUPLES.has(type)) node = node.items?.[Number(key)] ?? node.rest;
    else return undefined;
  }
  return node?.expects;
}
