import { openEnum, type HttpClient, type Paginated, type PaginationCheckpoint, type PaginationStrategy, type QueryParams } from '@connectors/core';
import * as v from 'valibot';

/**
 * A valibot schema typed only by its output. The builders below are deliberately not generic: the
 * generated modules state their types as interfaces, so `tsc` checks a thousand schemas in seconds
 * instead of inferring a type from each nested `v.object(...)` call.
 */
export type Schema<T = unknown> = v.GenericSchema<unknown, T>;
type Entries = Record<string, Schema>;

export const str = (): Schema => v.string();
export const num = (): Schema => v.number();
export const bool = (): Schema => v.boolean();
export const nul = (): Schema => v.null();
export const unk = (): Schema => v.unknown();
export const lit = (value: string | number | boolean): Schema => v.literal(value);
export const arr = (item: Schema): Schema => v.array(item);
export const opt = (schema: Schema): Schema => v.optional(schema);
export const nullable = (schema: Schema): Schema => v.nullable(schema);
/** A string enum that a new value does not break: the core reports it as drift (see `openEnum`). */
export const oenum = (values: readonly [string, ...string[]]): Schema => openEnum(values) as Schema;
/** A number enum (rare): checked as a number, since a new value must not fail the call. */
export const nenum = (): Schema => v.number();
/** `additionalProperties` unset or true: extra keys are allowed, as JSON Schema says. */
export const obj = (entries: Entries): Schema => v.looseObject(entries);
/** `additionalProperties: false`: extra keys are reported as drift, not dropped silently. */
export const closed = (entries: Entries): Schema => v.object(entries);
/**
 * The same closed object, taken only when the data has no key it does not declare: tried first in
 * a union, so a closed member never swallows (and drops the fields of) data another member declares.
 */
export const strict = (entries: Entries): Schema => v.strictObject(entries);
export const rec = (value: Schema): Schema => v.record(v.string(), value);
export const objRest = (entries: Entries, rest: Schema): Schema => v.objectWithRest(entries, rest);
export const union = (options: readonly Schema[]): Schema => v.union(options as Schema[]);
export const allOf = (options: readonly Schema[]): Schema => v.intersect(options as Schema[]);
/** A response documented without data: its object, `null`, or an empty body (read as `undefined`). */
export const orEmpty = (schema: Schema): Schema => v.nullish(schema);
/** Breaks a reference cycle: the target is built on first use. */
export const lazy = (get: () => Schema): Schema => v.lazy(get);

/** Gives an untyped schema the type its generated interface states. */
export function typed<T>(schema: Schema): Schema<T> {
  return schema as Schema<T>;
}

/** What a generated operation is called with: any connector instance (or `{ http }`). */
export interface OperationClient {
  readonly http: HttpClient;
}

/** Options of every generated call. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Extra headers for this call (e.g. a media type in `accept`). */
  headers?: Record<string, string>;
}

/** Options of every generated listing: it yields every item of every page unless limited here. */
export interface ListOptions {
  /** Stop after this many items. */
  maxItems?: number;
  /** Stop after this many pages. */
  maxPages?: number;
  /** Resume after the page this checkpoint came from (`listing.checkpoint` or `page.checkpoint`). */
  checkpoint?: PaginationCheckpoint;
  /** Fetch the next page while you process this one. Default true. */
  prefetch?: boolean;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** The static part of an operation, written by the generator. */
export interface OperationSpec {
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  path: string;
  /** Parameter names that fill `{placeholders}` in `path`. */
  pathParams?: readonly string[];
  /** Parameter names sent in the query string. */
  query?: readonly string[];
  /** `rest`: every other parameter is a JSON body field; `data`: the `data` parameter is the body as is. */
  body?: 'rest' | 'data';
  contentType?: string;
  bodySchema?: () => Schema;
  response?: () => Schema;
  /** Where a listing's items are in each page (dotted path); '' when the page is the list. */
  items?: string;
  /** The body is not JSON (`text`) or there is none (`none`). */
  responseType?: 'text' | 'none';
  /** A PUT/DELETE or a PATCH that only sets values: retried like a read. */
  idempotent?: boolean;
}

function split(spec: OperationSpec, params: Record<string, unknown> = {}) {
  const path: Record<string, string | number> = {};
  const query: Record<string, unknown> = {};
  const rest: Record<string, unknown> = { ...params };
  for (const name of spec.pathParams ?? []) {
    path[name] = params[name] as string | number;
    delete rest[name];
  }
  for (const name of spec.query ?? []) {
    if (params[name] !== undefined) query[name] = params[name];
    delete rest[name];
  }
  const body = spec.body === 'rest' ? rest : spec.body === 'data' ? rest['data'] : undefined;
  return { path, query: query as QueryParams, body };
}

/** Sends one generated operation through the connector's pipeline. */
export function callOperation<T>(client: OperationClient, spec: OperationSpec, params: object | undefined, options: CallOptions = {}): Promise<T> {
  const { path, query, body } = split(spec, params as Record<string, unknown> | undefined);
  const headers = { ...(spec.contentType ? { 'content-type': spec.contentType } : {}), ...options.headers };
  return client.http.request({
    method: spec.method,
    path: spec.path,
    params: path,
    query,
    ...(spec.body ? { body } : {}),
    ...(spec.bodySchema ? { bodySchema: spec.bodySchema() } : {}),
    ...(spec.response ? { schema: spec.response() } : {}),
    ...(spec.responseType ? { responseType: spec.responseType } : {}),
    ...(spec.idempotent ? { idempotent: true } : {}),
    ...(Object.keys(headers).length ? { headers } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    operation: spec.operation,
  }) as Promise<T>;
}

/** Reads every page of a generated listing, paged the way the connector's `listings` declare. */
export function paginateOperation<T>(
  client: OperationClient,
  listings: { pagination: PaginationStrategy },
  spec: OperationSpec,
  params: object | undefined,
  options: ListOptions = {},
): Paginated<T> {
  const { path, query, body } = split(spec, params as Record<string, unknown> | undefined);
  const { headers, ...limits } = options;
  return client.http.paginate({
    path: spec.path,
    params: path,
    query,
    ...(spec.method === 'POST' ? { method: 'POST' as const, body: body as Record<string, unknown> } : {}),
    ...(spec.response ? { schema: spec.response() } : {}),
    ...(spec.items ? { items: spec.items } : {}),
    ...(headers ? { headers } : {}),
    pagination: listings.pagination,
    operation: spec.operation,
    ...limits,
  }) as unknown as Paginated<T>;
}

type OperationFn = (client: OperationClient, ...args: never[]) => unknown;
/** A module of generated operations with the client filled in: `issues.listForRepo(params)`. */
export type BoundOperations<M> = {
  [K in keyof M as M[K] extends OperationFn ? K : never]: M[K] extends (client: OperationClient, ...args: infer A) => infer R ? (...args: A) => R : never;
};

/** Binds every operation of a generated module to one client. */
export function bindOperations<M extends object>(module: M, client: OperationClient): BoundOperations<M> {
  const bound: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(module)) {
    if (typeof fn === 'function') bound[name] = (...args: never[]) => (fn as OperationFn)(client, ...args);
  }
  return bound as BoundOperations<M>;
}

/**
 * A webhook payload checked against the schema of its `action`. An action the description does not
 * list yet passes as long as it names one: a new action must not fail every delivery of the event.
 */
export function byAction(options: Record<string, () => Schema>): Schema {
  const unknownAction = v.looseObject({ action: v.string() });
  return v.lazy((input) => {
    const action = (input as { action?: unknown } | null | undefined)?.action;
    return typeof action === 'string' && Object.hasOwn(options, action) ? options[action]!() : unknownAction;
  });
}
