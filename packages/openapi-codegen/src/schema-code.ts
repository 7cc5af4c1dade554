import { docLine, kebab, pascal, propertyKey } from './naming.ts';

/** A JSON Schema node as OpenAPI 3.0 (`nullable`) and 3.1 (`type: [..., 'null']`) write it. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  nullable?: boolean;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  allOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  description?: string;
  title?: string;
  format?: string;
  deprecated?: boolean;
  not?: JsonSchema;
}

/** A component schema's generated names. */
export interface ComponentNames {
  /** The interface / type alias: `SimpleUser`. */
  type: string;
  /** The memoised schema builder: `simpleUserSchema`. */
  fn: string;
  /** Module file name without extension: `simple-user`. */
  file: string;
}

const COMPONENT_PREFIX = '#/components/schemas/';

/** Gives every component schema a unique type, builder and file name. */
export function nameComponents(names: readonly string[]): Map<string, ComponentNames> {
  const out = new Map<string, ComponentNames>();
  const used = new Set<string>();
  const files = new Set<string>();
  for (const name of [...names].sort()) {
    let type = pascal(name);
    while (used.has(type.toLowerCase())) type = `${type}_`;
    used.add(type.toLowerCase());
    const fn = `${type[0]!.toLowerCase()}${type.slice(1)}Schema`;
    let file = kebab(name);
    while (files.has(file)) file = `${file}-x`;
    files.add(file);
    out.set(name, { type, fn, file });
  }
  return out;
}

export function componentOf(ref: string | undefined): string | undefined {
  return ref?.startsWith(COMPONENT_PREFIX) ? decodeURIComponent(ref.slice(COMPONENT_PREFIX.length)).replace(/~1/g, '/').replace(/~0/g, '~') : undefined;
}

/** Every component schema `schema` refers to, directly (not through other components). */
export function directRefs(schema: unknown, resolve: (ref: string) => unknown, out = new Set<string>(), seen = new Set<unknown>()): Set<string> {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return out;
  seen.add(schema);
  const ref = (schema as JsonSchema).$ref;
  if (typeof ref === 'string') {
    const name = componentOf(ref);
    if (name !== undefined) out.add(name);
    else directRefs(resolve(ref), resolve, out, seen);
    return out;
  }
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'example' || key === 'examples' || key === 'default' || key === 'enum' || key === 'const') continue;
    if (Array.isArray(value)) for (const v of value) directRefs(v, resolve, out, seen);
    else if (value && typeof value === 'object') directRefs(value, resolve, out, seen);
  }
  return out;
}

/** Strongly connected components of the reference graph: a reference inside one is built lazily. */
export function cycleGroups(graph: Map<string, Set<string>>): Map<string, number> {
  // Tarjan's algorithm, iterative so that GitHub's deep chains cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const group = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  let counter = 0;
  let groups = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; it: Iterator<string> }> = [];
    const visit = (node: string) => {
      index.set(node, counter);
      low.set(node, counter++);
      stack.push(node);
      onStack.add(node);
      work.push({ node, it: (graph.get(node) ?? new Set()).values() });
    };
    visit(start);
    while (work.length) {
      const frame = work[work.length - 1]!;
      const next = frame.it.next();
      if (!next.done) {
        const to = next.value;
        if (!graph.has(to)) continue;
        if (!index.has(to)) visit(to);
        else if (onStack.has(to)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          group.set(member, groups);
        } while (member !== frame.node);
        groups++;
      }
    }
  }
  return group;
}

/** A schema as valibot code (`v`) and as a TypeScript type (`t`). */
export interface Code {
  v: string;
  t: string;
}

export interface EmitterOptions {
  resolve: (ref: string) => unknown;
  components: Map<string, ComponentNames>;
  /** Which cycle group each component is in; references within the group are lazy. */
  groups: Map<string, number>;
  /** Whether a reference to a self-referencing component must be lazy. */
  selfReferencing: Set<string>;
  /** Import path from the emitting module to the schemas folder (`.` or `../schemas`). */
  schemasDir: string;
  /** The component being emitted, if any. */
  current?: string;
  /** Accept a missing `required` property at runtime (the type still says required). */
  lenientRequired?: boolean;
}

/** Converts JSON Schema to code for one module, collecting what it imports. */
export class SchemaEmitter {
  readonly runtime = new Set<string>();
  /** file -> imported names (values and `type X`). */
  readonly imports = new Map<string, Set<string>>();
  readonly #o: EmitterOptions;

  constructor(options: EmitterOptions) {
    this.#o = options;
  }

  #use(helper: string): string {
    this.runtime.add(helper);
    // Helpers come in as `import * as r`, so no generated name can shadow one.
    return `r.${helper}`;
  }

  #importFrom(file: string, name: string) {
    let set = this.imports.get(file);
    if (!set) this.imports.set(file, (set = new Set()));
    set.add(name);
  }

  /** A reference to a component: its builder call (lazy within a cycle) and its type name. */
  ref(name: string): Code {
    const names = this.#o.components.get(name);
    if (!names) throw new Error(`schema component ${name} has no generated names`);
    const cur = this.#o.current;
    if (cur !== name) {
      this.#importFrom(`${this.#o.schemasDir}/${names.file}.ts`, names.fn);
      this.#importFrom(`${this.#o.schemasDir}/${names.file}.ts`, `type ${names.type}`);
    }
    const inCycle = cur !== undefined && (cur === name || (this.#o.groups.get(cur) === this.#o.groups.get(name) && this.#o.groups.get(cur) !== undefined));
    const call = `${names.fn}()`;
    return { v: inCycle ? `${this.#use('lazy')}(() => ${call})` : call, t: names.type };
  }

  convert(input: unknown, indent = '', depth = 0): Code {
    if (depth > 40) return { v: `${this.#use('unk')}()`, t: 'unknown' };
    const schema = (input ?? {}) as JsonSchema;
    if (typeof input === 'boolean') return input ? { v: `${this.#use('unk')}()`, t: 'unknown' } : { v: `${this.#use('unk')}()`, t: 'never' };
    if (schema.$ref) {
      const component = componentOf(schema.$ref);
      const base = component !== undefined ? this.ref(component) : this.convert(this.#o.resolve(schema.$ref), indent, depth + 1);
      return schema.nullable ? this.#nullable(base) : base;
    }
    let types = Array.isArray(schema.type) ? [...schema.type] : schema.type ? [schema.type] : [];
    let nullable = schema.nullable === true || types.includes('null');
    types = types.filter((t) => t !== 'null');
    let code: Code;
    const merged = schema.oneOf?.length || schema.anyOf?.length ? stringEnumAlternatives(schema, this.#o.resolve) : undefined;
    if (schema.const !== undefined && (typeof schema.const === 'string' || typeof schema.const === 'number' || typeof schema.const === 'boolean')) {
      code = { v: `${this.#use('lit')}(${JSON.stringify(schema.const)})`, t: JSON.stringify(schema.const) };
    } else if (Array.isArray(schema.enum)) {
      if (schema.enum.includes(null)) nullable = true;
      const values = schema.enum.filter((e) => e !== null);
      if (values.length && values.every((e) => typeof e === 'string')) {
        code = this.#openEnum(values as string[]);
      } else if (values.length && values.every((e) => typeof e === 'number')) {
        code = { v: `${this.#use('nenum')}()`, t: 'number' };
      } else if (values.length && values.every((e) => typeof e === 'boolean')) {
        code = { v: `${this.#use('bool')}()`, t: 'boolean' };
      } else if (!values.length && nullable) {
        return { v: `${this.#use('nul')}()`, t: 'null' };
      } else {
        code = { v: `${this.#use('unk')}()`, t: 'unknown' };
      }
    } else if (merged) {
      // One open enum, not a union of them: see `stringEnumAlternatives`.
      if (merged.nullable) nullable = true;
      code = this.#openEnum(merged.values);
    } else if (schema.allOf?.length || schema.oneOf?.length || schema.anyOf?.length) {
      code = this.#composite(schema, indent, depth);
    } else if (types.length > 1) {
      const members = types.map((type) => this.convert({ ...schema, type, nullable: false }, indent, depth + 1));
      code = this.#union(members);
    } else {
      code = this.#typed(types[0], schema, indent, depth);
    }
    return nullable ? this.#nullable(code) : code;
  }

  /** A string enum that a new value does not break (`r.oenum`, a picklist): typed as the known values. */
  #openEnum(values: readonly string[]): Code {
    const list = [...new Set(values)];
    return { v: `${this.#use('oenum')}(${JSON.stringify(list)})`, t: `${list.map((s) => JSON.stringify(s)).join(' | ')} | (string & {})` };
  }

  #nullable(code: Code): Code {
    if (code.t === 'null') return code;
    return { v: `${this.#use('nullable')}(${code.v})`, t: `${wrap(code.t)} | null` };
  }

  /** `first`: members tried before `members` that add no type of their own (strict variants). */
  #union(members: Code[], first: Code[] = []): Code {
    const unique = dedupe(members);
    if (unique.length === 1 && !first.length) return unique[0]!;
    return { v: `${this.#use('union')}([${[...first, ...unique].map((m) => m.v).join(', ')}])`, t: unique.map((m) => wrap(m.t)).join(' | ') };
  }

  #composite(schema: JsonSchema, indent: string, depth: number): Code {
    const { allOf, oneOf, anyOf, nullable: _n, ...rest } = schema;
    const siblings = rest.properties || rest.additionalProperties !== undefined || rest.items || rest.type ? rest : undefined;
    let code: Code | undefined;
    if (allOf?.length) {
      const members = allOf.map((m) => this.convert(m, indent, depth + 1));
      if (siblings?.properties) members.push(this.#typed('object', siblings, indent, depth));
      const unique = dedupe(members);
      code = unique.length === 1 ? unique[0]! : { v: `${this.#use('allOf')}([${unique.map((m) => m.v).join(', ')}])`, t: unique.map((m) => wrap(m.t)).join(' & ') };
    }
    const alternatives = oneOf?.length ? oneOf : anyOf;
    if (alternatives?.length) {
      // A oneOf with bare `required` lists (GitHub's "either a or b") constrains the sibling
      // properties; it adds no shape of its own.
      const shaped = alternatives.filter((m) => !isConstraintOnly(m));
      if (shaped.length) {
        // A union is matched by its first accepting member, and a closed member accepts data with a
        // key it lacks (reported as drift, then dropped from the output). So each inline closed member
        // is tried first strictly: data goes to the member that declares every key it has (as JSON
        // Schema's `oneOf` would pick), and only data with a really new key falls back to the
        // tolerant members. Without it, `{ message, sha }` of GitHub's merge result is read as its
        // first variant (`{ message, uuid, ... }`, every field optional under lenient `required`) and
        // loses its `sha`, which only the third variant declares.
        const strict = shaped.length > 1 ? shaped.filter(isClosedObject).map((m) => this.#strictMember(m, indent, depth + 1)) : [];
        const union = this.#union(shaped.map((m) => this.convert(m, indent, depth + 1)), strict);
        code = code ? { v: `${this.#use('allOf')}([${code.v}, ${union.v}])`, t: `${wrap(code.t)} & (${union.t})` } : union;
      }
    }
    if (!code || (!allOf?.length && siblings?.properties)) {
      const own = siblings ? this.#typed(Array.isArray(siblings.type) ? undefined : siblings.type ?? 'object', siblings, indent, depth) : undefined;
      if (own) code = code ? { v: `${this.#use('allOf')}([${own.v}, ${code.v}])`, t: `${wrap(own.t)} & ${wrap(code.t)}` } : own;
    }
    return code ?? { v: `${this.#use('unk')}()`, t: 'unknown' };
  }

  #typed(type: string | undefined, schema: JsonSchema, indent: string, depth: number): Code {
    switch (type) {
      case 'string':
        return { v: `${this.#use('str')}()`, t: 'string' };
      case 'integer':
      case 'number':
        return { v: `${this.#use('num')}()`, t: 'number' };
      case 'boolean':
        return { v: `${this.#use('bool')}()`, t: 'boolean' };
      case 'array': {
        const item = schema.items ? this.convert(schema.items, indent, depth + 1) : { v: `${this.#use('unk')}()`, t: 'unknown' };
        return { v: `${this.#use('arr')}(${item.v})`, t: `${wrap(item.t)}[]` };
      }
      case 'object':
        return this.object(schema, indent, depth);
      default:
        if (schema.properties || schema.additionalProperties !== undefined) return this.object(schema, indent, depth);
        if (schema.items) return this.#typed('array', schema, indent, depth);
        return { v: `${this.#use('unk')}()`, t: 'unknown' };
    }
  }

  /** A closed union member that rejects keys it does not declare (see `#composite`). */
  #strictMember(schema: JsonSchema, indent: string, depth: number): Code {
    const code = this.object(schema, indent, depth, true);
    const types = Array.isArray(schema.type) ? schema.type : [];
    return schema.nullable === true || types.includes('null') ? this.#nullable(code) : code;
  }

  /** An object schema; `strict`: a closed object rejects unknown keys instead of reporting them. */
  object(schema: JsonSchema, indent: string, depth: number, strict = false): Code {
    const props = Object.entries(schema.properties ?? {});
    const required = new Set(schema.required ?? []);
    const extra = schema.additionalProperties;
    const inner = `${indent}  `;
    if (!props.length) {
      if (extra && typeof extra === 'object') {
        const value = this.convert(extra, indent, depth + 1);
        return { v: `${this.#use('rec')}(${value.v})`, t: `{ [key: string]: ${value.t} }` };
      }
      return extra === false ? { v: `${this.#use('closed')}({})`, t: 'Record<string, never>' } : { v: `${this.#use('obj')}({})`, t: '{ [key: string]: unknown }' };
    }
    const vLines: string[] = [];
    const tLines: string[] = [];
    for (const [key, value] of props) {
      const code = this.convert(value, inner, depth + 1);
      const optional = !required.has(key);
      const doc = docLine((value as JsonSchema)?.description);
      const deprecated = (value as JsonSchema)?.deprecated ? ' @deprecated' : '';
      if (doc || deprecated) tLines.push(`${inner}/**${doc ? ` ${doc}` : ''}${deprecated} */`);
      tLines.push(`${inner}${propertyKey(key)}${optional ? '?' : ''}: ${code.t};`);
      vLines.push(`${inner}${propertyKey(key)}: ${optional || this.#o.lenientRequired ? `${this.#use('opt')}(${code.v})` : code.v},`);
    }
    let restType = '';
    let v: string;
    const entries = `{\n${vLines.join('\n')}\n${indent}}`;
    if (extra && typeof extra === 'object') {
      const value = this.convert(extra, inner, depth + 1);
      v = `${this.#use('objRest')}(${entries}, ${value.v})`;
      // An index signature must admit every declared property's type, so it stays `unknown`.
      restType = `${inner}[key: string]: unknown;\n`;
    } else {
      v = extra === false ? `${this.#use(strict ? 'strict' : 'closed')}(${entries})` : `${this.#use('obj')}(${entries})`;
    }
    return { v, t: `{\n${tLines.join('\n')}\n${restType}${indent}}` };
  }
}

/**
 * The values of a `oneOf`/`anyOf` whose every member is a string enum (`{ type: string, enum: [...] }`,
 * typically one value each, as GitHub documents `budget_type`), a string `const`, or `null`, members
 * reached through a `$ref` included; undefined for any other schema. Such a union is one enum written
 * member by member, and is generated as one open enum of all the values: a union of open enums fails
 * on a new value instead of reporting it as drift, because valibot reports a union whose members all
 * reject as one `union` issue, not as the `picklist` issue that drift mode `report` accepts.
 */
function stringEnumAlternatives(schema: JsonSchema, resolve: (ref: string) => unknown): { values: string[]; nullable: boolean } | undefined {
  if (schema.allOf?.length || (schema.oneOf?.length && schema.anyOf?.length)) return undefined;
  if (schema.properties || schema.items || schema.additionalProperties !== undefined || !stringOrNull(schema.type)) return undefined;
  const alternatives = (schema.oneOf?.length ? schema.oneOf : schema.anyOf ?? []).filter((m) => !isConstraintOnly(m));
  // A single member is generated as that member (a `const` stays a literal).
  if (alternatives.length < 2) return undefined;
  const values: string[] = [];
  let nullable = false;
  for (const alternative of alternatives) {
    let member = alternative;
    // A reference to a component that is itself a string enum (a chain of references, bounded).
    for (let hops = 0; member && typeof member === 'object' && member.$ref && hops < 8; hops++) {
      if (member.nullable === true) nullable = true;
      member = resolve(member.$ref) as JsonSchema;
    }
    if (!member || typeof member !== 'object' || member.$ref) return undefined;
    if (member.properties || member.items || member.additionalProperties !== undefined || member.allOf || member.oneOf || member.anyOf || member.not) return undefined;
    if (!stringOrNull(member.type)) return undefined;
    const types = Array.isArray(member.type) ? member.type : member.type ? [member.type] : [];
    if (member.nullable === true || types.includes('null')) nullable = true;
    if (member.const !== undefined) {
      if (member.const === null) nullable = true;
      else if (typeof member.const === 'string') values.push(member.const);
      else return undefined;
    } else if (Array.isArray(member.enum)) {
      for (const value of member.enum) {
        if (value === null) nullable = true;
        else if (typeof value === 'string') values.push(value);
        else return undefined;
      }
    } else if (!(types.length === 1 && types[0] === 'null')) {
      return undefined; // a plain string (any value) or an untyped member: not an enum
    }
  }
  return values.length ? { values: [...new Set(values)], nullable } : undefined;
}

/** No `type`, or only `string` and `null`. */
function stringOrNull(type: JsonSchema['type']): boolean {
  return (Array.isArray(type) ? type : type ? [type] : []).every((t) => t === 'string' || t === 'null');
}

/** An inline object with declared properties and `additionalProperties: false`, nothing composed. */
function isClosedObject(schema: JsonSchema): boolean {
  if (!schema || schema.$ref || schema.additionalProperties !== false || !Object.keys(schema.properties ?? {}).length) return false;
  if (schema.allOf?.length || schema.oneOf?.length || schema.anyOf?.length || schema.enum || schema.const !== undefined) return false;
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  return types.every((t) => t === 'object' || t === 'null');
}

function isConstraintOnly(schema: JsonSchema): boolean {
  const keys = Object.keys(schema ?? {}).filter((k) => k !== 'description' && k !== 'title');
  return keys.length > 0 && keys.every((k) => k === 'required' || k === 'not');
}

function dedupe(members: Code[]): Code[] {
  const seen = new Set<string>();
  return members.filter((m) => (seen.has(m.v) ? false : (seen.add(m.v), true)));
}

/** Parenthesises a type before `|`, `&` or `[]` binds to part of it. */
function wrap(t: string): string {
  return /^[A-Za-z0-9_$.]+$/.test(t) || /^"[^"]*"$/.test(t) || (t.startsWith('{') && t.endsWith('}') && balanced(t)) ? t : `(${t})`;
}

function balanced(t: string): boolean {
  // `{ a: 1 } | { b: 2 }` starts and ends with braces but is not one object type.
  let level = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === '"') {
      i = t.indexOf('"', i + 1);
      if (i < 0) return false;
      continue;
    }
    if (c === '{') level++;
    else if (c === '}') {
      level--;
      if (level === 0 && i < t.length - 1) return false;
    }
  }
  return true;
}
