import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDescription, type LoadedDescription } from './load-description.ts';
import { camel, docLine, kebab, pascal, propertyKey } from './naming.ts';
import { componentOf, cycleGroups, directRefs, nameComponents, SchemaEmitter, type Code, type ComponentNames, type JsonSchema } from './schema-code.ts';

/**
 * A connector's `openapi.config.json`: the only hand-written input of a generated surface besides
 * the description itself. Paths are relative to the config file.
 */
export interface GeneratorConfig {
  /** The description: JSON or YAML, optionally `.gz`/`.br` compressed. */
  input: string;
  /** Folder the generated code goes to (deleted and rewritten on every run). Default `src/generated`. */
  output?: string;
  /** Only operations with these tags (default: all). */
  tags?: string[];
  /** Module (relative to `output`) exporting `listings: { pagination }`: how every listing pages. */
  listings?: string;
  pagination?: {
    /** Query parameters the listing strategy sets itself (page size, page number, cursor): left out of the typed params. */
    params?: string[];
    /** A GET with one of these query parameters and a list in its response is a listing (when no `Link` header says so). */
    cursorParams?: string[];
    /** Per operation (`issues.listForRepo`): `{ "items": "data" }`, or `false` for "not a listing". */
    operations?: Record<string, { items: string } | false>;
  };
  /** Record in manifest.json a GET and a listing with documented examples, for the template's conformance test. */
  samples?: boolean;
  /** Write each operation's documented 2xx example as `src/<resource>/__fixtures__/<operation>.json`. */
  fixtures?: boolean;
  /** Name used in the generated files' header. Default: the description's title and version. */
  source?: string;
  /**
   * `strict` (default): a property the description lists as `required` must be present. `lenient`:
   * the generated types still say required, but a payload without it is accepted, for providers
   * whose descriptions mark fields required that their own examples and real responses omit.
   */
  required?: 'strict' | 'lenient';
  /**
   * Corrections to the description, applied in order before generating (and by
   * `loadPatchedDescription`, so tests read what the generator read): where (`at`, a JSON pointer
   * into the description, or `webhooks:` + a pointer into the webhooks description), what to put
   * there, and why (the provider's own example, recording or docs that contradict it). Kept few and
   * explained. See {@link Patch}.
   */
  patches?: Patch[];
  /** Webhook payload schemas from a description's `webhooks` (3.1) or `x-webhooks`, per event. */
  webhooks?: {
    /** The description with the webhooks (default: `input`). */
    input?: string;
    /** Only these events (the operationId before `/`, e.g. `issues` of `issues/pinned`). Default all. */
    events?: string[];
    source?: string;
  };
}

/**
 * One correction to a description. By default it replaces what is at `at`, which must exist (a
 * patch whose target is gone was probably fixed upstream, and fails so it gets dropped). With
 * `op: "add"` the target must not exist yet: a new member of an object (a property a schema lacks, a
 * new example) or `-` for the end of an array. With `op: "remove"` the target (which must exist) is
 * deleted. The new content of a replace or add is `value`, or a copy of what is at `from` (a pointer
 * into the same description) when an example is to be reused rather than copied into the config.
 */
export interface Patch {
  at: string;
  op?: 'replace' | 'add' | 'remove';
  value?: unknown;
  from?: string;
  reason: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b|^\*\/\*$/;

interface Param {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
  description?: string;
  deprecated?: boolean;
}

interface Operation {
  tag: string;
  resource: string;
  dir: string;
  name: string;
  method: (typeof METHODS)[number];
  path: string;
  summary?: string;
  description?: string;
  docsUrl?: string;
  deprecated: boolean;
  pathParams: Param[];
  queryParams: Param[];
  body?: { kind: 'rest' | 'data'; schema: JsonSchema; required: boolean; contentType: string; json: boolean };
  /** Every distinct 2xx JSON schema; those that document no data (`mayBeEmpty`) last. */
  responses: JsonSchema[];
  /** A 2xx response documents no data (see `documentsNoData`): an empty body and `null` are accepted too. */
  mayBeEmpty: boolean;
  responseType: 'json' | 'text' | 'none';
  listing?: { items: string; itemSchema: JsonSchema };
  /** Documented 2xx examples: status, content type, example name, value. */
  examples: Array<{ status: string; name: string; value: unknown }>;
}

export interface GenerationResult {
  operations: number;
  listings: number;
  schemas: number;
  resources: number;
  files: number;
  warnings: string[];
}

type Obj = Record<string, unknown>;

function deref<T>(d: LoadedDescription, node: unknown): T {
  let n = node;
  for (let i = 0; i < 20 && n && typeof n === 'object' && typeof (n as { $ref?: unknown }).$ref === 'string'; i++) n = d.resolve((n as { $ref: string }).$ref);
  return n as T;
}

/**
 * A 2xx response that documents no data: its schema is an object that declares no properties (no
 * `properties`, or none in them; `additionalProperties` unset or false; no `allOf`/`oneOf`/`anyOf`),
 * and none of its examples shows any (each is `null` or `{}`). GitHub documents 45 responses so
 * (`empty-object` for "secret created", "run re-run"..., `{ type: object }` of its shared `accepted`
 * response) with the example `null`, and may answer them with an empty body or `{}`. The operation's
 * response schema then also accepts an empty body (which the client reads as `undefined`) and `null`,
 * rather than failing a call that succeeded; and its other responses are tried first, so a body with
 * data is read as the response that declares it, not as an empty object with unknown fields.
 */
function documentsNoData(d: LoadedDescription, schema: unknown, examples: unknown[]): boolean {
  const s = shapeOf(d, schema);
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (!types.includes('object') || types.some((t) => t !== 'object' && t !== 'null')) return false;
  if (Object.keys(s.properties ?? {}).length || (s.additionalProperties !== undefined && s.additionalProperties !== false)) return false;
  if (s.allOf?.length || s.oneOf?.length || s.anyOf?.length || s.enum || s.const !== undefined || s.items) return false;
  return examples.every((e) => e === null || (typeof e === 'object' && !Array.isArray(e) && Object.keys(e as object).length === 0));
}

/** Follows references (components included) down to a schema with a shape. */
function shapeOf(d: LoadedDescription, schema: unknown): JsonSchema {
  let s = deref<JsonSchema>(d, schema);
  if (s?.allOf?.length === 1 && !s.properties) s = deref<JsonSchema>(d, s.allOf[0]);
  return s ?? {};
}

function collectOperations(d: LoadedDescription, config: GeneratorConfig, warnings: string[]): Operation[] {
  const ops: Operation[] = [];
  const tags = config.tags ? new Set(config.tags) : undefined;
  const controls = new Set(config.pagination?.params ?? ['per_page', 'page']);
  const cursorParams = new Set(config.pagination?.cursorParams ?? ['cursor', 'starting_after', 'page_token', 'pageToken', 'after']);
  const used = new Map<string, Set<string>>();
  for (const [path, rawItem] of Object.entries(d.document.paths ?? {})) {
    const item = deref<Obj>(d, rawItem);
    for (const method of METHODS) {
      const op = item[method] as Obj | undefined;
      if (!op) continue;
      const tag = ((op['tags'] as string[] | undefined)?.[0] ?? 'default').trim();
      if (tags && !tags.has(tag)) continue;
      const resource = camel(tag);
      const operationId = typeof op['operationId'] === 'string' ? op['operationId'] : `${method}-${path.replace(/[{}]/g, '')}`;
      let name = camel(operationId.split('/').pop()!);
      const names = used.get(resource) ?? new Set<string>();
      used.set(resource, names);
      while (names.has(name)) name = `${name}2`;
      names.add(name);

      const params = new Map<string, Obj>();
      for (const p of [...((item['parameters'] as unknown[]) ?? []), ...((op['parameters'] as unknown[]) ?? [])]) {
        const resolved = deref<Obj>(d, p);
        params.set(`${String(resolved['in'])}:${String(resolved['name'])}`, resolved);
      }
      const toParam = (p: Obj): Param => ({
        name: String(p['name']),
        in: p['in'] === 'path' ? 'path' : 'query',
        required: p['required'] === true || p['in'] === 'path',
        schema: (p['schema'] as JsonSchema | undefined) ?? { type: 'string' },
        ...(typeof p['description'] === 'string' ? { description: p['description'] } : {}),
        ...(p['deprecated'] === true ? { deprecated: true } : {}),
      });
      const pathParams = [...params.values()].filter((p) => p['in'] === 'path').map(toParam);
      let queryParams = [...params.values()].filter((p) => p['in'] === 'query').map(toParam);
      const skipped = [...params.values()].filter((p) => p['in'] === 'header' || p['in'] === 'cookie');
      if (skipped.length) warnings.push(`${resource}.${name}: ${skipped.map((p) => `${String(p['in'])} parameter ${String(p['name'])}`).join(', ')} not typed (pass it in options.headers)`);

      // Responses: every distinct 2xx JSON schema; text when only text is documented.
      const responses: JsonSchema[] = [];
      const noData: JsonSchema[] = [];
      const examples: Operation['examples'] = [];
      let responseType: Operation['responseType'] = 'none';
      let linkHeader = false;
      for (const [status, rawResponse] of Object.entries((op['responses'] as Obj | undefined) ?? {})) {
        if (!/^2(\d\d|XX)$/i.test(status)) continue;
        const response = deref<Obj>(d, rawResponse);
        const headers = Object.keys((response['headers'] as Obj | undefined) ?? {}).map((h) => h.toLowerCase());
        if (headers.includes('link')) linkHeader = true;
        const content = (response['content'] as Record<string, Obj> | undefined) ?? {};
        const jsonType = Object.keys(content).find((c) => JSON_TYPE.test(c));
        if (jsonType) {
          responseType = 'json';
          const media = content[jsonType]!;
          const documented: Operation['examples'] = [];
          if (media['example'] !== undefined) documented.push({ status, name: 'example', value: media['example'] });
          for (const [exName, ex] of Object.entries((media['examples'] as Obj | undefined) ?? {})) {
            const value = deref<Obj>(d, ex)?.['value'];
            if (value !== undefined) documented.push({ status, name: exName, value });
          }
          examples.push(...documented);
          const schema = media['schema'] as JsonSchema | undefined;
          if (schema && ![...responses, ...noData].some((r) => JSON.stringify(r) === JSON.stringify(schema))) {
            (documentsNoData(d, schema, documented.map((e) => e.value)) ? noData : responses).push(schema);
          }
        } else if (Object.keys(content).length && responseType === 'none') {
          responseType = 'text';
        }
      }

      const mayBeEmpty = noData.length > 0;
      responses.push(...noData);

      // Request body: its object properties become parameters (as Octokit does) unless a name clashes.
      let body: Operation['body'];
      const requestBody = op['requestBody'] ? deref<Obj>(d, op['requestBody']) : undefined;
      if (requestBody) {
        const content = (requestBody['content'] as Record<string, Obj> | undefined) ?? {};
        const contentType = Object.keys(content).find((c) => JSON_TYPE.test(c)) ?? Object.keys(content)[0];
        if (contentType) {
          const schema = (content[contentType]!['schema'] as JsonSchema | undefined) ?? {};
          const json = JSON_TYPE.test(contentType);
          const shape = shapeOf(d, schema);
          const taken = new Set([...pathParams, ...queryParams].map((p) => p.name));
          const fields = Object.keys(shape.properties ?? {});
          const flat = json && shape.properties && (shape.type === 'object' || shape.type === undefined) && !fields.some((f) => taken.has(f) || f === 'data');
          body = { kind: flat ? 'rest' : 'data', schema, required: requestBody['required'] === true, contentType, json };
        }
      }

      // Listing: declared per operation, else a Link header, else a cursor parameter, over a list.
      const id = `${resource}.${name}`;
      const override = config.pagination?.operations?.[id];
      let listing: Operation['listing'];
      const isListRead = method === 'get' && responses.length === 1;
      const cursorParam = queryParams.find((p) => cursorParams.has(p.name));
      if (override !== false && isListRead && (override || linkHeader || cursorParam)) {
        const shape = shapeOf(d, responses[0]);
        let items: string | undefined = override?.items;
        let itemSchema: JsonSchema | undefined;
        if (items === undefined) {
          if (shape.type === 'array' || shape.items) items = '';
          else {
            const arrays = Object.entries(shape.properties ?? {}).filter(([, s]) => {
              const p = shapeOf(d, s);
              return p.type === 'array' || (Array.isArray(p.type) && p.type.includes('array'));
            });
            if (arrays.length === 1) items = arrays[0]![0];
            else warnings.push(`${id}: documented as paged but its list is ambiguous (${arrays.map(([k]) => k).join(', ') || 'none'}); declare pagination.operations["${id}"]`);
          }
        }
        if (items !== undefined) {
          const list = items === '' ? shape : shapeOf(d, (shape.properties ?? {})[items]);
          itemSchema = list.items ?? {};
          listing = { items, itemSchema };
          queryParams = queryParams.filter((p) => !controls.has(p.name) && !cursorParams.has(p.name));
        }
      }

      const externalDocs = op['externalDocs'] as { url?: string } | undefined;
      ops.push({
        tag,
        resource,
        dir: kebab(tag),
        name,
        method,
        path,
        ...(typeof op['summary'] === 'string' ? { summary: op['summary'] } : {}),
        ...(typeof op['description'] === 'string' ? { description: op['description'] } : {}),
        ...(externalDocs?.url ? { docsUrl: externalDocs.url } : {}),
        deprecated: op['deprecated'] === true,
        pathParams,
        queryParams,
        ...(body ? { body } : {}),
        responses,
        mayBeEmpty,
        responseType,
        ...(listing ? { listing } : {}),
        examples,
      });
    }
  }
  return ops;
}

const RESERVED_EXPORTS = new Set(['delete', 'new', 'default', 'function', 'import', 'export', 'in', 'void', 'with', 'return', 'switch', 'case', 'const', 'class', 'enum', 'typeof', 'var', 'do', 'if', 'for', 'while', 'try', 'catch', 'finally', 'throw', 'break', 'continue', 'this', 'super', 'null', 'true', 'false', 'instanceof', 'debugger', 'extends', 'yield', 'let', 'static', 'await']);

function header(source: string): string {
  return `// Generated by @connectors/openapi-codegen from ${source}. Do not edit: change the description or openapi.config.json and run \`pnpm generate\`.\n`;
}

function importLines(emitter: SchemaEmitter, extra: string[] = []): string {
  const lines = [...extra];
  if (emitter.runtime.size) lines.push(`import * as r from '${'RUNTIME'}';`);
  for (const [file, names] of [...emitter.imports].sort(([a], [b]) => a.localeCompare(b))) {
    const values = [...names].filter((n) => !n.startsWith('type ')).sort();
    const types = [...names].filter((n) => n.startsWith('type ')).sort();
    lines.push(`import { ${[...values, ...types].join(', ')} } from '${file}';`);
  }
  return lines.join('\n');
}

/**
 * Writes one module per component schema reachable from `roots` (a bundler keeps only the ones an
 * app reaches) and an index re-exporting them. References within a cycle are built lazily.
 */
function emitComponents(d: LoadedDescription, input: string, roots: unknown[], write: (file: string, text: string) => void, head: string, runtime: string, lenientRequired: boolean) {
  const components = (d.document.components?.['schemas'] as Record<string, unknown> | undefined) ?? {};
  const graph = new Map<string, Set<string>>();
  const queue: string[] = [];
  for (const root of roots) for (const name of directRefs(root, d.resolve)) if (!queue.includes(name)) queue.push(name);
  while (queue.length) {
    const name = queue.shift()!;
    if (graph.has(name)) continue;
    if (!(name in components)) throw new TypeError(`${input}: #/components/schemas/${name} is referenced but not defined`);
    const refs = directRefs(components[name], d.resolve);
    graph.set(name, refs);
    for (const r of refs) if (!graph.has(r)) queue.push(r);
  }
  const names = nameComponents([...graph.keys()]);
  const groups = cycleGroups(graph);
  const groupSize = new Map<number, number>();
  for (const g of groups.values()) groupSize.set(g, (groupSize.get(g) ?? 0) + 1);
  const cyclic = new Map([...groups].filter(([name, g]) => (groupSize.get(g) ?? 0) > 1 || graph.get(name)?.has(name)));
  const index: string[] = [];
  for (const [name, n] of [...names].sort(([a], [b]) => a.localeCompare(b))) {
    const schema = components[name] as JsonSchema;
    const emitter = new SchemaEmitter({ resolve: d.resolve, components: names, groups: cyclic, selfReferencing: new Set(), schemasDir: '.', current: name, lenientRequired });
    const code = emitter.convert(schema);
    emitter.runtime.add('typed');
    const doc = docLine(schema.description ?? schema.title);
    const typeDecl = code.t.startsWith('{') && code.t.endsWith('}') && !code.t.includes('\n} |') ? `export interface ${n.type} ${code.t}` : `export type ${n.type} = ${code.t};`;
    const text = [
      head,
      importLines(emitter).replace('RUNTIME', runtime),
      '',
      doc ? `/** ${doc} */` : '',
      typeDecl,
      '',
      `let cached: r.Schema<${n.type}> | undefined;`,
      `/** The schema of {@link ${n.type}}, built on first use. */`,
      `export function ${n.fn}(): r.Schema<${n.type}> {`,
      `  return (cached ??= r.typed<${n.type}>(${code.v}));`,
      '}',
      '',
    ]
      .filter((l, i, a) => !(l === '' && a[i - 1] === ''))
      .join('\n');
    write(`${n.file}.ts`, text);
    index.push(`export * from './${n.file}.ts';`);
  }
  write('index.ts', `${head}${index.join('\n')}\n`);
  return { names, cyclic, count: names.size + 1 };
}

function applyPatches(d: LoadedDescription, config: GeneratorConfig, which: 'rest' | 'webhooks'): void {
  for (const patch of config.patches ?? []) {
    const forWebhooks = patch.at.startsWith('webhooks:');
    if (forWebhooks !== (which === 'webhooks')) continue;
    if (typeof patch.reason !== 'string' || !patch.reason.trim()) throw new TypeError(`patch ${patch.at}: say why in "reason" (which example or recording contradicts the description)`);
    const strip = (pointer: string) => (pointer.startsWith('webhooks:') ? pointer.slice('webhooks:'.length) : pointer);
    const pointer = strip(patch.at);
    const op = patch.op ?? 'replace';
    if (op !== 'replace' && op !== 'add' && op !== 'remove') throw new TypeError(`patch ${patch.at}: op must be "replace" (the default), "add" or "remove", not ${JSON.stringify(op)}`);
    if (op === 'remove' ? patch.value !== undefined || patch.from !== undefined : (patch.value === undefined) === (patch.from === undefined)) {
      throw new TypeError(`patch ${patch.at}: ${op === 'remove' ? 'a removal takes no "value" or "from"' : 'give either "value" or "from" (a pointer to copy)'}`);
    }
    const value = patch.from === undefined ? patch.value : structuredClone(d.resolve(strip(patch.from)));
    const cut = pointer.lastIndexOf('/');
    const parent = d.resolve(pointer.slice(0, cut)) as Record<string, unknown> | unknown[];
    const key = decodeURIComponent(pointer.slice(cut + 1)).replace(/~1/g, '/').replace(/~0/g, '~');
    const exists = Array.isArray(parent) ? /^\d+$/.test(key) && Number(key) < parent.length : key in parent;
    if (op !== 'add' && !exists) throw new TypeError(`patch ${patch.at}: nothing there to correct (was it fixed upstream? then drop the patch)`);
    if (op === 'add' && exists) throw new TypeError(`patch ${patch.at}: already there (was it added upstream? then drop the patch)`);
    if (op === 'remove') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else if (Array.isArray(parent) && op === 'add') {
      if (key !== '-') throw new TypeError(`patch ${patch.at}: add to an array with "-" (its end)`);
      parent.push(value);
    } else {
      (parent as Record<string, unknown>)[key] = value;
    }
  }
}

/**
 * The description a config generates from, with its `patches` applied: what tests that check the
 * provider's examples against the generated schemas must read, so both see the same corrections.
 * `which: "webhooks"` gives the description the webhook schemas come from.
 */
export async function loadPatchedDescription(configPath: string, which: 'rest' | 'webhooks' = 'rest'): Promise<LoadedDescription> {
  const { config, base } = readConfig(configPath);
  // As `generate` does: webhooks from their own description get the `webhooks:` patches; webhooks
  // read from `input` are read from the REST description as patched.
  const own = which === 'webhooks' && config.webhooks?.input !== undefined;
  const d = await loadDescription(resolvePath(base, own ? config.webhooks!.input! : config.input));
  applyPatches(d, config, own ? 'webhooks' : 'rest');
  return d;
}

function readConfig(configPath: string): { config: GeneratorConfig; base: string } {
  const configFile = resolvePath(configPath);
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as GeneratorConfig;
  if (typeof config.input !== 'string') throw new TypeError(`${configPath}: "input" must name the description file`);
  return { config, base: dirname(configFile) };
}

/** Generates a connector's operations and schemas from its `openapi.config.json`. */
export async function generate(configPath: string): Promise<GenerationResult> {
  const { config, base } = readConfig(configPath);
  const d = await loadDescription(resolvePath(base, config.input));
  applyPatches(d, config, 'rest');
  const source = config.source ?? `${d.document.info.title} ${d.document.info.version}`;
  const out = resolvePath(base, config.output ?? 'src/generated');
  const warnings: string[] = [];
  const ops = collectOperations(d, config, warnings);
  if (!ops.length) throw new TypeError(`${config.input}: no operations${config.tags ? ` tagged ${config.tags.join(', ')}` : ''}`);

  const roots: unknown[] = [];
  for (const op of ops) {
    roots.push(...op.responses);
    if (op.body) roots.push(op.body.schema);
    for (const p of [...op.pathParams, ...op.queryParams]) roots.push(p.schema);
  }

  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(out, file)), { recursive: true });
    writeFileSync(join(out, file), text);
  };
  let files = 0;
  const head = header(source);

  // runtime.ts: copied, so a generated connector depends on nothing but core and valibot.
  const runtimeSource = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'runtime', 'runtime.ts'), 'utf8');
  write('runtime.ts', head + runtimeSource);
  files++;
  const { names, cyclic, count } = emitComponents(d, config.input, roots, (file, text) => write(`schemas/${file}`, text), head, '../runtime.ts', config.required === 'lenient');
  files += count;
  // One module per resource (tag): its operations as functions of a client.
  const byResource = new Map<string, Operation[]>();
  for (const op of ops) byResource.set(op.resource, [...(byResource.get(op.resource) ?? []), op]);
  const entries: Record<string, string> = {};
  const listingsModule = config.listings ?? '../listings.ts';
  let listingCount = 0;
  for (const [resource, list] of [...byResource].sort(([a], [b]) => a.localeCompare(b))) {
    const dir = list[0]!.dir;
    const emitter = new SchemaEmitter({ resolve: d.resolve, components: names, groups: cyclic, selfReferencing: new Set(), schemasDir: '../schemas', lenientRequired: config.required === 'lenient' });
    const body: string[] = [];
    let paginated = false;
    for (const op of list) {
      const publicName = op.name.replace(/_$/, '');
      const Name = `${pascal(resource)}${pascal(publicName)}`;
      const id = `${resource}.${publicName}`;
      let anyRequired = false;
      // Params: path, query, then body fields (or `data`).
      const fields: string[] = [];
      const paramLine = (p: Param, t: string) => {
        anyRequired ||= p.required;
        const doc = docLine(p.description);
        if (doc || p.deprecated) fields.push(`  /**${doc ? ` ${doc}` : ''}${p.deprecated ? ' @deprecated' : ''} */`);
        fields.push(`  ${propertyKey(p.name)}${p.required ? '' : '?'}: ${t};`);
      };
      for (const p of op.pathParams) {
        const t = emitter.convert(p.schema).t;
        paramLine(p, t === 'unknown' ? 'string | number' : t);
      }
      for (const p of op.queryParams) paramLine(p, emitter.convert(p.schema).t);
      let bodySchemaFn: string | undefined;
      if (op.body) {
        if (op.body.kind === 'rest') {
          const shape = shapeOf(d, op.body.schema);
          const required = new Set(op.body.required ? shape.required ?? [] : []);
          for (const [key, s] of Object.entries(shape.properties ?? {})) {
            paramLine({ name: key, in: 'query', required: required.has(key), schema: s, ...(s.description ? { description: s.description } : {}), ...(s.deprecated ? { deprecated: true } : {}) }, emitter.convert(s).t);
          }
          if (shape.additionalProperties && typeof shape.additionalProperties === 'object') fields.push('  [key: string]: unknown;');
        } else {
          const t = op.body.json ? emitter.convert(op.body.schema).t : 'string | Uint8Array | Blob';
          fields.push(`  /** The request body (${op.body.contentType}). */`);
          anyRequired ||= op.body.required;
          fields.push(`  data${op.body.required ? '' : '?'}: ${t};`);
        }
        if (op.body.json) {
          bodySchemaFn = `${publicName}Body`;
          const code = emitter.convert(op.body.schema, '  ');
          body.push(`let ${publicName}BodyCache: r.Schema | undefined;`, `function ${bodySchemaFn}(): r.Schema {`, `  return (${publicName}BodyCache ??= ${code.v});`, '}', '');
        }
      }
      const paramsType = `${Name}Params`;
      body.push(fields.length ? `export interface ${paramsType} {\n${fields.join('\n')}\n}` : `export type ${paramsType} = Record<string, never>;`, '');
      const allOptional = !anyRequired;

      // Response schema and type.
      let responseFn: string | undefined;
      let resultType = 'unknown';
      if (op.responseType === 'json' && op.responses.length) {
        const single = op.responses.length === 1 && !op.mayBeEmpty ? componentOf(op.responses[0]!.$ref) : undefined;
        if (single !== undefined) {
          const ref = emitter.ref(single);
          responseFn = names.get(single)!.fn;
          resultType = ref.t;
        } else {
          const codes = op.responses.map((s) => emitter.convert(s, ''));
          let code: Code = codes.length === 1 ? codes[0]! : { v: `r.union([${codes.map((c) => c.v).join(', ')}])`, t: codes.map((c) => `(${c.t})`).join(' | ') };
          // A response documented without data may come as an empty body (undefined) or null.
          if (op.mayBeEmpty) code = { v: `r.orEmpty(${code.v})`, t: `${code.t} | null | undefined` };
          emitter.runtime.add('union');
          const typeName = `${Name}Response`;
          body.push(`export type ${typeName} = ${code.t};`, '');
          responseFn = `${publicName}Response`;
          body.push(`let ${publicName}ResponseCache: r.Schema<${typeName}> | undefined;`, `function ${responseFn}(): r.Schema<${typeName}> {`, `  return (${publicName}ResponseCache ??= r.typed<${typeName}>(${code.v}));`, '}', '');
          resultType = typeName;
        }
      } else if (op.responseType === 'text') {
        resultType = 'string';
      } else if (op.responseType === 'none') {
        resultType = 'void';
      }

      const spec: string[] = [`operation: '${id}'`, `method: '${op.method.toUpperCase()}'`, `path: ${JSON.stringify(op.path)}`];
      if (op.pathParams.length) spec.push(`pathParams: ${JSON.stringify(op.pathParams.map((p) => p.name))}`);
      if (op.queryParams.length) spec.push(`query: ${JSON.stringify(op.queryParams.map((p) => p.name))}`);
      if (op.body) spec.push(`body: '${op.body.kind}'`);
      if (op.body && op.body.contentType !== 'application/json') spec.push(`contentType: ${JSON.stringify(op.body.contentType)}`);
      if (bodySchemaFn) spec.push(`bodySchema: ${bodySchemaFn}`);
      if (responseFn) spec.push(`response: ${responseFn}`);
      if (op.responseType !== 'json') spec.push(`responseType: '${op.responseType}'`);
      if (op.listing?.items) spec.push(`items: ${JSON.stringify(op.listing.items)}`);

      const doc = [`/**`, ` * ${docLine(op.summary ?? op.description) ?? id}`, ' *', ` * \`${op.method.toUpperCase()} ${op.path}\`${op.docsUrl ? ` ([docs](${op.docsUrl}))` : ''}${op.listing ? ': every item of every page.' : ''}`];
      if (op.deprecated) doc.push(' * @deprecated The description marks this operation deprecated.');
      doc.push(' */');
      // A reserved word (`delete`) cannot name a function, but it can name an export.
      const fnName = RESERVED_EXPORTS.has(publicName) ? `${publicName}_` : publicName;
      const exported = fnName === publicName ? 'export ' : '';
      const paramDecl = `params${allOptional ? '?' : ''}: ${paramsType}`;
      if (op.listing) {
        paginated = true;
        listingCount++;
        const item = emitter.convert(op.listing.itemSchema).t;
        body.push(
          ...doc,
          `${exported}function ${fnName}(client: r.OperationClient, ${paramDecl}, options?: r.ListOptions): Paginated<${item}> {`,
          `  return r.paginateOperation(client, listings, { ${spec.join(', ')} }, params, options);`,
          '}',
          '',
        );
      } else {
        body.push(
          ...doc,
          `${exported}function ${fnName}(client: r.OperationClient, ${paramDecl}, options?: r.CallOptions): Promise<${resultType}> {`,
          `  return r.callOperation(client, { ${spec.join(', ')} }, params, options);`,
          '}',
          '',
        );
      }
      if (!exported) body.push(`export { ${fnName} as ${publicName} };`, '');
    }
    const extra = [
      ...(paginated ? [`import type { Paginated } from '@connectors/core';`, `import { listings } from '${listingsModule.startsWith('.') ? `../${listingsModule}` : listingsModule}';`] : []),
    ];
    emitter.runtime.add('callOperation');
    const text = `${head}${importLines(emitter, extra).replace('RUNTIME', '../runtime.ts')}\n\n${body.join('\n')}`;
    write(`${dir}/${dir}-operations.ts`, text);
    entries[`rest/${dir}`] = relative(base, join(out, `${dir}/${dir}-operations.ts`));
    files++;
  }

  // rest-api.ts: every resource bound to one client, for `connector.rest.<resource>.<operation>`.
  const resources = [...byResource.keys()].sort();
  const restApi = [
    head + `import { bindOperations, type BoundOperations, type OperationClient } from './runtime.ts';`,
    ...resources.map((res) => `import * as ${res}Operations from './${byResource.get(res)![0]!.dir}/${byResource.get(res)![0]!.dir}-operations.ts';`),
    '',
    '/** Every generated operation, grouped by resource, bound to one client. */',
    'export interface RestApi {',
    ...resources.map((res) => `  ${propertyKey(res)}: BoundOperations<typeof ${res}Operations>;`),
    '}',
    '',
    '/** Binds every generated operation to `client` (a connector instance or `{ http }`). */',
    'export function createRestApi(client: OperationClient): RestApi {',
    '  return {',
    ...resources.map((res) => `    ${propertyKey(res)}: bindOperations(${res}Operations, client),`),
    '  };',
    '}',
    '',
  ];
  write('rest-api.ts', restApi.join('\n'));
  files++;
  entries['rest/schemas'] = relative(base, join(out, 'schemas/index.ts'));

  let webhookEvents: string[] = [];
  if (config.webhooks) {
    const wh = config.webhooks;
    const wd = wh.input ? await loadDescription(resolvePath(base, wh.input)) : d;
    if (wd !== d) applyPatches(wd, config, 'webhooks');
    const whHead = wh.input ? header(wh.source ?? `${wd.document.info.title} ${wd.document.info.version}`) : head;
    const hooks = ((wd.document['webhooks'] ?? wd.document['x-webhooks']) as Record<string, Record<string, Obj>> | undefined) ?? {};
    const wanted = wh.events ? new Set(wh.events) : undefined;
    const events = new Map<string, Array<{ action: string | undefined; schema: JsonSchema }>>();
    for (const key of Object.keys(hooks).sort()) {
      const op = Object.values(hooks[key]!)[0]!;
      const id = typeof op['operationId'] === 'string' ? op['operationId'] : key;
      // operationIds spell the event in kebab-case (`pull-request/opened`); X-GitHub-Event uses `_`.
      const [kebabEvent, action] = id.split('/') as [string, string | undefined];
      const event = kebabEvent.replace(/-/g, '_');
      if (wanted && !wanted.has(event)) continue;
      const body = deref<Obj>(wd, op['requestBody']);
      const schema = ((body?.['content'] as Record<string, Obj> | undefined)?.['application/json']?.['schema'] ?? {}) as JsonSchema;
      events.set(event, [...(events.get(event) ?? []), { action, schema }]);
    }
    const missing = [...(wanted ?? [])].filter((e) => !events.has(e));
    if (missing.length) throw new TypeError(`${wh.input ?? config.input}: no webhooks for ${missing.join(', ')}`);
    const roots = [...events.values()].flat().map((e) => e.schema);
    const emitted = emitComponents(wd, wh.input ?? config.input, roots, (file, text) => write(`webhooks/schemas/${file}`, text), whHead, '../../runtime.ts', config.required === 'lenient');
    files += emitted.count;
    const emitter = new SchemaEmitter({ resolve: wd.resolve, components: emitted.names, groups: emitted.cyclic, selfReferencing: new Set(), schemasDir: './schemas', lenientRequired: config.required === 'lenient' });
    const body: string[] = [];
    const entries: string[] = [];
    for (const [event, list] of events) {
      const Name = `${pascal(event)}WebhookEvent`;
      const fn = `${camel(event)}WebhookSchema`;
      const members = list.map((e) => ({ action: e.action, code: emitter.convert(e.schema) }));
      const withAction = members.filter((m) => m.action !== undefined);
      const v = withAction.length === members.length && withAction.length > 0
        ? `r.byAction({ ${withAction.map((m) => `${propertyKey(m.action!)}: () => ${m.code.v}`).join(', ')} })`
        : members.length === 1 ? members[0]!.code.v : `r.union([${members.map((m) => m.code.v).join(', ')}])`;
      body.push(
        `/** A \`${event}\` delivery${withAction.length ? `, one shape per \`action\` (${withAction.length})` : ''}. */`,
        `export type ${Name} = ${members.map((m) => m.code.t).join(' | ')};`,
        `let ${fn}Cache: r.Schema<${Name}> | undefined;`,
        `export function ${fn}(): r.Schema<${Name}> {`,
        `  return (${fn}Cache ??= r.typed<${Name}>(${v}));`,
        '}',
        '',
      );
      entries.push(`  ${propertyKey(event)}: ${fn},`);
    }
    body.push('/** The payload schema of each event (`X-GitHub-Event`), built on first use. */', 'export const webhookEventSchemas = {', ...entries, '} as const;', '');
    emitter.runtime.add('typed');
    write('webhooks/webhook-events.ts', `${whHead}${importLines(emitter).replace('RUNTIME', '../runtime.ts')}\n\n${body.join('\n')}`);
    files++;
    webhookEvents = [...events.keys()];
  }

  // Operations a generic test can call with made-up path parameters, and their documented examples:
  // what the connector template's conformance test drives.
  const callable = (op: Operation) => !op.body && ![...op.pathParams, ...op.queryParams].some((p) => p.required && p.in !== 'path');
  const sampleOf = (op: Operation | undefined) =>
    op && { resource: op.resource, name: op.name.replace(/_$/, ''), path: op.path, pathParams: op.pathParams.map((p) => p.name), items: op.listing?.items, example: op.examples[0]!.value };
  const samples = {
    get: sampleOf(ops.find((op) => op.method === 'get' && !op.listing && op.pathParams.length > 0 && op.responseType === 'json' && op.examples.length > 0 && callable(op))),
    list: sampleOf(ops.find((op) => op.listing && op.examples.length > 0 && callable(op))),
  };

  const manifest = {
    source,
    input: config.input,
    sha256: d.sha256,
    operations: ops.length,
    listings: listingCount,
    schemas: names.size,
    resources: Object.fromEntries(resources.map((res) => [res, byResource.get(res)!.map((o) => o.name)])),
    entries,
    webhookEvents,
    ...(config.samples ? { samples } : {}),
    warnings,
  };
  write('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  files++;

  if (config.fixtures) {
    for (const op of ops) {
      const example = op.examples[0];
      if (!example) continue;
      const file = resolvePath(base, 'src', op.dir, '__fixtures__', `${kebab(op.name)}.json`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify(example.value, null, 2)}\n`);
    }
  }
  return { operations: ops.length, listings: listingCount, schemas: names.size, resources: resources.length, files, warnings };
}

export { collectOperations as _collectOperations };
