import { resolve } from 'node:path';
import { MatchersV3, PactV4, Verifier } from '@pact-foundation/pact';
import { startSandbox, type SandboxProvider } from '@connectors/testing/sandbox';

/** Where contracts are written: Pact files a team can publish to a broker (`pact-broker publish contracts/pacts`). */
export const PACT_DIR = resolve(import.meta.dirname, '../pacts');

/** A valibot schema as far as the contract needs to walk it (valibot schemas are plain objects). */
interface SchemaNode {
  type: string;
  entries?: Record<string, SchemaNode>;
  item?: SchemaNode;
  wrapped?: SchemaNode;
  options?: readonly SchemaNode[];
}

const OPTIONAL = new Set(['optional', 'exact_optional', 'nullish', 'undefinedable']);
const OMIT = Symbol('omit');

/**
 * The response a connector relies on, walked from its own schema with its own fixture as the
 * example: every required field, matched by type (not value: the sandbox and the real provider
 * return other ids and texts). Optional fields are left out: the connector does not rely on them.
 * Pact has no "string or null" matcher, so a nullable field is matched as the fixture has it (null
 * exactly, or by type): the interaction's provider state names a record shaped like the fixture
 * (an open issue has no `closed_at`).
 */
export function contractShape(schema: unknown, fixture: unknown): unknown {
  const shape = walk(schema as SchemaNode, fixture);
  return shape === OMIT ? {} : shape;
}

function walk(schema: SchemaNode, value: unknown): unknown {
  if (value === undefined || OPTIONAL.has(schema.type)) return OMIT;
  if (schema.type === 'nullable' && schema.wrapped) return value === null ? null : walk(schema.wrapped, value);
  if (value === null) return null;
  // A literal (`ok: true`, `object: 'list'`) is what the connector checks for: matched exactly.
  if (schema.type === 'literal') return value;
  if (schema.options) {
    const option = schema.options.find((o) => fits(o, value));
    return option ? walk(option, value) : plain(value);
  }
  if (schema.entries && isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(schema.entries)) {
      const shape = walk(entry, value[key]);
      if (shape !== OMIT) out[key] = shape;
    }
    return out;
  }
  if (schema.item && Array.isArray(value)) {
    const first = value.length ? walk(schema.item, value[0]) : OMIT;
    return MatchersV3.like((first === OMIT ? [] : [first]) as never);
  }
  return plain(value);
}

function fits(schema: SchemaNode, value: unknown): boolean {
  if (schema.type === 'nullable' || OPTIONAL.has(schema.type)) return schema.wrapped ? fits(schema.wrapped, value) : false;
  if (isRecord(value)) return schema.entries !== undefined || schema.options?.some((o) => fits(o, value)) === true;
  if (Array.isArray(value)) return schema.item !== undefined;
  return schema.entries === undefined && schema.item === undefined;
}

/** Where the schema says nothing more (a record, an open enum): by type, nulls kept as null. */
function plain(value: unknown): unknown {
  if (value === null) return null;
  if (Array.isArray(value)) return MatchersV3.like(value.slice(0, 1).map(plain) as never);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
  return MatchersV3.like(value as never);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A list response: items shaped as `contractShape` says (an empty page satisfies it too). */
export function listShape(itemSchema: unknown, items: readonly unknown[]): unknown {
  return MatchersV3.like([contractShape(itemSchema, items[0])] as never);
}

/**
 * A form-encoded request body (`application/x-www-form-urlencoded`, as Slack's Web API takes its
 * arguments), matched field by field. Pact-JS's V4 builder offers JSON, XML and binary bodies only,
 * and a binary body is matched by its detected content type, not its fields; the interaction under
 * the builder takes any text body with its content type, and Pact's core matches form bodies by
 * field (https://docs.pact.io/implementation_guides/rust/pact_matching: `application/x-www-form-urlencoded`).
 */
export function formBody<B extends object>(builder: B, fields: Record<string, string>): B {
  const { interaction } = builder as unknown as { interaction?: { withRequestBody?(body: string, contentType: string): void } };
  if (typeof interaction?.withRequestBody !== 'function') throw new TypeError('formBody: this Pact-JS request builder has no interaction.withRequestBody; check the pinned @pact-foundation/pact version');
  interaction.withRequestBody(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded');
  return builder;
}

/** The consumer side: one Pact file per connector and provider. */
export function consumerPact(consumer: string, provider: string): PactV4 {
  return new PactV4({ consumer, provider, dir: PACT_DIR, logLevel: 'warn' });
}

export function pactFile(consumer: string, provider: string): string {
  return resolve(PACT_DIR, `${consumer}-${provider}.json`);
}

/**
 * The provider side: replays every interaction of a Pact file against a sandbox provider and fails
 * on any difference the contract does not allow. The sandboxes are seeded once, so every provider
 * state is already true and the state handlers have nothing to set up.
 */
export async function verifyAgainstSandbox(options: {
  provider: string;
  sandbox: SandboxProvider;
  pactFile: string;
  states: readonly string[];
  /** A prefix the sandbox serves the provider under, e.g. Shopify's shop (`/sandbox-store`): the real API has it in its host. */
  basePath?: string;
}): Promise<void> {
  const sandbox = await startSandbox({ providers: [options.sandbox] });
  try {
    await verifyAgainst({ provider: options.provider, baseUrl: sandbox.urlFor(options.sandbox.name) + (options.basePath ?? ''), pactFile: options.pactFile, states: options.states });
  } finally {
    await sandbox.stop();
  }
}

/** Replays a Pact file against any base URL: a sandbox, or the real API in live mode. */
export async function verifyAgainst(options: { provider: string; baseUrl: string; pactFile: string; states: readonly string[]; headers?: Record<string, string> }): Promise<void> {
  await new Verifier({
    provider: options.provider,
    providerBaseUrl: options.baseUrl,
    pactUrls: [options.pactFile],
    logLevel: 'warn',
    stateHandlers: Object.fromEntries(options.states.map((state) => [state, () => Promise.resolve()])),
    requestFilter: keepFormBodies,
    ...(options.headers ? { customProviderHeaders: options.headers } : {}),
  }).verifyProvider();
}

/**
 * Pact-JS replays interactions through a local proxy that parses form bodies (body-parser's
 * `urlencoded`) and forwards them re-serialised as JSON under the form Content-Type and the original
 * Content-Length (pact-js 17 `dsl/verifier/proxy`: `parseBody` JSON.stringifies any parsed object;
 * the same family as pact-foundation/pact-js#1602): a provider reading the form, like Slack's, gets
 * a truncated JSON text. Re-encoding the parsed fields as the form they were restores the request.
 */
function keepFormBodies(req: { headers: Record<string, string | string[] | undefined>; body?: unknown }, _res: unknown, next: () => void): void {
  const type = req.headers['content-type'];
  if (typeof type === 'string' && type.startsWith('application/x-www-form-urlencoded') && req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body)) {
    const form = Buffer.from(new URLSearchParams(req.body as Record<string, string>).toString());
    req.body = form;
    req.headers['content-length'] = String(form.length);
  }
  next();
}
