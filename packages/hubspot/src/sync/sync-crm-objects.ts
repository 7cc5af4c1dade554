import type { PaginationCheckpoint } from '@connectors/core';
import type { CrmObjectsApi } from '../crm/crm-objects-api.ts';
import type { ModifiedSinceCheckpoint } from '../crm/search-all.ts';
import type { SearchRequest } from '../crm/search-request.ts';

/** What the sync keeps between runs (plain JSON). */
export type SyncState =
  | { mode: 'search'; checkpoint: ModifiedSinceCheckpoint }
  | {
      mode: 'list';
      /** Records updated at or before this (epoch ms) were synced by an earlier run. */
      since: number;
      /** The run in progress: where its listing stands and the newest `updatedAt` it saw. */
      run?: { checkpoint: PaginationCheckpoint | undefined; newest: number };
    };

/** Where sync state is kept: your app's database (a table of key -> JSON), Redis, a file. */
export interface SyncStateStore {
  get(key: string): Promise<SyncState | undefined> | SyncState | undefined;
  set(key: string, state: SyncState): Promise<void> | void;
}

/** A `SyncStateStore` in memory, for tests and one-off scripts. */
export function memorySyncStateStore(): SyncStateStore & { readonly states: Map<string, SyncState> } {
  const states = new Map<string, SyncState>();
  return { states, get: (key) => structuredClone(states.get(key)), set: (key, state) => void states.set(key, structuredClone(state)) };
}

export interface SyncCrmObjectsOptions<T> {
  /** The object type's operations, e.g. `hubspot.contacts`. */
  objects: CrmObjectsApi<T>;
  /** The state's key in `store`, e.g. `hubspot:contacts`. */
  key: string;
  store: SyncStateStore;
  /** Called with each page of changed records; the checkpoint is saved only after it resolves, so a crash never skips a record. */
  onPage(records: T[]): Promise<void> | void;
  /**
   * `search` (default): ask HubSpot for records modified since the checkpoint, sorted by the
   * last-modified property, re-slicing past the 10,000 cap. `list`: for objects without search,
   * walk the full listing and keep records whose `updatedAt` is newer than the last run.
   */
  mode?: 'search' | 'list';
  /** Properties to fetch (default: HubSpot's defaults for the object). */
  properties?: readonly string[];
  /** Extra search filters (search mode), e.g. only one pipeline's deals. */
  filterGroups?: SearchRequest['filterGroups'];
  /** First run only: records modified at or after this time. Default: everything. */
  since?: Date | number;
  signal?: AbortSignal;
}

export interface SyncCrmObjectsResult {
  /** Records handed to `onPage`. */
  records: number;
  pages: number;
  /** Search mode: slices run (more than 1 when the 10,000 cap was crossed). */
  slices: number;
  state: SyncState;
}

/**
 * "Everything modified since the last checkpoint", resumable: run it on a schedule; each run picks
 * up where the last one finished, and a run that crashed resumes after its last saved page.
 *
 * @example
 * await syncCrmObjects({ objects: hubspot.contacts, key: 'hubspot:contacts', store, onPage: (contacts) => db.upsertContacts(contacts) });
 */
export async function syncCrmObjects<T extends { id: string; updatedAt: string }>(options: SyncCrmObjectsOptions<T>): Promise<SyncCrmObjectsResult> {
  const mode = options.mode ?? 'search';
  const previous = await options.store.get(options.key);
  if (previous && previous.mode !== mode) {
    throw new TypeError(`hubspot syncCrmObjects(${options.key}): the stored state is for mode '${previous.mode}', not '${mode}'; use the same mode or another key`);
  }
  return mode === 'search' ? syncBySearch(options, previous as Extract<SyncState, { mode: 'search' }> | undefined) : syncByList(options, previous as Extract<SyncState, { mode: 'list' }> | undefined);
}

async function syncBySearch<T extends { id: string; updatedAt: string }>(options: SyncCrmObjectsOptions<T>, previous: Extract<SyncState, { mode: 'search' }> | undefined): Promise<SyncCrmObjectsResult> {
  const run = options.objects.searchAll(
    { ...(options.filterGroups ? { filterGroups: options.filterGroups } : {}), ...(options.properties ? { properties: options.properties } : {}) },
    { ...(previous ? { checkpoint: previous.checkpoint } : options.since !== undefined ? { since: options.since } : {}), ...(options.signal ? { signal: options.signal } : {}) },
  );
  let records = 0;
  let pages = 0;
  let slices = 0;
  let state: SyncState | undefined = previous;
  for await (const page of run.pages()) {
    if (page.items.length) await options.onPage(page.items);
    records += page.items.length;
    pages++;
    slices = page.slice;
    state = { mode: 'search', checkpoint: page.checkpoint };
    await options.store.set(options.key, state);
  }
  return { records, pages, slices, state: state ?? { mode: 'search', checkpoint: { property: '', since: 0, skipIds: [] } } };
}

async function syncByList<T extends { id: string; updatedAt: string }>(options: SyncCrmObjectsOptions<T>, previous: Extract<SyncState, { mode: 'list' }> | undefined): Promise<SyncCrmObjectsResult> {
  const since = previous?.since ?? (options.since === undefined ? -1 : typeof options.since === 'number' ? options.since - 1 : options.since.getTime() - 1);
  let newest = previous?.run?.newest ?? since;
  const listing = options.objects.list({
    ...(options.properties ? { properties: options.properties } : {}),
    ...(previous?.run?.checkpoint ? { checkpoint: previous.run.checkpoint } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    prefetch: false,
  });
  let records = 0;
  let pages = 0;
  for await (const page of listing.pages()) {
    const changed = page.items.filter((record) => Date.parse(record.updatedAt) > since);
    if (changed.length) await options.onPage(changed);
    for (const record of page.items) newest = Math.max(newest, Date.parse(record.updatedAt));
    records += changed.length;
    pages++;
    await options.store.set(options.key, { mode: 'list', since, run: { checkpoint: page.checkpoint, newest } });
  }
  const state: SyncState = { mode: 'list', since: newest };
  await options.store.set(options.key, state);
  return { records, pages, slices: 0, state };
}
