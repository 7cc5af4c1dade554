import { codeOf, GraphQLError, type GraphQLErrorEntry } from '../errors/graphql-error.ts';
import { RateLimitError } from '../errors/rate-limit-error.ts';
import type { EventInput } from '../http/events.ts';
import type { InspectedResponse, ResponseCheck, ResponseVerdict } from '../http/response-check.ts';
import type { HttpResponse, RequestOptions, ResponseData } from '../http/types.ts';
import type { Clock } from '../internal/clock.ts';
import type { Schema, ValidationOptions } from '../validation/validate.ts';
import { createCostPacer } from './cost-pacer.ts';
import type { CostAdmission, CostPacer, CostState, CostTicket, GraphQLClientOptions, GraphQLCostReader } from './graphql-types.ts';

/** One GraphQL operation, sent through the same pipeline as every other call. */
export interface GraphQLRequestOptions<S extends Schema | undefined = Schema | undefined> {
  query: string;
  variables?: Record<string, unknown>;
  /** Sent as `operationName`, and the call's name in events, logs and metrics (else the name in `query`, else `graphql`). */
  operationName?: string;
  /** Validates `data`; the result is typed from it. */
  schema?: S;
  /** Overrides the client's `graphql.path` for this call. */
  path?: string;
  /**
   * When the response has both `data` and `errors` (some fields failed): `throw` (default) a
   * `GraphQLError` carrying `partialData`; `return` the data and emit a `graphql-partial` event.
   * Auth and throttling errors always throw, whatever this says.
   */
  partial?: 'throw' | 'return';
  signal?: AbortSignal;
  /** The cost to reserve before sending, when you know it better than the last report of this operation. */
  estimatedCost?: number;
  headers?: Record<string, string>;
  validation?: ValidationOptions;
  /** `false` skips the client's rate limits (not the cost pacing). */
  rateLimit?: false;
}

/** What the GraphQL runner needs of the client. */
export interface GraphQLHost {
  readonly connector: string;
  readonly clock: Clock;
  send(options: RequestOptions): Promise<HttpResponse<unknown>>;
  validate(schema: Schema, data: unknown, operation: string, validation: ValidationOptions | undefined): Promise<unknown>;
  emit(event: EventInput): void;
  /** The client's rate-limit wait bound (`rateLimit.maxWaitMs`). */
  readonly maxWaitMs: number;
}

const MUTATION = /^\s*(?:#[^\n]*\n\s*)*mutation\b/;
const OPERATION_NAME = /^\s*(?:#[^\n]*\n\s*)*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/;

/** Codes the default classification knows (Shopify, GitHub, Apollo and most GraphQL servers). */
const THROTTLED = new Set(['THROTTLED', 'RATE_LIMITED', 'RATE_LIMIT_EXCEEDED', 'TOO_MANY_REQUESTS']);
const UNAUTHENTICATED = new Set(['UNAUTHENTICATED', 'UNAUTHORIZED', 'INVALID_TOKEN']);
const FORBIDDEN = new Set(['FORBIDDEN', 'ACCESS_DENIED', 'INSUFFICIENT_SCOPES']);
const TRANSIENT = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'TIMEOUT', 'INTERNAL_ERROR']);

/**
 * The default reading of a GraphQL `errors` array, by the first error that has a code:
 * `THROTTLED`/`RATE_LIMITED` -> rate-limited (wait from the cost state when known),
 * `UNAUTHENTICATED` -> auth rejected, `FORBIDDEN`/`ACCESS_DENIED` -> insufficient scope,
 * `INTERNAL_SERVER_ERROR`/`TIMEOUT` -> retryable (never marked not-applied), anything else permanent.
 */
export function classifyGraphQLErrors(errors: readonly GraphQLErrorEntry[], cost: CostState | undefined, now: number): ResponseVerdict {
  const entry = errors.find((e) => codeOf(e) !== undefined) ?? errors[0];
  const code = entry ? codeOf(entry) : undefined;
  const described = { ...(code ? { providerCode: code } : {}), ...(entry?.message ? { message: entry.message } : {}) };
  if (code && THROTTLED.has(code)) {
    let retryAfterMs: number | undefined;
    if (cost?.kind === 'leaky-bucket' && cost.restoreRate > 0) {
      retryAfterMs = Math.max(0, Math.ceil((((cost.requestedCost ?? 1) - cost.available) / cost.restoreRate) * 1000));
    } else if (cost?.kind === 'window') {
      retryAfterMs = Math.max(0, cost.resetAt.getTime() - now);
    }
    // A throttled operation was refused before execution (Shopify: "the request was not processed").
    return { kind: 'rate-limited', notApplied: true, ...described, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  if (code && UNAUTHENTICATED.has(code)) return { kind: 'auth', code: 'rejected', ...described };
  if (code && FORBIDDEN.has(code)) return { kind: 'auth', code: 'insufficient-scope', ...described };
  if (code && TRANSIENT.has(code)) return { kind: 'retryable', ...described };
  return { kind: 'permanent', ...described };
}

/** A call's place on its cost bucket, from being let through to its report. */
interface Pass {
  readonly ticket: CostTicket;
  /** A final report of this call was handed to the pacer (else its ticket is released when the call ends). */
  reported: boolean;
  /** Lets the calls waiting for the bucket's first report go (once); set on the call that measures a bucket. */
  probe: (() => void) | undefined;
}

/** A call waiting its turn on a cost bucket. */
interface Waiter {
  readonly cost: number;
  readonly operation: string;
  /** Epoch ms past which it gives up (`rateLimit.maxWaitMs` after it started waiting). */
  readonly deadline: number;
  resolve(ticket: CostTicket): void;
  reject(error: unknown): void;
}

/** The calls of this client waiting on one bucket, first come first served: only the first asks the pacer. */
interface Line {
  readonly waiters: Waiter[];
  pumping: boolean;
  /** A call is asking the pacer outside the line (nobody was waiting when it came). */
  asking: boolean;
  /** Ends the current wait early (a report arrived, or the first waiter left). */
  wake: (() => void) | undefined;
  /** When the current wait ends. */
  until: number;
}

/** Runs `http.graphql` and `http.graphqlPaginate` pages for one client. */
export class GraphQLRunner {
  readonly #host: GraphQLHost;
  readonly #options: GraphQLClientOptions;
  readonly #pacer: CostPacer | undefined;
  /** The last cost reported per operation: the estimate for its next call. */
  readonly #lastCost = new Map<string, number>();
  /** The last refill rate reported per bucket (leaky buckets), to tell a queued call how long it may wait. */
  readonly #restoreRate = new Map<string, number>();
  readonly #lines = new Map<string, Line>();
  /** Buckets a report was read for. Until then one call goes alone, and the others wait for its report. */
  readonly #known = new Set<string>();
  readonly #firstReport = new Map<string, Promise<void>>();
  /** Per bucket: when the last call refused for lack of points is due to be sent again. */
  readonly #retryAt = new Map<string, number>();

  constructor(host: GraphQLHost, options: GraphQLClientOptions = {}) {
    this.#host = host;
    this.#options = options;
    this.#pacer = options.cost ? (options.pacer ?? createCostPacer(host.clock)) : undefined;
  }

  /** The operation name events use: `operationName`, else the name in the document, else `graphql`. */
  operationOf(query: string, operationName?: string): string {
    return operationName ?? OPERATION_NAME.exec(query)?.[1] ?? 'graphql';
  }

  async run<S extends Schema | undefined>(request: GraphQLRequestOptions<S>): Promise<ResponseData<S>> {
    return (await this.send(request)).data as ResponseData<S>;
  }

  /** One operation; `data` is the validated `data` of the response. */
  async send(request: GraphQLRequestOptions): Promise<{ data: unknown; status: number; headers: Headers; url: URL }> {
    if (!request || typeof request.query !== 'string' || request.query.trim() === '') {
      throw new TypeError(`${this.#host.connector}.graphql: \`query\` (the GraphQL document) is required`);
    }
    const operation = this.operationOf(request.query, request.operationName);
    const reader = this.#options.cost;
    const bucket = reader ? (reader.bucket?.({ operation, variables: request.variables }) ?? 'default') : 'default';
    const pass = this.#pacer ? await this.#pace(bucket, operation, request) : undefined;
    try {
      return await this.#sendPaced(request, operation, bucket, reader, pass);
    } finally {
      if (pass) this.#end(pass);
    }
  }

  async #sendPaced(
    request: GraphQLRequestOptions,
    operation: string,
    bucket: string,
    reader: GraphQLCostReader | undefined,
    pass: Pass | undefined,
  ): Promise<{ data: unknown; status: number; headers: Headers; url: URL }> {
    const host = this.#host;
    const partial = request.partial ?? 'throw';
    let cost: CostState | undefined;
    const verdictOf = (body: object, response: InspectedResponse): ResponseVerdict | undefined => {
      const { errors, data } = body as { errors?: unknown; data?: unknown };
      if (!Array.isArray(errors) || errors.length === 0) return response.status >= 200 && response.status < 300 ? { kind: 'success' } : undefined;
      const entries = errors.map(toEntry);
      const verdict = this.#options.classify?.(entries, response) ?? classifyGraphQLErrors(entries, cost, host.clock.now());
      if (verdict.kind !== 'permanent') return verdict;
      const hasData = data !== null && data !== undefined;
      if (hasData && partial === 'return') {
        host.emit({ type: 'graphql-partial', operation, errors: entries.length, codes: [...new Set(entries.map(codeOf).filter((c): c is string => c !== undefined))] });
        return { kind: 'success' };
      }
      return { kind: 'error', error: this.#error(entries, response, verdict, hasData ? data : undefined) };
    };
    const check: ResponseCheck = (response) => {
      const body = response.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        // A 2xx that is not a GraphQL result (an HTML login page, a proxy's text) must not pass as empty data.
        return response.status >= 200 && response.status < 300 ? { kind: 'permanent', message: 'the response is not a GraphQL result (a JSON object with data or errors)' } : undefined;
      }
      cost = reader?.read(body, response.headers);
      let verdict = verdictOf(body, response);
      if (verdict?.kind === 'rate-limited' && cost?.kind === 'leaky-bucket' && cost.restoreRate > 0) {
        verdict = { ...verdict, retryAfterMs: this.#retrySlot(bucket, cost, cost.requestedCost ?? request.estimatedCost ?? 1) };
      }
      // A call that may be sent again (throttled: not run; a transient error) keeps its points in flight until that answer.
      if (cost) this.#observe(bucket, operation, cost, pass, verdict?.kind === 'rate-limited' || verdict?.kind === 'retryable');
      return verdict;
    };

    const response = await host.send({
      method: 'POST',
      path: request.path ?? this.#options.path ?? '',
      body: { query: request.query, ...(request.variables ? { variables: request.variables } : {}), ...(request.operationName ? { operationName: request.operationName } : {}) },
      // A query is a read, safe to repeat; a mutation is not (unless not applied, e.g. throttled).
      idempotent: !MUTATION.test(request.query),
      operation,
      route: request.path ?? this.#options.path ?? '',
      responseType: 'json',
      responseCheck: check,
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.headers ? { headers: request.headers } : {}),
      ...(request.rateLimit === false ? { rateLimit: false } : {}),
    });
    const raw = (response.data as { data?: unknown } | undefined)?.data;
    const data = request.schema ? await host.validate(request.schema, raw, operation, request.validation) : raw;
    return { data, status: response.status, headers: response.headers, url: response.url };
  }

  /**
   * How long a call refused for lack of points (THROTTLED) waits before it is sent again. Alone, until
   * the bucket holds its cost; behind other refused calls of the bucket, also until the refill has paid
   * for theirs. Calls refused together (another app on the same shop drained the bucket) would otherwise
   * all come back the moment one of them fits, and all but one be refused again, until they ran out of
   * attempts.
   */
  #retrySlot(bucket: string, cost: Extract<CostState, { kind: 'leaky-bucket' }>, needed: number): number {
    const now = this.#host.clock.now();
    const alone = now + Math.max(0, Math.ceil(((needed - cost.available) / cost.restoreRate) * 1000));
    const behind = (this.#retryAt.get(bucket) ?? 0) + Math.ceil((needed / cost.restoreRate) * 1000);
    const at = Math.max(alone, behind);
    this.#retryAt.set(bucket, at);
    return at - now;
  }

  async #pace(bucket: string, operation: string, request: GraphQLRequestOptions): Promise<Pass> {
    // The first call on a bucket finds out its size; the calls behind it wait for that report
    // instead of all going at once into a bucket nobody has measured yet.
    let probe: (() => void) | undefined;
    while (!this.#known.has(bucket)) {
      const first = this.#firstReport.get(bucket);
      if (!first) {
        let done!: () => void;
        this.#firstReport.set(bucket, new Promise<void>((resolve) => (done = resolve)));
        probe = () => {
          this.#firstReport.delete(bucket);
          done();
        };
        break;
      }
      await first;
    }
    const cost = request.estimatedCost ?? this.#lastCost.get(operation) ?? this.#options.defaultCost ?? 1;
    try {
      return { ticket: await this.#admit(bucket, operation, cost, request.signal), reported: false, probe };
    } catch (error) {
      probe?.();
      throw error;
    }
  }

  /**
   * A ticket from the pacer for this call. Calls of this client wait in line per bucket and only the
   * first asks the pacer, again each time its wait ends (or a report on the bucket arrives): a call
   * that wakes late is weighed against the bucket as it is then, not as it was when it started waiting.
   */
  async #admit(bucket: string, operation: string, cost: number, signal: AbortSignal | undefined): Promise<CostTicket> {
    const host = this.#host;
    const line = this.#lineOf(bucket);
    let firstWait: number | undefined;
    if (line.waiters.length === 0 && !line.pumping && !line.asking) {
      // Nobody waiting: ask at once (the calls arriving meanwhile queue instead of asking too).
      line.asking = true;
      let admission: CostAdmission;
      try {
        admission = await this.#pacer!.reserve(bucket, cost);
      } finally {
        line.asking = false;
        if (line.waiters.length > 0) void this.#pump(bucket, line, undefined);
      }
      if (admission.ticket) return admission.ticket;
      firstWait = admission.waitMs;
    }
    signal?.throwIfAborted();
    const now = host.clock.now();
    // How long until its turn: the wait of the first in line, then each call before it (and its own) at the refill rate.
    let expected = firstWait;
    if (expected === undefined || line.waiters.length > 0) {
      const rate = this.#restoreRate.get(bucket);
      const behind = line.waiters.slice(1).reduce((sum, w) => sum + w.cost, 0) + cost;
      expected = Math.max(0, line.until - now) + (rate ? Math.ceil((behind / rate) * 1000) : 0);
    }
    if (expected > host.maxWaitMs) throw this.#tooLong(operation, cost, expected);
    host.emit({ type: 'throttled', operation, waitMs: expected, reason: 'graphql-cost' });
    return new Promise<CostTicket>((resolve, reject) => {
      const onAbort = () => {
        const at = line.waiters.indexOf(waiter);
        if (at < 0) return;
        line.waiters.splice(at, 1);
        if (at === 0) line.wake?.();
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        cost,
        operation,
        deadline: now + host.maxWaitMs,
        resolve: (ticket) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(ticket);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      line.waiters.push(waiter);
      if (!line.asking) void this.#pump(bucket, line, line.waiters[0] === waiter ? firstWait : undefined);
    });
  }

  /** Serves a bucket's line until it is empty. */
  async #pump(bucket: string, line: Line, firstWait: number | undefined): Promise<void> {
    if (line.pumping) return;
    line.pumping = true;
    const host = this.#host;
    let waitMs = firstWait;
    try {
      while (line.waiters.length > 0) {
        const head = line.waiters[0]!;
        if (waitMs === undefined) {
          let admission: CostAdmission;
          try {
            admission = await this.#pacer!.reserve(bucket, head.cost);
          } catch (error) {
            this.#leave(line, head)?.reject(error);
            continue;
          }
          if (admission.ticket) {
            // Let through after it left (aborted): the call is not sent, so its points are not spent.
            if (this.#leave(line, head)) head.resolve(admission.ticket);
            else this.#release(admission.ticket);
            continue;
          }
          waitMs = admission.waitMs;
        }
        if (line.waiters[0] !== head) {
          waitMs = undefined;
          continue;
        }
        // At least a millisecond: a pacer that says "wait 0" without a ticket must not spin the event loop.
        waitMs = Math.max(1, waitMs);
        const now = host.clock.now();
        if (now + waitMs > head.deadline) {
          this.#leave(line, head)?.reject(this.#tooLong(head.operation, head.cost, waitMs));
          waitMs = undefined;
          continue;
        }
        const woken = new AbortController();
        line.wake = () => woken.abort();
        line.until = now + waitMs;
        await host.clock.sleep(waitMs, woken.signal).catch(() => undefined);
        line.wake = undefined;
        line.until = 0;
        waitMs = undefined;
      }
    } finally {
      line.pumping = false;
    }
  }

  #lineOf(bucket: string): Line {
    let line = this.#lines.get(bucket);
    if (!line) this.#lines.set(bucket, (line = { waiters: [], pumping: false, asking: false, wake: undefined, until: 0 }));
    return line;
  }

  /** Takes `waiter` out of the line; undefined when it had left already. */
  #leave(line: Line, waiter: Waiter): Waiter | undefined {
    const at = line.waiters.indexOf(waiter);
    if (at < 0) return undefined;
    line.waiters.splice(at, 1);
    return waiter;
  }

  #tooLong(operation: string, cost: number, waitMs: number): RateLimitError {
    const host = this.#host;
    const retryAt = new Date(host.clock.now() + waitMs);
    return new RateLimitError(
      `${host.connector} ${operation}: the GraphQL cost budget needs ${Math.ceil(waitMs / 1000)} s to afford this call (cost ${cost}), longer than rateLimit.maxWaitMs (${host.maxWaitMs} ms); it was not sent. Try again after ${retryAt.toISOString()}`,
      { connector: host.connector, operation, retryable: true, retryAt, reason: 'the GraphQL cost budget is spent' },
    );
  }

  #observe(bucket: string, operation: string, cost: CostState, pass: Pass | undefined, retrying: boolean): void {
    this.#known.add(bucket);
    if (cost.kind === 'leaky-bucket') this.#restoreRate.set(bucket, cost.restoreRate);
    // A leaky bucket (Shopify) charges the *requested* cost up front and refunds the rest after the
    // query ran: the next call of this operation needs its requested cost available, not its actual.
    const spent = cost.kind === 'leaky-bucket' ? (cost.requestedCost ?? cost.actualCost) : cost.cost;
    if (spent !== undefined && spent > 0) this.#lastCost.set(operation, spent);
    if (!pass) return;
    if (!retrying) pass.reported = true;
    // A shared pacer that cannot be reached must not fail the call that already succeeded.
    Promise.resolve()
      .then(() => this.#pacer?.observe(pass.ticket, cost, retrying ? { retrying } : undefined))
      .catch(() => {})
      .finally(() => {
        this.#settle(pass);
        // The first in line looks again now rather than at the end of its wait.
        this.#lines.get(bucket)?.wake?.();
      });
  }

  /** The call is over: a ticket no final report was read for is released; waiters for a first report go. */
  #end(pass: Pass): void {
    if (!pass.reported) {
      pass.reported = true;
      this.#release(pass.ticket);
    }
    // Waiters for the first report are woken by the report itself (once the pacer has it), or here when none came.
    if (!this.#known.has(pass.ticket.bucket)) this.#settle(pass);
  }

  #settle(pass: Pass): void {
    pass.probe?.();
    pass.probe = undefined;
  }

  #release(ticket: CostTicket): void {
    Promise.resolve()
      .then(() => this.#pacer?.release(ticket))
      .catch(() => {});
  }

  #error(entries: readonly GraphQLErrorEntry[], response: InspectedResponse, verdict: Extract<ResponseVerdict, { kind: 'permanent' }>, partialData: unknown): GraphQLError {
    const first = entries[0]!;
    const more = entries.length > 1 ? ` (and ${entries.length - 1} more)` : '';
    return new GraphQLError(
      `${this.#host.connector} ${response.operation}: GraphQL error${verdict.providerCode ? ` ${verdict.providerCode}` : ''}: ${first.message}${first.path ? ` at ${first.path.join('.')}` : ''}${more}`,
      {
        connector: this.#host.connector, operation: response.operation, retryable: false, errors: entries, status: response.status,
        reason: partialData === undefined ? 'the operation failed: the same request would fail again' : 'some fields failed (partial: throw); the data that resolved is in partialData',
        ...(verdict.providerCode ? { providerCode: verdict.providerCode } : {}), ...(response.requestId ? { requestId: response.requestId } : {}),
        ...(partialData !== undefined ? { partialData } : {}),
      },
    );
  }
}

function toEntry(value: unknown): GraphQLErrorEntry {
  if (typeof value === 'object' && value !== null) {
    const entry = value as GraphQLErrorEntry;
    return typeof entry.message === 'string' ? entry : { ...entry, message: String(entry.message ?? 'unknown GraphQL error') };
  }
  return { message: String(value) };
}
