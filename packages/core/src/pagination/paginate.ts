import { AbortedError, PaginationError, type PaginationErrorCode } from '../errors/index.ts';
import type { PathParams, QueryParams } from '../http/build-url.ts';
import type { PageResponse, PageSource } from './page-source.ts';
import { redactUrl } from '../internal/redact.ts';
import { type InferOutput, tapInput, type Schema, type ValidationOptions } from '../validation/validate.ts';
import type { PagePosition, PageRequest, PaginationCheckpoint, PaginationStrategy, RawPage } from './pagination-strategy.ts';
import { type ItemAt, readPath } from './read-path.ts';

export interface PaginateOptions<S extends Schema | undefined = Schema | undefined, P extends string = string> {
  /** The listing's path template, relative to `baseUrl` (`/repos/{owner}/{repo}/issues`). */
  path: string;
  params?: PathParams;
  /** Sent with the first page; strategies add their own parameters (cursor, offset, limit) over it. */
  query?: QueryParams;
  headers?: Record<string, string>;
  /**
   * `POST` for listings read through a search or query endpoint (HubSpot CRM search, Notion database
   * queries). Such a read is safe to repeat, so its pages are retried like GETs. Default `GET`.
   */
  method?: 'GET' | 'POST';
  /** The request body of a `POST` listing; strategies with `in: 'body'` add their cursor and limit over it. */
  body?: Record<string, unknown>;
  /**
   * How to get from one page to the next: `cursorPagination(...)`, `linkHeaderPagination()`...
   * Default: the client's (or connector's) `listings` for this route.
   */
  pagination?: PaginationStrategy;
  /** Validates each page's body (valibot or any Standard Schema); items are typed from it. */
  schema?: S;
  /** Dotted path of the item list in the body (`data`, `results`, `response.items`). Default: the `listings` entry for this route, else the body is the list. */
  items?: P;
  /** Stop after this many items (the last page is cut short). */
  maxItems?: number;
  /** Stop after this many pages. */
  maxPages?: number;
  /** Aborts the request in flight and ends the iteration with an `AbortedError`. */
  signal?: AbortSignal;
  /** Resume after the page this checkpoint was taken from. */
  checkpoint?: PaginationCheckpoint;
  /** Fetch page N+1 while the caller processes page N. Default true. */
  prefetch?: boolean;
  /** Name for errors, events and metrics. Default `GET /path/template`. */
  operation?: string;
  /** Drift handling for these pages; default the client's. */
  validation?: ValidationOptions;
}

/** One page of a listing. */
export interface Page<T, B = unknown> {
  items: T[];
  /** The validated body. */
  data: B;
  /** 1-based, counted from where this run started (a resumed run starts at 1 again). */
  number: number;
  status: number;
  headers: Headers;
  url: URL;
  /** Save it once this page is processed; `paginate({ checkpoint })` resumes after it. */
  checkpoint: PaginationCheckpoint;
  /** No page follows this one. */
  last: boolean;
}

/**
 * A listing: iterate it with `for await` for items, or `.pages()` for pages. Each iteration is a new
 * run from `checkpoint` (or the first page). At most two pages are held at once: the one being
 * processed and the one being prefetched.
 */
export interface Paginated<T, B = unknown> extends AsyncIterable<T> {
  pages(): AsyncIterableIterator<Page<T, B>>;
  /**
   * The checkpoint after the last page the caller finished (all its items consumed, or the next page
   * asked for). Resuming from it never skips an item.
   */
  readonly checkpoint: PaginationCheckpoint | undefined;
}

/** The validated body type of a schema (the same as the client's `ResponseData`). */
type PageData<S> = S extends Schema ? InferOutput<S> : unknown;

/**
 * Reads a paginated listing through `source.send` (an `HttpClient`), so every page gets auth,
 * retries, rate limits and validation. `options.pagination` is required here; `http.paginate` fills
 * it (and `items`) from the client's `listings`.
 */
export function paginate<S extends Schema | undefined = undefined, P extends string = ''>(
  source: PageSource,
  options: PaginateOptions<S, P>,
): Paginated<ItemAt<PageData<S>, P>, PageData<S>> {
  return new PagedListing(source, options as PaginateOptions) as unknown as Paginated<ItemAt<PageData<S>, P>, PageData<S>>;
}

interface Fetched {
  raw: unknown;
  data: unknown;
  rawItems: readonly unknown[];
  items: unknown[];
  status: number;
  headers: Headers;
  url: URL;
}

/** Remembered cursors and next URLs: enough to catch a loop, bounded so a million pages stay small. */
const REMEMBERED_POSITIONS = 1000;

const noop = () => {};

class PagedListing implements Paginated<unknown> {
  readonly #client: PageSource;
  readonly #o: PaginateOptions;
  readonly #strategy: PaginationStrategy;
  readonly #operation: string;
  readonly #prefetch: boolean;
  #checkpoint: PaginationCheckpoint | undefined;

  constructor(client: PageSource, options: PaginateOptions) {
    if (!options || typeof options.path !== 'string' || options.path === '') throw new TypeError('paginate: `path` (the listing path) is required');
    const strategy = options.pagination as Partial<PaginationStrategy> | undefined;
    if (!strategy || typeof strategy.kind !== 'string' || typeof strategy.request !== 'function' || typeof strategy.next !== 'function') {
      throw new TypeError('paginate: `pagination` must be a strategy, e.g. cursorPagination({ ... }) or linkHeaderPagination(); declare `listings` on the client or connector to make one the default');
    }
    for (const name of ['maxItems', 'maxPages'] as const) {
      const value = options[name];
      if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new TypeError(`paginate: ${name} must be a positive integer; got ${String(value)}`);
    }
    if (options.items !== undefined && typeof options.items !== 'string') throw new TypeError("paginate: `items` must be a dotted path such as 'data'");
    if (options.method !== undefined && options.method !== 'GET' && options.method !== 'POST') {
      throw new TypeError(`paginate: method must be 'GET' or 'POST' (a search endpoint read with a body); got ${JSON.stringify(options.method)}`);
    }
    if (options.body !== undefined && (typeof options.body !== 'object' || options.body === null || Array.isArray(options.body))) {
      throw new TypeError('paginate: `body` must be an object; strategies add their cursor fields to it');
    }
    if (options.body !== undefined && options.method !== 'POST') throw new TypeError("paginate: a `body` needs method: 'POST'");
    this.#client = client;
    this.#o = options;
    this.#strategy = options.pagination as PaginationStrategy;
    this.#operation = options.operation ?? `${options.method ?? 'GET'} ${options.path}`;
    this.#prefetch = options.prefetch ?? true;
    this.#checkpoint = options.checkpoint;
  }

  get checkpoint(): PaginationCheckpoint | undefined {
    return this.#checkpoint;
  }

  pages(): AsyncIterableIterator<Page<unknown>> {
    return this.#pages();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<unknown> {
    for await (const page of this.#pages()) {
      for (const item of page.items) {
        this.#throwIfAborted();
        yield item;
      }
    }
  }

  async *#pages(): AsyncGenerator<Page<unknown>, void, undefined> {
    const strategy = this.#strategy;
    const start = this.#resumeFrom(this.#o.checkpoint);
    if (start === 'done') return;
    this.#throwIfAborted();
    let position = start.position;
    // Our own controller aborts the prefetch when the caller stops early; the caller's signal aborts both.
    const controller = new AbortController();
    const signal = this.#o.signal ? AbortSignal.any([this.#o.signal, controller.signal]) : controller.signal;
    const seen = new Set<string>();
    if (typeof position === 'string') seen.add(position);
    const first = this.#checkpointAt(position, false);
    let pending: Promise<Fetched> | undefined = this.#fetch(this.#requestFor(position, 0, first), signal, 1, first);
    let number = 0;
    let delivered = 0;
    let previousSignature: string | undefined;
    try {
      while (pending) {
        const fetched: Fetched = await pending;
        pending = undefined;
        number++;
        const here = this.#checkpointAt(position, false);
        const fail = (code: PaginationErrorCode, message: string): never => {
          throw this.#error(code, number, here, `page ${number}: ${message}`);
        };
        // A page identical to the one before means the API ignored our offset/page/cursor: delivering it would duplicate data.
        const signature = fetched.rawItems.length ? pageSignature(fetched.rawItems) : undefined;
        if (signature !== undefined && signature === previousSignature) {
          fail('repeated-page', `it holds the same ${fetched.rawItems.length} items as page ${number - 1}; the API seems to ignore the ${strategy.kind} parameter, so reading on would loop`);
        }
        previousSignature = signature;

        let next: PagePosition | undefined;
        let nextRequest: PageRequest | undefined;
        let problem: PaginationError | undefined;
        try {
          const rawPage: RawPage = { body: fetched.raw, items: fetched.rawItems, headers: fetched.headers, status: fetched.status, url: fetched.url, fail };
          next = strategy.next(rawPage, position);
          if (next !== undefined) {
            this.#checkAdvance(next, position, seen, fail);
            nextRequest = this.#requestFor(next, number, here);
          }
        } catch (error) {
          // The page itself is good data: deliver it, then stop with the reason.
          if (!(error instanceof PaginationError)) throw error;
          problem = error;
          next = undefined;
        }

        let items = fetched.items;
        let truncated = false;
        let stop = false;
        if (this.#o.maxItems !== undefined) {
          const room = this.#o.maxItems - delivered;
          if (items.length >= room) {
            stop = true;
            truncated = items.length > room;
            if (truncated) items = items.slice(0, room);
          }
        }
        if (this.#o.maxPages !== undefined && number >= this.#o.maxPages) stop = true;
        delivered += items.length;
        // A page cut short, or one whose successor is unknown, resumes at its own start: repeat rather than lose.
        const checkpoint = problem || truncated ? here : this.#checkpointAt(next, next === undefined);
        const more = next !== undefined && !stop;
        if (more && this.#prefetch) {
          pending = this.#fetch(nextRequest!, signal, number + 1, this.#checkpointAt(next, false));
          // Failures surface when the caller asks for that page, not as an unhandled rejection meanwhile.
          pending.catch(noop);
        }
        yield {
          items, data: fetched.data, number, status: fetched.status, headers: fetched.headers, url: fetched.url, checkpoint,
          last: next === undefined && !problem,
        };
        this.#checkpoint = checkpoint;
        if (problem) throw problem;
        this.#throwIfAborted();
        if (!more) return;
        position = next;
        pending ??= this.#fetch(nextRequest!, signal, number + 1, this.#checkpointAt(next, false));
      }
    } finally {
      controller.abort();
    }
  }

  /** `at` is where this page starts: the checkpoint a failure on it reports. */
  async #fetch(request: PageRequest, signal: AbortSignal, number: number, at: PaginationCheckpoint): Promise<Fetched> {
    const o = this.#o;
    let raw: unknown;
    // A short-lived signal per page, relayed from the listing's. The client composes the signal it is
    // given with AbortSignal.any; Node tracks every composed signal on its source and rescans that set
    // as they are collected, so one source shared by 10,000 pages costs quadratic time.
    if (request.body !== undefined && o.method !== 'POST') {
      throw new TypeError(`paginate ${this.#operation}: the ${this.#strategy.kind} strategy sends its cursor in the request body; read the listing with method: 'POST'`);
    }
    const pageAbort = new AbortController();
    const relay = () => pageAbort.abort(signal.reason);
    if (signal.aborted) relay();
    else signal.addEventListener('abort', relay, { once: true });
    let response: PageResponse;
    try {
      response = await this.#client.send({
        path: request.url ?? o.path,
        ...(request.url === undefined ? { params: o.params, query: { ...o.query, ...request.query } } : {}),
        ...(o.method === 'POST' ? { method: 'POST', idempotent: true, body: { ...o.body, ...request.body } } : {}),
        ...(o.headers ? { headers: o.headers } : {}),
        ...(o.validation ? { validation: o.validation } : {}),
        schema: tapInput(o.schema, (input) => {
          raw = input;
        }),
        signal: pageAbort.signal,
        operation: this.#operation,
        route: o.path,
        responseType: 'json',
      });
    } finally {
      signal.removeEventListener('abort', relay);
    }
    const fetched: Fetched = { raw, data: response.data, rawItems: [], items: [], status: response.status, headers: response.headers, url: response.url };
    const fail = (code: PaginationErrorCode, message: string): never => {
      throw this.#error(code, number, at, `page ${number}: ${message}`);
    };
    fetched.rawItems = this.#items(fetched, 'raw', fail);
    fetched.items = raw === response.data ? (fetched.rawItems as unknown[]) : this.#items(fetched, 'validated', fail);
    return fetched;
  }

  /** The item list at `items`; an empty body is an empty page, a missing list is a configuration error. */
  #items(fetched: Fetched, which: 'raw' | 'validated', fail: (code: PaginationErrorCode, message: string) => never): unknown[] {
    const body = which === 'raw' ? fetched.raw : fetched.data;
    if (body === undefined || body === null) return [];
    const path = this.#o.items ?? '';
    const list = readPath(body, path);
    if (Array.isArray(list)) return list;
    if (list === null) return [];
    const where = path ? `\`${path}\`` : 'the body';
    const found = list === undefined ? 'nothing' : typeof list;
    return fail(
      'invalid-page',
      which === 'raw'
        ? `expected the item list at ${where}, found ${found}; set \`items\` to the path of the list (e.g. 'data')`
        : `the schema's output has ${found} at ${where} where the raw page has a list; the schema must keep the list at \`items\``,
    );
  }

  #checkAdvance(next: PagePosition, position: PagePosition | undefined, seen: Set<string>, fail: (code: PaginationErrorCode, message: string) => never): void {
    if (typeof next === 'string') {
      if (seen.has(next)) {
        fail('repeated-position', `the API returned ${describePosition(next)} again, which was already read; following it would loop forever`);
      }
      seen.add(next);
      if (seen.size > REMEMBERED_POSITIONS) seen.delete(seen.values().next().value as string);
      return;
    }
    if (typeof next !== 'number' || !Number.isFinite(next)) {
      throw new TypeError(`paginate: the ${this.#strategy.kind} strategy returned ${String(next)} as the next position; expected a string, a number or undefined`);
    }
    if (typeof position === 'number' && next <= position) {
      fail('repeated-position', `the next ${this.#strategy.kind} position ${next} does not advance past ${position}; following it would loop forever`);
    }
  }

  /** Builds a page request and refuses next URLs on another origin: credentials only go where the client was configured to send them. */
  #requestFor(position: PagePosition | undefined, page: number, checkpoint: PaginationCheckpoint | undefined): PageRequest {
    const request = this.#strategy.request(position);
    if (request.url === undefined) return request;
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw this.#error('invalid-page', page, checkpoint, 'the next page URL is not an absolute URL');
    }
    if (!this.#client.isSameOrigin(url)) {
      throw this.#error(
        'foreign-origin',
        page,
        checkpoint,
        `the next page is on ${url.origin}, not on ${new URL(this.#client.baseUrl).origin}; refusing to send credentials there`,
      );
    }
    return request;
  }

  #resumeFrom(checkpoint: PaginationCheckpoint | undefined): 'done' | { position: PagePosition | undefined } {
    if (checkpoint === undefined) return { position: undefined };
    const kind = this.#strategy.kind;
    const valid =
      checkpoint !== null &&
      typeof checkpoint === 'object' &&
      typeof checkpoint.done === 'boolean' &&
      (checkpoint.next === undefined || typeof checkpoint.next === 'string' || typeof checkpoint.next === 'number');
    if (!valid) throw this.#error('invalid-checkpoint', 0, undefined, 'the checkpoint is not one that paginate wrote ({ strategy, path, next, done })');
    if (checkpoint.strategy !== kind || checkpoint.path !== this.#o.path) {
      throw this.#error(
        'invalid-checkpoint',
        0,
        undefined,
        `the checkpoint belongs to a ${checkpoint.strategy} listing of ${checkpoint.path}, not to this ${kind} listing of ${this.#o.path}`,
      );
    }
    return checkpoint.done ? 'done' : { position: checkpoint.next };
  }

  #checkpointAt(position: PagePosition | undefined, done: boolean): PaginationCheckpoint {
    const checkpoint: PaginationCheckpoint = { strategy: this.#strategy.kind, path: this.#o.path, done };
    if (!done && position !== undefined) checkpoint.next = position;
    return checkpoint;
  }

  #error(code: PaginationErrorCode, page: number, checkpoint: PaginationCheckpoint | undefined, message: string): PaginationError {
    return new PaginationError(`${this.#client.connector} ${this.#operation}: ${message}`, {
      connector: this.#client.connector, operation: this.#operation, code, page, ...(checkpoint ? { checkpoint } : {}),
    });
  }

  #throwIfAborted(): void {
    const signal = this.#o.signal;
    if (signal?.aborted) {
      throw new AbortedError(`${this.#client.connector} ${this.#operation}: aborted by the caller`, {
        connector: this.#client.connector, operation: this.#operation, cause: signal.reason,
      });
    }
  }
}

/** First and last item plus the count: cheap, and two different pages practically never share all three. */
function pageSignature(items: readonly unknown[]): string | undefined {
  try {
    return `${items.length}\0${JSON.stringify(items[0])}\0${JSON.stringify(items.at(-1))}`;
  } catch {
    return undefined;
  }
}

/** Names a cursor or next URL without putting secrets (signed query values) into an error. */
function describePosition(position: string): string {
  if (/^https?:\/\//i.test(position)) {
    try {
      return `the next URL ${redactUrl(new URL(position))}`;
    } catch {
      // not a URL after all
    }
  }
  return `the cursor ${JSON.stringify(position.length > 60 ? `${position.slice(0, 60)}…` : position)}`;
}
