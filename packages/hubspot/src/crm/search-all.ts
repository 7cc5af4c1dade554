import type { HttpClient, Schema } from '@connectors/core';
import * as v from 'valibot';
import { crmSearchPageSchema } from './crm-object-schemas.ts';
import { pageSize, SEARCH_MAX_PAGE, SEARCH_RESULT_CAP } from './crm-request.ts';
import { checkSearchRequest, searchBody, type SearchFilter, type SearchRequest } from './search-request.ts';

/**
 * Where a `searchAll` run stands: everything modified before `since` was delivered, and so were the
 * records in `skipIds` (modified exactly at `since`). Plain JSON: store it and pass it back to resume.
 */
export interface ModifiedSinceCheckpoint {
  /** The last-modified property the run slices on. */
  property: string;
  /** Epoch ms: the next slice asks for records modified at or after this. */
  since: number;
  /** Records modified exactly at `since` that were already delivered. */
  skipIds: string[];
  /**
   * Set while more than 10,000 records share the timestamp `since`: the run walks them by
   * `hs_object_id` after this id before moving past the timestamp.
   */
  tieAfterId?: string;
}

/** One page of a `searchAll` run. */
export interface SearchAllPage<T> {
  items: T[];
  /** Save it once the items are processed; `searchAll(..., { checkpoint })` resumes after them. */
  checkpoint: ModifiedSinceCheckpoint;
  /** 1-based slice number: a new slice starts each time the 10,000-result cap is reached. */
  slice: number;
  /** HubSpot's match count for the current slice. */
  total: number;
}

/** A `searchAll` run: iterate records, or `pages()` for checkpoints. */
export interface SearchAll<T> extends AsyncIterable<T> {
  pages(): AsyncIterableIterator<SearchAllPage<T>>;
}

export interface SearchAllOptions {
  /** Only records modified at or after this time. Default: every record. */
  since?: Date | number;
  /** Resume a run (from `SearchAllPage.checkpoint`); wins over `since`. */
  checkpoint?: ModifiedSinceCheckpoint;
  /** The last-modified property. Default `lastmodifieddate` for contacts, `hs_lastmodifieddate` otherwise. */
  property?: string;
  /** Records per page, 1-200. Default 200. */
  limit?: number;
  signal?: AbortSignal;
}

interface RecordLike {
  id: string;
  properties: Record<string, unknown>;
  updatedAt?: string;
}

function modifiedAt(record: RecordLike, property: string): number {
  const raw = record.properties[property] ?? record.updatedAt;
  const ms = typeof raw === 'string' ? (/^\d+$/.test(raw) ? Number(raw) : Date.parse(raw)) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new TypeError(`hubspot searchAll: record ${record.id} has no readable ${property} (${JSON.stringify(raw)}); include the property in the search's properties`);
  }
  return ms;
}

/** ANDs `extra` into every filter group (a search's groups are ORed). */
function withFilters(request: SearchRequest, extra: readonly SearchFilter[]): SearchRequest['filterGroups'] {
  const groups = request.filterGroups?.length ? request.filterGroups : [{ filters: [] }];
  return groups.map((group) => ({ filters: [...group.filters, ...extra] }));
}

/**
 * Every record matching a search, past HubSpot's 10,000-result paging cap. Results are sorted by the
 * last-modified property, oldest first; when a slice reaches the cap, the next slice starts at the
 * last timestamp delivered (records already delivered at that timestamp are skipped). If more than
 * 10,000 records share one timestamp, that timestamp is walked by `hs_object_id`. So a full sync never
 * stops silently at 10,000, and the checkpoint after each page resumes without skipping a record.
 * Records modified during the run reappear later in it (their timestamp moved): upsert by id.
 */
export function searchAll<T extends RecordLike>(
  http: HttpClient,
  objectType: string,
  itemSchema: Schema,
  request: SearchRequest,
  defaultProperty: string,
  options: SearchAllOptions = {},
): SearchAll<T> {
  const operation = `${objectType}.searchAll`;
  checkSearchRequest(operation, request);
  if (request.sorts?.length) throw new TypeError(`hubspot ${operation}: searchAll sorts by the last-modified property itself; remove \`sorts\``);
  if ((request.filterGroups?.[0]?.filters.length ?? 0) > 4) throw new TypeError(`hubspot ${operation}: searchAll adds up to 2 filters to each group, so groups may have at most 4 of their own`);
  const limit = pageSize(operation, options.limit, SEARCH_MAX_PAGE);
  const property = options.checkpoint?.property ?? options.property ?? defaultProperty;
  const pageSchema = crmSearchPageSchema(itemSchema as v.GenericSchema);
  const properties = request.properties?.length && !request.properties.includes(property) ? [...request.properties, property] : request.properties;
  const base: SearchRequest = { ...request, ...(properties ? { properties } : {}) };

  async function* pages(): AsyncIterableIterator<SearchAllPage<T>> {
    const start = options.since === undefined ? 0 : typeof options.since === 'number' ? options.since : options.since.getTime();
    let state: ModifiedSinceCheckpoint = options.checkpoint ? structuredClone(options.checkpoint) : { property, since: start, skipIds: [] };
    let slice = 0;
    for (;;) {
      slice++;
      const tie = state.tieAfterId !== undefined;
      const filters: SearchFilter[] = tie
        ? [{ propertyName: property, operator: 'EQ', value: String(state.since) }, { propertyName: 'hs_object_id', operator: 'GT', value: state.tieAfterId! }]
        : [{ propertyName: property, operator: 'GTE', value: String(state.since) }];
      const body = { ...searchBody({ ...base, filterGroups: withFilters(base, filters) }), sorts: [{ propertyName: tie ? 'hs_object_id' : property, direction: 'ASCENDING' }] };
      const skip = new Set(state.skipIds);
      let after = 0;
      let capped = false;
      let progressed = false;
      for (;;) {
        const page = (await http.request({
          method: 'POST', path: '/crm/v3/objects/{objectType}/search', params: { objectType }, body: { ...body, limit, after: String(after) },
          schema: pageSchema, operation, idempotent: true, ...(options.signal ? { signal: options.signal } : {}),
        })) as { total: number; results: T[]; paging?: { next?: { after: string } } };
        const items: T[] = [];
        for (const record of page.results) {
          if (tie) {
            items.push(record);
            state = { property, since: state.since, skipIds: [], tieAfterId: record.id };
            continue;
          }
          const at = modifiedAt(record, property);
          if (at === state.since && skip.has(record.id)) continue;
          items.push(record);
          if (at > state.since) {
            state = { property, since: at, skipIds: [record.id] };
            progressed = true;
          } else {
            state = { property, since: state.since, skipIds: [...state.skipIds, record.id] };
          }
        }
        const nextAfter = page.paging?.next?.after;
        yield { items, checkpoint: structuredClone(state), slice, total: page.total };
        if (nextAfter === undefined) break;
        after = Number(nextAfter);
        if (after + limit > SEARCH_RESULT_CAP) {
          capped = true;
          break;
        }
      }
      if (tie) {
        // The shared timestamp is walked when a tie slice ends before the cap; move past it.
        if (!capped) state = { property, since: state.since + 1, skipIds: [] };
        continue;
      }
      if (!capped) return;
      // A full slice that never got past its first timestamp: more than 10,000 records share it.
      if (!progressed) state = { property, since: state.since, skipIds: [], tieAfterId: '0' };
    }
  }

  return {
    pages,
    async *[Symbol.asyncIterator]() {
      for await (const page of pages()) yield* page.items;
    },
  };
}
