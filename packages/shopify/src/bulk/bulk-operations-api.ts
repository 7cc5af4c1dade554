import { ConnectorError, createHttpClient, type CommonConnectorOptions, type HttpClient } from '@connectors/core';
import { throwOnUserErrors } from '../errors/shopify-user-error.ts';
import { signalOf, type ShopifyCallOptions } from '../internal/shopify-call.ts';
import { BULK_CANCEL, BULK_OPERATION_QUERY, BULK_RUN_QUERY, CURRENT_BULK_OPERATION_QUERY } from './bulk-documents.ts';
import { bulkCancelSchema, bulkNodeQuerySchema, bulkRunQuerySchema, currentBulkOperationSchema, type BulkOperation } from './bulk-schemas.ts';
import { readJsonLines, type JsonLine, type JsonLinesPosition } from './json-lines.ts';

/** Statuses after which a bulk operation never changes again. */
const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELED', 'EXPIRED']);

/** A bulk operation that ended without a result: `FAILED` (with Shopify's `errorCode`), `CANCELED` or `EXPIRED`. */
export class ShopifyBulkOperationError extends ConnectorError {
  override name = 'ShopifyBulkOperationError';
  readonly bulkOperation: BulkOperation;

  constructor(operation: string, bulkOperation: BulkOperation) {
    const detail = bulkOperation.errorCode ? ` (${bulkOperation.errorCode})` : '';
    super(`shopify ${operation}: bulk operation ${bulkOperation.id} ended ${bulkOperation.status}${detail}${bulkOperation.partialDataUrl ? '; partial data is at partialDataUrl' : ''}`, {
      connector: 'shopify',
      operation,
      // Shopify's INTERNAL_SERVER_ERROR and TIMEOUT may pass when the operation is started again; ACCESS_DENIED will not.
      retryable: bulkOperation.errorCode === 'INTERNAL_SERVER_ERROR' || bulkOperation.errorCode === 'TIMEOUT',
    });
    this.bulkOperation = bulkOperation;
  }
}

export interface BulkWaitOptions extends ShopifyCallOptions {
  /** Between two polls of the operation. Default 2 s (each poll costs 1 point). */
  pollIntervalMs?: number;
  /** Give up after this long. Default 1 hour. */
  timeoutMs?: number;
  /** Called with each polled state (progress: `objectCount`). */
  onProgress?(operation: BulkOperation): void;
}

/** Where `results()` stopped; pass it back as `checkpoint` to resume after the last line you handled. */
export interface BulkResultsCheckpoint extends JsonLinesPosition {
  url: string;
}

export interface BulkResultsOptions {
  /** Resume after this line (from `line.checkpoint` of the last line you stored). */
  checkpoint?: BulkResultsCheckpoint;
  signal?: AbortSignal;
}

/** One line of a bulk result. Nested connection nodes carry `__parentId`: the id of the line they belong to. */
export interface BulkResultLine<T = Record<string, unknown>> {
  value: T & { __parentId?: string };
  checkpoint: BulkResultsCheckpoint;
}

/** `shopify.bulkOperations`: exports of any size without paging (`read_*` scopes of what is exported). */
export interface BulkOperationsApi {
  /**
   * `mutation bulkOperationRunQuery`: starts a bulk query, e.g.
   * `{ products { edges { node { id title variants { edges { node { id sku } } } } } } }`.
   * One bulk query per shop and app at a time: a second one fails with `ShopifyUserError`.
   */
  runQuery(query: string, options?: ShopifyCallOptions): Promise<BulkOperation>;
  /** The operation by id (`node(id:)`); null when unknown. */
  get(id: string, options?: ShopifyCallOptions): Promise<BulkOperation | null>;
  /** `query currentBulkOperation(type: QUERY)`: the latest bulk query of this app on this shop. */
  current(options?: ShopifyCallOptions): Promise<BulkOperation | null>;
  /** `mutation bulkOperationCancel`. */
  cancel(id: string, options?: ShopifyCallOptions): Promise<BulkOperation>;
  /**
   * Polls until the operation is final. Resolves with it when `COMPLETED`; throws
   * `ShopifyBulkOperationError` when it `FAILED`, was `CANCELED` or `EXPIRED`. When you subscribe
   * to the `bulk_operations/finish` webhook, call `get(id)` on it instead of polling.
   */
  waitForCompletion(id: string, options?: BulkWaitOptions): Promise<BulkOperation>;
  /**
   * Streams the result file line by line in constant memory (a 1 GB file included), resumable from
   * a checkpoint with an HTTP range request. Accepts a completed operation or its `url`; an
   * operation with no objects has no file and yields nothing.
   */
  results<T = Record<string, unknown>>(source: BulkOperation | string, options?: BulkResultsOptions): AsyncGenerator<BulkResultLine<T>>;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Drops the first `count` bytes of a stream (a server that ignored the Range header sent the whole file). */
function skipBytes(stream: ReadableStream<Uint8Array>, count: number): ReadableStream<Uint8Array> {
  let left = count;
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        if (left >= chunk.length) {
          left -= chunk.length;
          return;
        }
        controller.enqueue(left > 0 ? chunk.subarray(left) : chunk);
        left = 0;
      },
    }),
  );
}

export function createBulkOperationsApi(http: HttpClient, common: CommonConnectorOptions = {}): BulkOperationsApi {
  const get = async (id: string, options?: ShopifyCallOptions) =>
    (await http.graphql({ query: BULK_OPERATION_QUERY, operationName: 'BulkOperation', variables: { id }, schema: bulkNodeQuerySchema, estimatedCost: 1, ...signalOf(options) })).node;

  // The result is a signed URL on another host (Google Cloud Storage for Shopify): it must not
  // carry the shop's access token, so it is fetched by a client of its own, without auth, that
  // keeps the connector's transport, clock, retries and events.
  const resultClients = new Map<string, HttpClient>();
  const resultClient = (origin: string) => {
    let client = resultClients.get(origin);
    if (!client) {
      client = createHttpClient({
        connector: 'shopify',
        baseUrl: origin,
        ...(common.fetch ? { fetch: common.fetch } : {}),
        ...(common.clock ? { clock: common.clock } : {}),
        ...(common.onEvent ? { onEvent: common.onEvent } : {}),
        ...(common.retry ? { retry: common.retry } : {}),
        rateLimit: false,
      });
      resultClients.set(origin, client);
    }
    return client;
  };

  return {
    async runQuery(query, options) {
      const data = await http.graphql({ query: BULK_RUN_QUERY, operationName: 'BulkOperationRunQuery', variables: { query }, schema: bulkRunQuerySchema, estimatedCost: 10, ...signalOf(options) });
      return throwOnUserErrors('bulkOperations.runQuery', data.bulkOperationRunQuery).bulkOperation!;
    },
    get,
    async current(options) {
      return (await http.graphql({ query: CURRENT_BULK_OPERATION_QUERY, operationName: 'CurrentBulkOperation', schema: currentBulkOperationSchema, estimatedCost: 1, ...signalOf(options) })).currentBulkOperation;
    },
    async cancel(id, options) {
      const data = await http.graphql({ query: BULK_CANCEL, operationName: 'BulkOperationCancel', variables: { id }, schema: bulkCancelSchema, estimatedCost: 10, ...signalOf(options) });
      return throwOnUserErrors('bulkOperations.cancel', data.bulkOperationCancel).bulkOperation!;
    },
    async waitForCompletion(id, options = {}) {
      const pollIntervalMs = options.pollIntervalMs ?? 2000;
      const timeoutMs = options.timeoutMs ?? 3_600_000;
      const started = Date.now();
      for (;;) {
        const operation = await get(id, options);
        if (!operation) throw new TypeError(`shopify bulkOperations.waitForCompletion: no bulk operation ${id} on this shop (ids look like gid://shopify/BulkOperation/123)`);
        options.onProgress?.(operation);
        if (FINAL.has(operation.status)) {
          if (operation.status === 'COMPLETED') return operation;
          throw new ShopifyBulkOperationError('bulkOperations.waitForCompletion', operation);
        }
        if (Date.now() - started + pollIntervalMs > timeoutMs) {
          throw new ConnectorError(`shopify bulkOperations.waitForCompletion: bulk operation ${id} is still ${operation.status} after ${timeoutMs} ms (timeoutMs); it keeps running at Shopify, wait again or cancel it`, {
            connector: 'shopify',
            operation: 'bulkOperations.waitForCompletion',
            retryable: true,
          });
        }
        await sleep(pollIntervalMs, options.signal);
      }
    },
    async *results<T>(source: BulkOperation | string, options: BulkResultsOptions = {}) {
      const url = typeof source === 'string' ? source : source.url;
      if (typeof source !== 'string' && source.status !== 'COMPLETED') {
        throw new TypeError(`shopify bulkOperations.results: bulk operation ${source.id} is ${source.status}; wait for COMPLETED first (waitForCompletion)`);
      }
      if (!url) return; // Shopify gives no file when the query matched nothing.
      const checkpoint = options.checkpoint;
      if (checkpoint && checkpoint.url !== url) {
        throw new TypeError('shopify bulkOperations.results: the checkpoint belongs to another result file (its url differs); resume with the same operation or start without a checkpoint');
      }
      const target = new URL(url);
      const offset = checkpoint?.byteOffset ?? 0;
      const response = await resultClient(target.origin).send({
        path: url,
        operation: 'bulkOperations.results',
        responseType: 'stream',
        ...(offset > 0 ? { headers: { range: `bytes=${offset}-` } } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      let stream = response.data as ReadableStream<Uint8Array>;
      // 206: the server sent from the offset; 200: it ignored Range and sent the whole file.
      if (offset > 0 && response.status !== 206) stream = skipBytes(stream, offset);
      const lines = readJsonLines<T & { __parentId?: string }>(stream, checkpoint ? { start: { byteOffset: checkpoint.byteOffset, line: checkpoint.line } } : {});
      for await (const line of lines as AsyncGenerator<JsonLine<T & { __parentId?: string }>>) {
        yield { value: line.value, checkpoint: { url, ...line.position } };
      }
    },
  };
}
