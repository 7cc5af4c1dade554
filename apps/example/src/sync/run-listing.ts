import type { Paginated, PaginationCheckpoint } from '@connectors/core';
import type { AppStore, RowChanges } from '../store/app-store.ts';

/** One committed page, for progress output. */
export interface PageProgress {
  listing: string;
  label: string;
  /** Page number within the whole run, counting pages committed before a restart. */
  page: number;
  rows: number;
  /** The URL this page was read from (the resume check compares them across restarts). */
  url: string;
  /**
   * Where in the listing the page was read from: the checkpoint before it (`start` for the first
   * page). Tells pages apart when the URL does not (a POST listing with its cursor in the body, Slack).
   */
  from: string;
  /** This run resumed from a checkpoint saved by an earlier process. */
  resumed: boolean;
  /** The first page this call read (with `resumed`: the page it resumed at). */
  first: boolean;
  last: boolean;
}

export interface ListingRunOptions {
  /** Stops the listing between pages (or aborts the request in flight); committed pages stay committed. */
  signal?: AbortSignal;
  onPage?: (progress: PageProgress) => void;
  now?: () => number;
}

/** How one listing is read and stored. */
export interface ListingSpec<T> {
  /** The key of its state in `sync_state`, e.g. `github:issues:octocat/Hello-World`. */
  listing: string;
  /** For people: `github issues`. */
  label: string;
  /** The filter of a new run, from where the last finished run started (null: never ran, read everything). */
  filter(highWater: number | null): Record<string, string>;
  /** The listing for a filter, from a checkpoint or from its first page. */
  open(filter: Record<string, string>, checkpoint: PaginationCheckpoint | undefined, signal: AbortSignal | undefined): Paginated<T>;
  /** The rows a page's items become; written in the page's transaction, with its checkpoint. */
  rows(items: readonly T[]): RowChanges;
}

export interface ListingResult {
  listing: string;
  label: string;
  /** Pages read by this call. */
  pages: number;
  rows: number;
  /** The page this call started at when it resumed an interrupted run. */
  resumedAtPage: number | undefined;
}

/**
 * Reads a listing into the database, one transaction per page (rows and checkpoint together), so a
 * crash or an abort at any point resumes after the last committed page: no page is stored twice
 * and none is skipped. An interrupted run resumes with its own filter, so its checkpoint still fits.
 */
export async function runListing<T>(store: AppStore, spec: ListingSpec<T>, options: ListingRunOptions = {}): Promise<ListingResult> {
  const now = options.now ?? Date.now;
  const state = await store.listingState(spec.listing);
  const inProgress = state?.runStartedAt != null && state.runFilter !== null;
  let filter: Record<string, string>;
  let checkpoint: PaginationCheckpoint | undefined;
  let before = 0;
  if (inProgress) {
    filter = state.runFilter!;
    checkpoint = state.checkpoint ?? undefined;
    before = state.pagesCommitted;
  } else {
    filter = spec.filter(state?.highWater ?? null);
    await store.startRun(spec.listing, filter, now());
  }
  const resumed = checkpoint !== undefined;
  const result: ListingResult = { listing: spec.listing, label: spec.label, pages: 0, rows: 0, resumedAtPage: resumed ? before + 1 : undefined };
  let from = checkpoint === undefined ? 'start' : JSON.stringify(checkpoint);
  for await (const page of spec.open(filter, checkpoint, options.signal).pages()) {
    await store.commitPage(spec.listing, spec.rows(page.items), { checkpoint: page.checkpoint, last: page.last, now: now() });
    result.pages++;
    result.rows += page.items.length;
    options.onPage?.({ listing: spec.listing, label: spec.label, page: before + page.number, rows: page.items.length, url: page.url.toString(), from, resumed, first: result.pages === 1, last: page.last });
    from = JSON.stringify(page.checkpoint);
  }
  return result;
}
