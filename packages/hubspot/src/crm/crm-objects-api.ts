import type { HttpClient, Paginated, Schema } from '@connectors/core';
import * as v from 'valibot';
import { runBatch, type BatchOutcome } from '../batch/run-batch.ts';
import { crmPageSchema, crmSearchPageSchema, lastModifiedProperty } from './crm-object-schemas.ts';
import { crmQuery, LIST_MAX_PAGE, listPagination, pageSize, SEARCH_MAX_PAGE, searchPagination, type CrmGetOptions, type CrmListOptions, type CrmReadOptions } from './crm-request.ts';
import { searchAll, type SearchAll, type SearchAllOptions } from './search-all.ts';
import { checkSearchRequest, searchBody, type SearchRequest } from './search-request.ts';

/** Property values to write. HubSpot stores every value as text; numbers and booleans are sent as given. */
export type PropertyInput = Record<string, string | number | boolean | null>;

/** An association to create with a record (associations v4 shape). */
export interface AssociationInput {
  to: { id: string };
  types: readonly { associationCategory: 'HUBSPOT_DEFINED' | 'USER_DEFINED' | 'INTEGRATOR_DEFINED'; associationTypeId: number }[];
}

export interface CreateInput {
  properties: PropertyInput;
  associations?: readonly AssociationInput[];
  /** Echoed in the answer to match it to this input; `input-<position>` when absent. */
  objectWriteTraceId?: string;
}

export interface UpdateInput {
  /** The record id, or the value of `idProperty`. */
  id: string;
  properties: PropertyInput;
  idProperty?: string;
  objectWriteTraceId?: string;
}

export interface UpsertInput {
  /** The value of the unique property named by `idProperty` (e.g. an email address). */
  id: string;
  properties: PropertyInput;
  /** A unique property, e.g. `email` for contacts or a custom unique property. Default: the batch's `idProperty`. */
  idProperty?: string;
  objectWriteTraceId?: string;
}

export interface SearchOptions {
  /** Records per page, 1-200. Default 200. */
  limit?: number;
  maxItems?: number;
  signal?: AbortSignal;
}

export interface BatchReadOptions extends Omit<CrmReadOptions, 'associations'> {
  /** Read by a unique property instead of the record id. */
  idProperty?: string;
}

/** One CRM object type (`hubspot.contacts`, `hubspot.deals`, or `hubspot.objects('p_custom')`). */
export interface CrmObjectsApi<T> {
  /** `GET /crm/v3/objects/{type}/{id}` (or by `idProperty`). Unknown id: `HubSpotError` 404 `OBJECT_NOT_FOUND`. */
  get(id: string, options?: CrmGetOptions): Promise<T>;
  /** `GET /crm/v3/objects/{type}`: every record, 100 per page, following `paging.next.after`. */
  list(options?: CrmListOptions): Paginated<T>;
  /** `POST /crm/v3/objects/{type}`. Not retried after an ambiguous failure (HubSpot has no idempotency key): check before creating again. */
  create(input: CreateInput, options?: { signal?: AbortSignal }): Promise<T>;
  /** `PATCH /crm/v3/objects/{type}/{id}`: sets the given properties (safe to repeat). */
  update(id: string, properties: PropertyInput, options?: { idProperty?: string; signal?: AbortSignal }): Promise<T>;
  /** `DELETE /crm/v3/objects/{type}/{id}`: moves the record to the recycle bin. */
  archive(id: string, options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * `POST /crm/v3/objects/{type}/search`, every page (`after` in the body, 200 per page). HubSpot
   * pages at most 10,000 results: past that this fails with a `PaginationError`; use `searchAll`.
   */
  search(request?: SearchRequest, options?: SearchOptions): Paginated<T>;
  /** Every matching record past the 10,000 cap, re-slicing on the last-modified date; resumable. */
  searchAll(request?: SearchRequest, options?: SearchAllOptions): SearchAll<T>;
  /** Batch endpoints, 100 inputs per call; every input ends in `results` or `failures`. */
  batch: {
    read(ids: readonly string[], options?: BatchReadOptions): Promise<BatchOutcome<T, string>>;
    create(inputs: readonly CreateInput[], options?: { signal?: AbortSignal }): Promise<BatchOutcome<T, CreateInput>>;
    update(inputs: readonly UpdateInput[], options?: { signal?: AbortSignal }): Promise<BatchOutcome<T, UpdateInput>>;
    /** Creates or updates by a unique property (`idProperty`), so a repeat does not duplicate. */
    upsert(inputs: readonly UpsertInput[], options?: { idProperty?: string; signal?: AbortSignal }): Promise<BatchOutcome<T, UpsertInput>>;
    archive(ids: readonly string[], options?: { signal?: AbortSignal }): Promise<BatchOutcome<never, string>>;
  };
}

const signalOf = (options: { signal?: AbortSignal | undefined } | undefined) => (options?.signal ? { signal: options.signal } : {});
const traceId = (input: { objectWriteTraceId?: string | undefined }, index: number) => input.objectWriteTraceId ?? `input-${index}`;

/**
 * The operations of one CRM object type on a client. `schema` types each record; the package's
 * `contactSchema`, `dealSchema`... or `crmObjectSchema({...})` for your own properties.
 */
export function createCrmObjectsApi<S extends Schema>(http: HttpClient, objectType: string, schema: S): CrmObjectsApi<v.InferOutput<S & v.GenericSchema>> {
  type T = v.InferOutput<S & v.GenericSchema>;
  const item = schema as unknown as v.GenericSchema;
  const op = (name: string) => `${objectType}.${name}`;
  const params = { objectType };
  const listSchema = crmPageSchema(item);
  const searchSchema = crmSearchPageSchema(item);
  const modified = lastModifiedProperty(objectType);
  const resultKeys = (result: T) => {
    const r = result as { id: string; objectWriteTraceId?: string };
    return r.objectWriteTraceId !== undefined ? [r.objectWriteTraceId, r.id] : [r.id];
  };

  return {
    get: (id, options = {}) =>
      http.request({ path: '/crm/v3/objects/{objectType}/{id}', params: { ...params, id }, query: crmQuery(options), schema, operation: op('get'), ...signalOf(options) }) as Promise<T>,
    list: (options = {}) =>
      http.paginate({
        path: '/crm/v3/objects/{objectType}', params, query: crmQuery(options), operation: op('list'),
        pagination: listPagination(pageSize(op('list'), options.limit, LIST_MAX_PAGE)), items: 'results', schema: listSchema,
        ...(options.maxItems !== undefined ? { maxItems: options.maxItems } : {}),
        ...(options.maxPages !== undefined ? { maxPages: options.maxPages } : {}),
        ...(options.checkpoint !== undefined ? { checkpoint: options.checkpoint } : {}),
        ...(options.prefetch !== undefined ? { prefetch: options.prefetch } : {}),
        ...signalOf(options),
      }) as unknown as Paginated<T>,
    create: (input, options = {}) =>
      http.request({ method: 'POST', path: '/crm/v3/objects/{objectType}', params, body: { properties: input.properties, ...(input.associations ? { associations: input.associations } : {}) }, schema, operation: op('create'), ...signalOf(options) }) as Promise<T>,
    update: (id, properties, options = {}) =>
      http.request({
        method: 'PATCH', path: '/crm/v3/objects/{objectType}/{id}', params: { ...params, id }, query: options.idProperty ? { idProperty: options.idProperty } : {},
        body: { properties }, schema, operation: op('update'), idempotent: true, ...signalOf(options),
      }) as Promise<T>,
    archive: async (id, options = {}) => {
      await http.request({ method: 'DELETE', path: '/crm/v3/objects/{objectType}/{id}', params: { ...params, id }, responseType: 'none', operation: op('archive'), ...signalOf(options) });
    },
    search: (request = {}, options = {}) => {
      checkSearchRequest(op('search'), request);
      return http.paginate({
        method: 'POST', path: '/crm/v3/objects/{objectType}/search', params, body: searchBody(request), operation: op('search'),
        pagination: searchPagination(pageSize(op('search'), options.limit, SEARCH_MAX_PAGE)), items: 'results', schema: searchSchema,
        ...(options.maxItems !== undefined ? { maxItems: options.maxItems } : {}),
        ...signalOf(options),
      }) as unknown as Paginated<T>;
    },
    searchAll: (request = {}, options = {}) => searchAll<T & { id: string; properties: Record<string, unknown> }>(http, objectType, schema, request, modified, options) as unknown as SearchAll<T>,
    batch: {
      read: (ids, options = {}) => {
        const properties = options.idProperty && options.properties && !options.properties.includes(options.idProperty) ? [...options.properties, options.idProperty] : options.properties;
        return runBatch<string, T>(http, {
          operation: op('batch.read'), path: '/crm/v3/objects/{objectType}/batch/read', params, inputs: ids, itemSchema: schema,
          query: options.archived !== undefined ? { archived: String(options.archived) } : undefined,
          body: (chunk) => ({
            inputs: chunk.map(({ input }) => ({ id: input })),
            properties: properties ?? [],
            propertiesWithHistory: options.propertiesWithHistory ?? [],
            ...(options.idProperty ? { idProperty: options.idProperty } : {}),
          }),
          keysOf: (id) => [id],
          resultKeys: (result) => {
            const r = result as { id: string; properties: Record<string, unknown> };
            const byProperty = options.idProperty ? r.properties[options.idProperty] : undefined;
            return typeof byProperty === 'string' ? [r.id, byProperty] : [r.id];
          },
          signal: options.signal,
        });
      },
      create: (inputs, options = {}) =>
        runBatch<CreateInput, T>(http, {
          operation: op('batch.create'), path: '/crm/v3/objects/{objectType}/batch/create', params, inputs, itemSchema: schema,
          body: (chunk) => ({ inputs: chunk.map(({ input, index }) => ({ ...input, objectWriteTraceId: traceId(input, index) })) }),
          keysOf: (input, index) => [traceId(input, index)],
          resultKeys, signal: options.signal,
        }),
      update: (inputs, options = {}) =>
        runBatch<UpdateInput, T>(http, {
          operation: op('batch.update'), path: '/crm/v3/objects/{objectType}/batch/update', params, inputs, itemSchema: schema,
          body: (chunk) => ({ inputs: chunk.map(({ input, index }) => ({ ...input, objectWriteTraceId: traceId(input, index) })) }),
          keysOf: (input, index) => [traceId(input, index), input.id],
          resultKeys, signal: options.signal,
        }),
      upsert: (inputs, options = {}) => {
        inputs.forEach((input, i) => {
          if (!(input.idProperty ?? options.idProperty)) throw new TypeError(`hubspot ${op('batch.upsert')}: inputs[${i}] needs an idProperty (a unique property such as email), on the input or in the options`);
        });
        return runBatch<UpsertInput, T>(http, {
          operation: op('batch.upsert'), path: '/crm/v3/objects/{objectType}/batch/upsert', params, inputs, itemSchema: schema,
          body: (chunk) => ({ inputs: chunk.map(({ input, index }) => ({ ...input, idProperty: input.idProperty ?? options.idProperty, objectWriteTraceId: traceId(input, index) })) }),
          keysOf: (input, index) => [traceId(input, index), input.id],
          resultKeys, signal: options.signal,
        });
      },
      archive: (ids, options = {}) =>
        runBatch<string, never>(http, {
          operation: op('batch.archive'), path: '/crm/v3/objects/{objectType}/batch/archive', params, inputs: ids, itemSchema: schema,
          body: (chunk) => ({ inputs: chunk.map(({ input }) => ({ id: input })) }), keysOf: (id) => [id], resultKeys: () => [], responseType: 'none', signal: options.signal,
        }),
    },
  };
}
