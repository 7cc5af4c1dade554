import type { StandardSchemaV1 } from '@standard-schema/spec';
import { SchemaValidationError, type SchemaIssue } from '../errors/index.ts';
import { excerpt, redactText } from '../internal/redact.ts';
import { acceptNewEnumValues, expectsAt, findDrift, isValibotSchema, type DriftFinding } from './find-drift.ts';

/** Any Standard Schema v1 validator: valibot (natively), zod, arktype... */
export type Schema<Output = unknown> = StandardSchemaV1<unknown, Output>;
export type InferOutput<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : unknown;

/**
 * How data that is valid but has changed is treated (valibot schemas; other validators validate
 * exactly as written):
 * - `report` (the client's default): unknown fields and new enum (picklist) values pass, and each is
 *   reported once as a `schema-drift` event. Missing required fields and wrong types still fail.
 * - `strict`: unknown fields and new enum values fail validation, for tests and CI.
 * - `off`: the schema alone decides (valibot `object()` strips unknown keys silently).
 */
export type DriftMode = 'report' | 'strict' | 'off';

/** Per client (`createHttpClient({ validation })`) or per request (`request({ validation })`). */
export interface ValidationOptions {
  drift?: DriftMode;
}

export interface ValidationContext {
  connector: string;
  operation: string;
  direction: 'response' | 'request';
  /** Secrets to keep out of the message and the excerpt. */
  secrets?: Iterable<string>;
  /** Default `off` for direct calls; the client passes its own (default `report`). */
  drift?: DriftMode;
  /** Receives each finding in `report` mode; the client de-duplicates them into `schema-drift` events. */
  onDrift?: (finding: DriftFinding) => void;
}

export function formatIssuePath(path: StandardSchemaV1.Issue['path']): string {
  if (!path) return '';
  return path.map((segment) => String(typeof segment === 'object' ? segment.key : segment)).join('.');
}

/**
 * Runs a Standard Schema and returns its output, or throws `SchemaValidationError` listing every
 * issue with its path and, where the validator says (valibot, zod), what was expected and received.
 */
export async function validate<S extends Schema>(schema: S, data: unknown, context: ValidationContext): Promise<InferOutput<S>> {
  return validateNow(schema, data, context);
}

/**
 * `validate` without the promise when the validator answers synchronously (valibot, zod): the
 * client's read path calls it once per response, and each needless await costs the call a turn of
 * the event loop and a promise. Throws `SchemaValidationError` the same way.
 */
export function validateNow<S extends Schema>(schema: S, data: unknown, context: ValidationContext): InferOutput<S> | Promise<InferOutput<S>> {
  const tap = (schema as Partial<Tapped>)[TAP];
  if (tap) {
    tap.onInput(data);
    if (!tap.inner) return data as InferOutput<S>;
    return validateNow(tap.inner as S, data, context);
  }
  const mode = context.drift ?? 'off';
  const introspectable = mode !== 'off' && isValibotSchema(schema);
  const answer = schema['~standard'].validate(data);
  if (answer instanceof Promise) return answer.then((result) => settle(schema, data, context, result, introspectable, mode));
  return settle(schema, data, context, answer, introspectable, mode);
}

type Result = StandardSchemaV1.Result<unknown>;

function settle<S extends Schema>(schema: S, data: unknown, context: ValidationContext, result: Result, introspectable: boolean, mode: DriftMode): InferOutput<S> | Promise<InferOutput<S>> {
  if (result.issues && introspectable && mode === 'report') {
    // A new enum value is drift, not breakage: accept it when it is the only thing wrong.
    return acceptNewEnumValues(schema, data, result.issues).then((accepted) => finish(schema, data, context, accepted ?? result, introspectable, mode));
  }
  return finish(schema, data, context, result, introspectable, mode);
}

function finish<S extends Schema>(schema: S, data: unknown, context: ValidationContext, result: Result, introspectable: boolean, mode: DriftMode): InferOutput<S> {
  if (result.issues) throw schemaError(toSchemaIssues(result.issues, data, schema, context), data, context);
  if (introspectable && (mode === 'strict' || context.onDrift)) {
    const findings = findDrift(schema, data);
    if (mode === 'strict' && findings.length) {
      const issues = findings.map((f) => ({
        path: f.path,
        message: f.kind === 'unknown-field' ? 'unknown field (drift mode is strict)' : 'new enum value (drift mode is strict)',
        expected: f.kind === 'unknown-field' ? 'no such field' : 'a declared value',
        received: f.kind === 'unknown-field' ? 'a field' : safeText(describeValue(f.value), context.secrets),
      }));
      throw schemaError(issues, data, context);
    }
    for (const finding of findings) context.onDrift?.(finding);
  }
  return result.value as InferOutput<S>;
}

/** Builds the error: one line per issue (first five in the message), a redacted excerpt around the first. */
export function schemaError(issues: SchemaIssue[], data: unknown, context: ValidationContext): SchemaValidationError {
  const lines = issues.slice(0, 5).map((i) => {
    const where = i.path || '(root)';
    return i.expected !== undefined && i.received !== undefined ? `${where}: expected ${i.expected}, received ${i.received}` : `${where}: ${i.message}`;
  });
  const more = issues.length > 5 ? `; (+${issues.length - 5} more)` : '';
  const what =
    context.direction === 'request'
      ? 'the request body does not match bodySchema, so nothing was sent'
      : 'the response does not match its schema';
  const count = `${issues.length} issue${issues.length === 1 ? '' : 's'}`;
  return new SchemaValidationError(`${context.connector} ${context.operation}: ${what} (${count}): ${lines.join('; ')}${more}`, {
    connector: context.connector,
    operation: context.operation,
    issues,
    direction: context.direction,
    excerpt: excerptAround(data, issues[0]?.path, context.secrets ?? []),
  });
}

function toSchemaIssues(issues: readonly StandardSchemaV1.Issue[], data: unknown, schema: Schema, context: ValidationContext): SchemaIssue[] {
  const valibot = isValibotSchema(schema);
  return issues.map((issue) => {
    const keys = issueKeys(issue.path);
    const out: SchemaIssue = { path: keys.join('.'), message: safeText(issue.message, context.secrets) };
    const raw = issue as StandardSchemaV1.Issue & { expected?: unknown; received?: unknown };
    if (typeof raw.expected === 'string') out.expected = safeText(raw.expected, context.secrets);
    const value = valueAt(data, keys).value;
    const last = keys.at(-1);
    if (typeof last === 'string' && SENSITIVE_KEY.test(last)) {
      // The value of a password-like field is never echoed, only its type.
      if (out.expected !== undefined) out.received = typeName(value);
      out.message = out.expected !== undefined ? `expected ${out.expected}, received ${typeName(value)}` : 'invalid value';
    } else if (valibot && (raw as { kind?: string }).kind === 'schema' && raw.received === 'undefined' && typeof raw.expected === 'string' && raw.expected.startsWith('"') && OBJECT_TYPES.has((raw as { type?: string }).type ?? '')) {
      // valibot words a missing key as `expected "name"`; say what the field should have held.
      out.expected = safeText(expectsAt(schema, keys) ?? 'a value', context.secrets);
      out.received = 'undefined';
      out.message = `missing required field (expected ${out.expected})`;
    } else if (valibot && typeof raw.received === 'string') {
      out.received = safeText(raw.received, context.secrets);
    } else if (out.expected !== undefined) {
      // Other validators (zod 4 has no `received`) still get what was received, read from the data itself.
      out.received = safeText(describeValue(value), context.secrets);
    }
    return out;
  });
}

function issueKeys(path: StandardSchemaV1.Issue['path']): PropertyKey[] {
  return (path ?? []).map((segment) => (typeof segment === 'object' ? segment.key : segment));
}

function valueAt(data: unknown, keys: readonly PropertyKey[]): { value: unknown; parent: unknown } {
  let parent: unknown = data;
  let value: unknown = data;
  for (const key of keys) {
    parent = value;
    value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return { value, parent };
}

/** A type name for a value, as valibot words it: `string`, `null`, `Array`, `Object`... */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'Array';
  return typeof value === 'object' ? 'Object' : typeof value;
}

/** Like valibot's `received`: short scalars as written, containers by type. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeName(value);
}

function safeText(text: string, secrets: Iterable<string> | undefined): string {
  const clean = redactText(text, secrets ?? []);
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

const OBJECT_TYPES = new Set(['object', 'loose_object', 'strict_object', 'object_with_rest']);

/** Keys whose values never appear in an excerpt, whatever the auth strategy knows about. */
const SENSITIVE_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|cookie|session|credential|private[-_]?key|signature|^auth$/i;

/**
 * The object that holds the first failing value, not the whole body: it is what a person needs to
 * see, and a 5 MB page is never serialised just for a message.
 */
function excerptAround(data: unknown, path: string | undefined, secrets: Iterable<string>): string | undefined {
  const keys = path ? path.split('.') : [];
  let target = data;
  if (keys.length) {
    const { value, parent } = valueAt(data, keys);
    target = value !== null && typeof value === 'object' ? value : (parent ?? data);
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(target, (key, value: unknown) => (key && SENSITIVE_KEY.test(key) && value !== null && typeof value !== 'object' ? '[REDACTED]' : value));
  } catch {
    text = String(target);
  }
  return text === undefined ? undefined : excerpt(text, secrets, 300);
}

const TAP = Symbol('connectors.validation.tap');
interface Tapped {
  [TAP]: { inner: Schema | undefined; onInput: (input: unknown) => void };
}

/**
 * @internal A schema that hands the raw input to `onInput`, then validates with `inner` (or passes the
 * input through). Pagination uses it to read the raw page (has_more, cursors) inside `send`, so the
 * stop decision never depends on what a schema stripped or filtered.
 */
export function tapInput(inner: Schema | undefined, onInput: (input: unknown) => void): Schema {
  const standard: StandardSchemaV1.Props<unknown, unknown> = {
    version: 1,
    vendor: inner?.['~standard'].vendor ?? 'connectors',
    validate: (value) => {
      onInput(value);
      return inner ? inner['~standard'].validate(value) : { value };
    },
  };
  return { '~standard': standard, [TAP]: { inner, onInput } } as Schema & Tapped;
}

export type { DriftFinding };
