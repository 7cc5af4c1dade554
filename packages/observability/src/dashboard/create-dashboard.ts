import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { CredentialsInventory } from '../credentials/credentials-inventory.ts';
import { scrubSecrets } from '../log/scrub-secrets.ts';
import type { ObservabilitySnapshot } from '../observe/create-observability.ts';
import { DASHBOARD_SCRIPT } from './dashboard-script.ts';
import { DASHBOARD_STYLE, dashboardPage } from './dashboard-page.ts';
import { tokenMatches } from './operator-token.ts';
import { redactHeaders, redactPayload } from './redact-payload.ts';

/** A dead letter as the dashboard reads it (a `StoredInboxEvent` of `@connectors/webhooks` is one). */
export interface DeadLetterItem {
  key: string;
  source: string;
  id: string;
  type: string | undefined;
  attempts: number;
  lastError: string | undefined;
  receivedAt: number;
  /** When it was dead-lettered. */
  stateChangedAt: number | undefined;
  headers: Record<string, string>;
  body: Uint8Array;
}

/**
 * The dead-letter operations the dashboard needs. Every `InboxStore` of `@connectors/webhooks`
 * (SQLite, Redis) has them, so pass the store itself.
 */
export interface DeadLetterStore {
  listDeadLetters(filter?: { limit?: number }): Promise<DeadLetterItem[]>;
  get(key: string): Promise<DeadLetterItem | undefined>;
  replayDeadLetters(filter: { keys: readonly string[] }, options: { now: number }): Promise<number>;
  discardDeadLetters(filter: { keys: readonly string[] }, options: { now: number; retainMs: number }): Promise<number>;
  stats(): Promise<{ deadLetters: number }>;
}

export interface DashboardOptions {
  /** What the page shows: an `Observability` from `createObservability`. */
  observability: { snapshot(): ObservabilitySnapshot; checkHealth(): Promise<unknown> };
  /** Where the dashboard is mounted. Default `/dashboard`. */
  basePath?: string;
  /**
   * The token an operator types into the page to inspect payloads, replay or discard dead letters;
   * compared in constant time. A string, or `{ env }` to read it from the environment at each
   * request. Without one the page is read-only.
   */
  operatorToken?: string | { env: string };
  /** Dead-letter queues by name: an `InboxStore` of `@connectors/webhooks` (e.g. `inbox.store`). */
  deadLetters?: Record<string, DeadLetterStore>;
  /** The credentials inventory to list (`createCredentialsInventory`). */
  credentials?: CredentialsInventory;
  /** How often the page polls for new data. Default 5000 ms. */
  refreshMs?: number;
  /** Page title. Default `Connectors`. */
  title?: string;
  /** How long a discarded dead letter's key still marks redeliveries as duplicates. Default 3 days (the worker's default). */
  discardRetainMs?: number;
  now?: () => number;
}

/** A request as the dashboard needs it, whatever the framework. */
export interface DashboardRequest {
  method: string;
  /** Path and query, e.g. `/dashboard/api/state`. */
  url: string;
  header(name: string): string | undefined;
  /** The raw body of a POST (small JSON). */
  body?: string;
}

export interface DashboardResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** The operator dashboard: mount `fetch` (Web handlers, Hono) or `nodeHandler()` (node:http, Express) at `basePath`. */
export interface Dashboard {
  readonly basePath: string;
  /** Web `Request` to `Response`: Hono (`app.all('/dashboard/*', (c) => dashboard.fetch(c.req.raw))`), Next.js, Bun, Deno. */
  fetch(request: Request): Promise<Response>;
  /** A `(req, res)` handler for node:http and Express (`app.use('/dashboard', dashboard.nodeHandler())`: it reads `originalUrl`). */
  nodeHandler(): (req: IncomingMessage, res: ServerResponse) => void;
  /** The framework-free core: what the other two call. */
  handle(request: DashboardRequest): Promise<DashboardResponse>;
}

const MAX_POST_BYTES = 64 * 1024;
const DEAD_LETTERS_SHOWN = 100;
const DEFAULT_DISCARD_RETAIN_MS = 3 * 86_400_000;
const QUEUE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

const SECURITY_HEADERS: Record<string, string> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  // Only our own script and styles; uPlot sets element styles through the CSSOM, which CSP allows.
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

const require = createRequire(import.meta.url);
let uplotAssets: { js: string; css: string } | undefined;
/** uPlot ships with this package (a dependency), served from its own files: no CDN. */
function uplot(): { js: string; css: string } {
  uplotAssets ??= {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return uplotAssets;
}

function json(status: number, body: unknown): DashboardResponse {
  return { status, headers: { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

function asset(body: string, type: string): DashboardResponse {
  return { status: 200, headers: { ...SECURITY_HEADERS, 'cache-control': 'no-cache', 'content-type': `${type}; charset=utf-8` }, body };
}

/**
 * An operator dashboard beside `/health` and `/metrics`: per connector calls per minute, error rate
 * and p50/p95/p99 as time series (uPlot, bundled), alerts firing and resolved, rate limiting and
 * pacing waits, circuits, credentials with days to expiry, provider status, and the dead-letter
 * queues with inspect, replay and discard. The page polls a JSON endpoint (`api/state`).
 *
 * Actions change state, so they need the operator token, sent by the page in an `X-Operator-Token`
 * header: a header a cross-site form or link cannot send, and never a cookie, so a forged request
 * carries no credential (CSRF). Cross-site requests (`Sec-Fetch-Site`, `Origin`) and bodies that
 * are not JSON are refused as well. Without a token configured the dashboard is read-only.
 * Payload bodies are shown only on request, with the token, and redacted.
 *
 * @example
 * const dashboard = createDashboard({ observability, deadLetters: { webhooks: inbox.store }, operatorToken: { env: 'DASHBOARD_TOKEN' } });
 * http.createServer((req, res) => req.url?.startsWith('/dashboard') ? dashboard.nodeHandler()(req, res) : res.writeHead(404).end());
 */
export function createDashboard(options: DashboardOptions): Dashboard {
  if (!options?.observability || typeof options.observability.snapshot !== 'function') {
    throw new TypeError('createDashboard: `observability` is required (from createObservability)');
  }
  const basePath = `/${(options.basePath ?? '/dashboard').replace(/^\/+|\/+$/g, '')}`.replace(/^\/$/, '');
  const refreshMs = options.refreshMs ?? 5000;
  if (!(refreshMs >= 500)) throw new TypeError(`createDashboard: refreshMs must be at least 500 ms; got ${String(options.refreshMs)}`);
  const queues = new Map(Object.entries(options.deadLetters ?? {}));
  for (const [name, store] of queues) {
    if (!QUEUE_NAME.test(name)) throw new TypeError(`createDashboard: dead-letter queue name ${JSON.stringify(name)} must be 1-64 letters, digits, "_", "-" or "."`);
    if (!store || typeof store.listDeadLetters !== 'function' || typeof store.replayDeadLetters !== 'function') {
      throw new TypeError(`createDashboard: deadLetters.${name} must be an inbox store (with listDeadLetters, get, replayDeadLetters, discardDeadLetters, stats)`);
    }
  }
  const token = options.operatorToken;
  if (token !== undefined && typeof token !== 'string' && (typeof token?.env !== 'string' || !token.env)) {
    throw new TypeError("createDashboard: operatorToken must be a string or { env: 'VARIABLE_NAME' }");
  }
  if (typeof token === 'string' && token.length < 16) throw new TypeError('createDashboard: operatorToken must be at least 16 characters (e.g. `openssl rand -hex 32`)');
  const now = options.now ?? Date.now;
  const discardRetainMs = options.discardRetainMs ?? DEFAULT_DISCARD_RETAIN_MS;
  const title = options.title ?? 'Connectors';
  const currentToken = (): string | undefined => {
    if (token === undefined) return undefined;
    const value = typeof token === 'string' ? token : process.env[token.env]?.trim();
    return value ? value : undefined;
  };

  /** Refusal of a state-changing or sensitive request, or undefined when it may go ahead. */
  const refuse = (request: DashboardRequest, needsBody: boolean): DashboardResponse | undefined => {
    const expected = currentToken();
    if (expected === undefined) return json(403, { error: 'read-only', message: 'This dashboard is read-only: no operator token is configured (createDashboard({ operatorToken })).' });
    const site = request.header('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return json(403, { error: 'cross-site', message: 'Cross-site requests are refused.' });
    const origin = request.header('origin');
    const host = request.header('host');
    if (origin !== undefined && origin !== 'null' && host !== undefined) {
      let originHost: string | undefined;
      try {
        originHost = new URL(origin).host;
      } catch {
        originHost = undefined;
      }
      if (originHost !== host) return json(403, { error: 'cross-site', message: 'The request comes from another origin.' });
    }
    if (needsBody && !(request.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
      return json(415, { error: 'unsupported-media-type', message: 'Send the action as application/json.' });
    }
    if (!tokenMatches(expected, request.header('x-operator-token'))) return json(401, { error: 'unauthorized', message: 'A valid operator token is required (X-Operator-Token).' });
    return undefined;
  };

  const deadLetterSummary = (item: DeadLetterItem) => ({
    key: item.key,
    source: item.source,
    type: item.type ?? null,
    attempts: item.attempts,
    receivedAt: new Date(item.receivedAt).toISOString(),
    deadAt: item.stateChangedAt === undefined ? null : new Date(item.stateChangedAt).toISOString(),
    lastError: item.lastError === undefined ? null : scrubSecrets(item.lastError.split('\n')[0]!.slice(0, 300)),
  });

  const state = async () => {
    await options.observability.checkHealth();
    const snapshot = options.observability.snapshot();
    const deadLetters = await Promise.all(
      [...queues].map(async ([queue, store]) => {
        try {
          const [stats, items] = await Promise.all([store.stats(), store.listDeadLetters({ limit: DEAD_LETTERS_SHOWN })]);
          return { queue, depth: stats.deadLetters, items: items.map(deadLetterSummary) };
        } catch (error) {
          return { queue, depth: null, items: [], error: scrubSecrets(error instanceof Error ? error.message : String(error)) };
        }
      }),
    );
    return {
      title,
      generatedAt: new Date(now()).toISOString(),
      refreshMs,
      readOnly: currentToken() === undefined,
      ...snapshot,
      credentials: options.credentials?.list() ?? null,
      deadLetters,
    };
  };

  const keysOf = (body: string | undefined): string[] | DashboardResponse => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body ?? '');
    } catch {
      return json(400, { error: 'bad-request', message: 'The body must be JSON: {"keys": ["source:id", ...]}' });
    }
    const keys = (parsed as { keys?: unknown })?.keys;
    if (!Array.isArray(keys) || keys.length === 0 || keys.length > 1000 || !keys.every((k) => typeof k === 'string' && k.length > 0 && k.length < 1024)) {
      return json(400, { error: 'bad-request', message: 'Give the dead letters to act on as {"keys": ["source:id", ...]} (1 to 1000 keys).' });
    }
    return keys as string[];
  };

  const handle = async (request: DashboardRequest): Promise<DashboardResponse> => {
    const [pathname = '', query = ''] = request.url.split('?', 2);
    if (pathname !== basePath && !pathname.startsWith(`${basePath}/`)) return json(404, { error: 'not-found' });
    const path = pathname.slice(basePath.length).replace(/\/+$/, '') || '/';
    const method = request.method.toUpperCase();
    const search = new URLSearchParams(query);
    const isRead = method === 'GET' || method === 'HEAD';

    if (path === '/' || path.startsWith('/assets/')) {
      if (!isRead) return json(405, { error: 'method-not-allowed' });
      if (path === '/') return { status: 200, headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' }, body: dashboardPage({ title, basePath, refreshMs }) };
      if (path === '/assets/dashboard.js') return asset(DASHBOARD_SCRIPT, 'text/javascript');
      if (path === '/assets/dashboard.css') return asset(DASHBOARD_STYLE, 'text/css');
      if (path === '/assets/uplot.js') return asset(uplot().js, 'text/javascript');
      if (path === '/assets/uplot.css') return asset(uplot().css, 'text/css');
      return json(404, { error: 'not-found' });
    }
    if (path === '/api/state') return isRead ? json(200, await state()) : json(405, { error: 'method-not-allowed' });
    if (path === '/api/credentials') return isRead ? json(200, options.credentials?.list() ?? []) : json(405, { error: 'method-not-allowed' });

    const match = /^\/api\/dead-letters\/([^/]+)\/(item|replay|discard)$/.exec(path);
    if (!match) return json(404, { error: 'not-found' });
    const queue = decodeURIComponent(match[1]!);
    const store = queues.get(queue);
    if (!store) return json(404, { error: 'not-found', message: `No dead-letter queue named ${JSON.stringify(queue)}.`, queues: [...queues.keys()] });
    const action = match[2]!;

    if (action === 'item') {
      if (!isRead) return json(405, { error: 'method-not-allowed' });
      const key = search.get('key');
      if (!key) return json(400, { error: 'bad-request', message: 'Pass the dead letter as ?key=source:id' });
      const withBody = search.get('body') === '1';
      if (withBody) {
        const refused = refuse(request, false);
        if (refused) return refused;
      }
      const item = await store.get(key);
      if (!item) return json(404, { error: 'not-found', message: `No event with key ${JSON.stringify(key)}.` });
      return json(200, {
        ...deadLetterSummary(item),
        headerNames: Object.keys(item.headers),
        ...(withBody ? { headers: redactHeaders(item.headers), body: redactPayload(item.body) } : {}),
      });
    }

    if (method !== 'POST') return json(405, { error: 'method-not-allowed', message: 'Actions are POSTed.' });
    const refused = refuse(request, true);
    if (refused) return refused;
    const keys = keysOf(request.body);
    if (!Array.isArray(keys)) return keys;
    if (action === 'replay') return json(200, { replayed: await store.replayDeadLetters({ keys }, { now: now() }) });
    return json(200, { discarded: await store.discardDeadLetters({ keys }, { now: now(), retainMs: discardRetainMs }) });
  };

  const internalError = (error: unknown): DashboardResponse => json(500, { error: 'internal', message: scrubSecrets(error instanceof Error ? error.message : String(error)) });

  return {
    basePath,
    handle,
    async fetch(request) {
      const url = new URL(request.url);
      let body: string | undefined;
      if (request.method === 'POST') {
        const declared = Number(request.headers.get('content-length'));
        if (declared > MAX_POST_BYTES) return new Response(JSON.stringify({ error: 'too-large' }), { status: 413, headers: SECURITY_HEADERS });
        body = await request.text();
        if (Buffer.byteLength(body) > MAX_POST_BYTES) return new Response(JSON.stringify({ error: 'too-large' }), { status: 413, headers: SECURITY_HEADERS });
      }
      const headers = request.headers;
      const result = await handle({ method: request.method, url: `${url.pathname}${url.search}`, header: (name) => headers.get(name) ?? (name === 'host' ? url.host : undefined), ...(body !== undefined ? { body } : {}) }).catch(internalError);
      return new Response(request.method === 'HEAD' ? null : (result.body as BodyInit), { status: result.status, headers: result.headers });
    },
    nodeHandler() {
      return (req, res) => {
        const send = (result: DashboardResponse) => {
          if (res.headersSent) return;
          res.writeHead(result.status, { ...result.headers, 'content-length': String(Buffer.byteLength(result.body)) });
          res.end(req.method === 'HEAD' ? undefined : result.body);
        };
        const header = (name: string) => {
          const value = req.headers[name];
          return Array.isArray(value) ? value[0] : value;
        };
        // Express strips the mount path from `req.url` (`app.use('/dashboard', handler)`); `originalUrl` keeps it.
        const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
        const run = (body?: string) =>
          void handle({ method: req.method ?? 'GET', url, header, ...(body !== undefined ? { body } : {}) })
            .catch(internalError)
            .then(send);
        if (req.method !== 'POST') {
          req.resume();
          run();
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        req.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_POST_BYTES) {
            send(json(413, { error: 'too-large' }));
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        req.on('end', () => {
          if (size <= MAX_POST_BYTES) run(Buffer.concat(chunks).toString('utf8'));
        });
        req.on('error', () => res.destroy());
      };
    },
  };
}
