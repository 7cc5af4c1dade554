import type { IncomingMessage, ServerResponse } from 'node:http';
import { isConnectorError } from '@connectors/core';
import type { WebhookScheme, WebhookSecret } from '../schemes/webhook-scheme.ts';
import { eventKey, type InboxStore } from '../stores/inbox-store.ts';
import { storeTimeout, withStoreTimeout } from '../stores/store-timeout.ts';
import { headerGetter, headersToRecord, type HeadersInput } from '../verify/headers.ts';
import type { VerificationFailureReason } from '../verify/verify-result.ts';
import { resolveSecrets, resolveTolerance, verifyNormalised } from '../verify/verify-webhook.ts';
import { arrivedWhileClosing, lingerThenClose } from './linger-then-close.ts';
import { readNodeBody, readWebBody } from './read-body.ts';

/** One provider endpoint of the inbox. */
export interface WebhookSource {
  scheme: WebhookScheme;
  secret?: WebhookSecret;
  /** Several secrets during a rotation; any one may match. */
  secrets?: readonly WebhookSecret[];
  /** Allowed clock difference for signed timestamps, both directions. Default 300 s. */
  toleranceSec?: number;
  /** Larger bodies are answered 413 without being read further. Default 5 MiB (GitHub caps payloads at 25 MB: raise it there). */
  maxBodyBytes?: number;
}

/** Everything the inbox reports, for logs and metrics. Never carries a body, a signature or a secret. */
export type WebhookInboxEvent =
  | { type: 'stored'; time: number; source: string; key: string; eventType: string | undefined; secretIndex: number }
  | { type: 'duplicate'; time: number; source: string; key: string }
  | { type: 'rejected'; time: number; source: string; status: number; reason: VerificationFailureReason | 'too-large' }
  | { type: 'handshake'; time: number; source: string }
  | { type: 'store-failed'; time: number; source: string; key: string; error: string };

export interface WebhookInboxOptions {
  store: InboxStore;
  /** Endpoint name (letters, digits, `_`, `-`, `.`) to its scheme and secrets. The name is the last path segment. */
  sources: Record<string, WebhookSource>;
  /** The path the sources live under when routing by path. Default `/webhooks` (so `/webhooks/github`). */
  basePath?: string;
  /**
   * The public origin providers call, e.g. `https://hooks.example.com`, for schemes that sign the URL
   * (HubSpot v3). Default: rebuilt from `X-Forwarded-Proto`/`X-Forwarded-Host`, then `Host`.
   */
  publicBaseUrl?: string;
  onEvent?: (event: WebhookInboxEvent) => void;
  /**
   * The longest a delivery waits for the store's durable write; past it the inbox answers 503 with
   * `Retry-After` and the provider delivers again. Default 2000 ms: below the strictest provider's
   * timeout (Slack waits 3 s; Shopify 5 s, GitHub 10 s), so the provider sees the 503 instead of
   * counting a timeout. A write that completes after the 503 is kept: the redelivery is a duplicate.
   */
  storeTimeoutMs?: number;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
}

/** The answer to one delivery, independent of the HTTP framework. */
export interface InboxResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  outcome: 'stored' | 'duplicate' | 'handshake' | 'rejected' | 'too-large' | 'unavailable' | 'not-found' | 'method-not-allowed' | 'body-consumed';
}

/** A delivery already read by your framework (raw bytes). */
export interface InboxDelivery {
  source: string;
  body: Buffer;
  headers: HeadersInput;
  /** Needed by schemes that sign the request line. Default `POST`. */
  method?: string;
  /** The full public URL, needed by schemes that sign it. */
  url?: string;
}

export interface WebhookInbox {
  readonly store: InboxStore;
  /**
   * Handles a Web `Request` (Bun, Deno, Hono, Next.js route handlers, Cloudflare-style runtimes).
   * The source is `options.source`, or the path segment after `basePath`.
   */
  fetch(request: Request, options?: { source?: string }): Promise<Response>;
  /** A `(req, res)` handler for `node:http` (and Express/Fastify raw routes). Reads the body itself: mount it before any body parser. */
  nodeHandler(options?: { source?: string }): (req: IncomingMessage, res: ServerResponse) => void;
  /** Verify, dedupe and persist a delivery whose raw body you already have. */
  receive(delivery: InboxDelivery): Promise<InboxResponse>;
  /** Listens to inbox events (the worker uses this to wake up as soon as an event is stored). Returns an unsubscribe function. */
  subscribe(listener: (event: WebhookInboxEvent) => void): () => void;
}

interface ResolvedSource {
  name: string;
  scheme: WebhookScheme;
  secrets: readonly WebhookSecret[];
  toleranceSec: number;
  maxBodyBytes: number;
}

const SOURCE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Below Slack's 3 s, the shortest webhook timeout among the providers this package verifies. */
const DEFAULT_STORE_TIMEOUT_MS = 2000;
const JSON_HEADERS = { 'content-type': 'application/json' } as const;
const STORED_BODY = '{"status":"stored"}';
const DUPLICATE_BODY = '{"status":"duplicate"}';
// The answer to nearly every request, as a raw header list Node writes without iterating an object.
const STORED_HEADERS = ['content-type', 'application/json', 'content-length', String(STORED_BODY.length)];

function jsonResponse(status: number, outcome: InboxResponse['outcome'], body: unknown, extra?: Record<string, string>): InboxResponse {
  return { status, outcome, headers: extra ? { ...JSON_HEADERS, ...extra } : JSON_HEADERS, body: JSON.stringify(body) };
}

function first(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v?.split(',')[0]?.trim() || undefined;
}

/**
 * The receiving end of webhooks: verify, dedupe, persist durably, and only then answer 2xx.
 * - 413 for a body over the limit (Content-Length checked first; reading stops at the limit);
 * - 401 with the reason when the signature, timestamp or id check fails (nothing stored);
 * - 200 once the event is durable; 200 for a duplicate too (stored once);
 * - 503 with `Retry-After` when the store fails or does not answer within `storeTimeoutMs`, so the
 *   provider retries: never 2xx without a durable write.
 * Processing happens later, in `createWebhookWorker`.
 */
export function createWebhookInbox(options: WebhookInboxOptions): WebhookInbox {
  if (options.store == null) throw new TypeError('createWebhookInbox: `store` is required (sqliteInboxStore from @connectors/webhooks/sqlite, or redisInboxStore from @connectors/webhooks/redis).');
  const sources = new Map<string, ResolvedSource>();
  for (const [name, source] of Object.entries(options.sources ?? {})) {
    const where = `createWebhookInbox: source "${name}"`;
    if (!SOURCE_NAME.test(name)) throw new TypeError(`${where}: names are 1-64 letters, digits, "_", "-" or "." (they are URL segments and key prefixes).`);
    if (source?.scheme == null || typeof source.scheme.verify !== 'function') throw new TypeError(`${where}: \`scheme\` is required, e.g. githubScheme.`);
    const maxBodyBytes = source.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) throw new TypeError(`${where}: maxBodyBytes must be a whole number of bytes >= 1; got ${String(source.maxBodyBytes)}.`);
    sources.set(name, { name, scheme: source.scheme, secrets: resolveSecrets(source, where), toleranceSec: resolveTolerance(source.toleranceSec, where), maxBodyBytes });
  }
  if (sources.size === 0) throw new TypeError('createWebhookInbox: configure at least one source, e.g. { github: { scheme: githubScheme, secret } }.');
  const store = options.store;
  const basePath = `/${(options.basePath ?? '/webhooks').replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
  const publicBaseUrl = options.publicBaseUrl?.replace(/\/+$/, '');
  const now = options.now ?? Date.now;
  const storeTimeoutMs = storeTimeout(options.storeTimeoutMs, DEFAULT_STORE_TIMEOUT_MS, 'createWebhookInbox');
  const listeners = new Set<(event: WebhookInboxEvent) => void>();
  if (options.onEvent) listeners.add(options.onEvent);

  function emit(event: WebhookInboxEvent): void {
    if (listeners.size === 0) return;
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must not change the answer to the provider.
      }
    }
  }

  function sourceFromPath(pathAndQuery: string): string | undefined {
    const q = pathAndQuery.indexOf('?');
    const path = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
    if (!path.startsWith(basePath)) return undefined;
    const rest = path.slice(basePath.length).replace(/\/$/, '');
    return rest === '' || rest.includes('/') ? undefined : decodeURIComponent(rest);
  }

  function tooLarge(source: ResolvedSource): InboxResponse {
    emit({ type: 'rejected', time: now(), source: source.name, status: 413, reason: 'too-large' });
    return jsonResponse(413, 'too-large', { error: 'too-large', message: `The body is larger than ${source.maxBodyBytes} bytes.` }, { connection: 'close' });
  }

  function preflight(sourceName: string | undefined, method: string | undefined): ResolvedSource | InboxResponse {
    const source = sourceName === undefined ? undefined : sources.get(sourceName);
    if (source === undefined) return jsonResponse(404, 'not-found', { error: 'not-found', message: 'No webhook source at this path.' });
    if (method !== undefined && method !== 'POST') return jsonResponse(405, 'method-not-allowed', { error: 'method-not-allowed', message: 'Webhooks are POSTed.' }, { allow: 'POST' });
    return source;
  }

  async function receiveFrom(source: ResolvedSource, delivery: Omit<InboxDelivery, 'source'>): Promise<InboxResponse> {
    if (delivery.body.length > source.maxBodyBytes) return tooLarge(source);
    const header = headerGetter(delivery.headers);
    const request = { body: delivery.body, header, method: (delivery.method ?? 'POST').toUpperCase(), url: delivery.url };
    const receivedAt = now();
    const verified = verifyNormalised(source.scheme, request, { secrets: source.secrets, toleranceSec: source.toleranceSec, nowMs: receivedAt });
    if (!verified.ok) {
      emit({ type: 'rejected', time: receivedAt, source: source.name, status: 401, reason: verified.reason });
      return jsonResponse(401, 'rejected', { error: verified.reason, message: verified.message });
    }
    const handshake = source.scheme.handshake?.(request);
    if (handshake !== undefined) {
      emit({ type: 'handshake', time: receivedAt, source: source.name });
      return { ...handshake, outcome: 'handshake' };
    }
    const key = eventKey(source.name, verified.id);
    let outcome: 'stored' | 'duplicate';
    try {
      outcome = await withStoreTimeout('put', storeTimeoutMs, () => store.put({
        source: source.name,
        id: verified.id,
        type: verified.type,
        timestamp: verified.timestamp?.getTime(),
        receivedAt,
        headers: headersToRecord(delivery.headers),
        body: delivery.body,
      }));
    } catch (error) {
      emit({ type: 'store-failed', time: now(), source: source.name, key, error: isConnectorError(error) ? error.message : String(error) });
      return jsonResponse(503, 'unavailable', { error: 'unavailable', message: 'The event could not be stored; deliver it again later.' }, { 'retry-after': '5' });
    }
    if (outcome === 'stored') {
      if (listeners.size > 0) emit({ type: 'stored', time: receivedAt, source: source.name, key, eventType: verified.type, secretIndex: verified.secretIndex });
      return { status: 200, outcome, headers: JSON_HEADERS, body: STORED_BODY };
    }
    emit({ type: 'duplicate', time: receivedAt, source: source.name, key });
    return { status: 200, outcome, headers: JSON_HEADERS, body: DUPLICATE_BODY };
  }

  function nodeUrl(req: IncomingMessage): string {
    const path = req.url ?? '/';
    if (publicBaseUrl !== undefined) return `${publicBaseUrl}${path}`;
    const proto = first(req.headers['x-forwarded-proto']) ?? ((req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http');
    const host = first(req.headers['x-forwarded-host']) ?? req.headers.host ?? 'localhost';
    return `${proto}://${host}${path}`;
  }

  function webUrl(request: Request): string {
    if (publicBaseUrl === undefined) {
      const proto = first(request.headers.get('x-forwarded-proto') ?? undefined);
      const host = first(request.headers.get('x-forwarded-host') ?? undefined);
      if (proto === undefined && host === undefined) return request.url;
      const url = new URL(request.url);
      return `${proto ?? url.protocol.slice(0, -1)}://${host ?? url.host}${url.pathname}${url.search}`;
    }
    const url = new URL(request.url);
    return `${publicBaseUrl}${url.pathname}${url.search}`;
  }

  function send(res: ServerResponse, response: InboxResponse): void {
    if (res.headersSent || res.destroyed) return;
    if (response.status === 200 && response.body === STORED_BODY) {
      res.writeHead(200, STORED_HEADERS);
      res.end(STORED_BODY);
      return;
    }
    res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
    res.end(response.body);
  }

  function sendLater(res: ServerResponse, pending: Promise<InboxResponse>): void {
    pending.then(
      (response) => send(res, response),
      // Only a bug can get here; the provider still gets an answer that makes it retry.
      () => send(res, jsonResponse(500, 'unavailable', { error: 'internal', message: 'The delivery could not be handled; deliver it again later.' })),
    );
  }

  return {
    store,

    receive(delivery) {
      const checked = preflight(delivery.source, delivery.method?.toUpperCase());
      if ('outcome' in checked) return Promise.resolve(checked);
      return receiveFrom(checked, delivery);
    },

    async fetch(request, fetchOptions = {}) {
      const toResponse = (r: InboxResponse): Response => new Response(r.body, { status: r.status, headers: r.headers });
      const sourceName = fetchOptions.source ?? sourceFromPath(new URL(request.url).pathname);
      const checked = preflight(sourceName, request.method.toUpperCase());
      if ('outcome' in checked) return toResponse(checked);
      const declared = Number(request.headers.get('content-length'));
      if (declared > checked.maxBodyBytes) {
        request.body?.cancel().catch(() => {});
        return toResponse(tooLarge(checked));
      }
      const read = await readWebBody(request, checked.maxBodyBytes);
      if (!read.ok) {
        if (read.reason === 'too-large') return toResponse(tooLarge(checked));
        return toResponse(jsonResponse(400, 'rejected', { error: 'aborted', message: 'The request body could not be read.' }));
      }
      return toResponse(
        await receiveFrom(checked, {
          body: read.body,
          headers: request.headers,
          method: request.method,
          url: checked.scheme.requiresRequestLine ? webUrl(request) : undefined,
        }),
      );
    },

    nodeHandler(handlerOptions = {}) {
      return (req, res) => {
        if (arrivedWhileClosing(req)) {
          req.resume();
          return;
        }
        const checked = preflight(handlerOptions.source ?? sourceFromPath(req.url ?? '/'), req.method);
        if ('outcome' in checked) {
          req.resume();
          send(res, checked);
          return;
        }
        const url = checked.scheme.requiresRequestLine ? nodeUrl(req) : undefined;
        const refuseOversize = (): void => {
          // Stop reading: nothing more of the body is kept, and `connection: close` tells the client (and
          // Node) not to reuse a connection with unread bytes on it. The close itself lingers, so the
          // client reads the 413 instead of a reset (see lingerThenClose).
          req.pause();
          res.shouldKeepAlive = false;
          lingerThenClose(req);
          send(res, tooLarge(checked));
          res.once('finish', () => req.socket.destroySoon());
        };
        const declared = Number(req.headers['content-length']);
        if (declared > checked.maxBodyBytes) {
          refuseOversize();
          return;
        }
        // Body parsers (express.raw) that kept the raw bytes are fine; any other parser lost them.
        const parsed = (req as IncomingMessage & { body?: unknown }).body;
        if (Buffer.isBuffer(parsed)) {
          sendLater(res, receiveFrom(checked, { body: parsed, headers: req.headers, method: req.method, url }));
          return;
        }
        if (req.readableEnded) {
          send(res, jsonResponse(500, 'body-consumed', { error: 'body-consumed', message: 'A body parser consumed the request before the webhook inbox: mount the inbox before it, or use a raw body parser.' }));
          return;
        }
        void readNodeBody(req, checked.maxBodyBytes).then((read) => {
          if (read.ok) sendLater(res, receiveFrom(checked, { body: read.body, headers: req.headers, method: req.method, url }));
          else if (read.reason === 'too-large') refuseOversize();
          else res.destroy();
        });
      };
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
