import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppHealth, ConnectorHealth, HealthStatus } from './health-report.ts';

/** What the handlers ask for health: an `Observability` (from `createObservability` or `observe(...).observability`). */
export interface HealthSource {
  checkHealth(): Promise<AppHealth>;
}

export interface HealthHandlerOptions {
  /**
   * The worst status still answered 200. Default `degraded`: only `down` answers 503. Use `ok` to
   * fail a deploy pipeline on anything degraded. Think twice before failing a load balancer check on
   * a provider's outage: every instance sees the same provider, so all would be taken out at once.
   */
  passOn?: Exclude<HealthStatus, 'down'>;
  /** Include reasons and per-connector detail. Default true; false answers `{ status, checkedAt }` only. */
  details?: boolean;
}

interface Answer {
  status: number;
  body: string | undefined;
  headers: Record<string, string>;
}

const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

async function answer(source: HealthSource, method: string, search: URLSearchParams, options: HealthHandlerOptions): Promise<Answer> {
  if (method !== 'GET' && method !== 'HEAD') {
    return { status: 405, body: JSON.stringify({ error: 'use GET or HEAD' }), headers: { ...HEADERS, allow: 'GET, HEAD' } };
  }
  const passOn = options.passOn ?? 'degraded';
  const pass = (status: HealthStatus) => status === 'ok' || (status === 'degraded' && passOn === 'degraded');
  let report: AppHealth;
  try {
    report = await source.checkHealth();
  } catch {
    return { status: 503, body: method === 'HEAD' ? undefined : JSON.stringify({ status: 'down', error: 'the health check itself failed' }), headers: HEADERS };
  }
  const connector = search.get('connector');
  let payload: AppHealth | ConnectorHealth | { status: HealthStatus; checkedAt: string };
  if (connector !== null) {
    const one = report.connectors[connector];
    if (!one) {
      return { status: 404, body: method === 'HEAD' ? undefined : JSON.stringify({ error: `no observed connector is named ${JSON.stringify(connector)}`, connectors: Object.keys(report.connectors) }), headers: HEADERS };
    }
    payload = options.details === false ? { status: one.status, checkedAt: report.checkedAt } : one;
  } else {
    payload = options.details === false ? { status: report.status, checkedAt: report.checkedAt } : report;
  }
  return { status: pass(payload.status) ? 200 : 503, body: method === 'HEAD' ? undefined : JSON.stringify(payload), headers: HEADERS };
}

/**
 * A `/health` endpoint as a Web handler (`Request` to `Response`): Hono, Next.js route handlers,
 * Bun, Deno, Cloudflare. 200 with the JSON report while healthy enough, 503 otherwise;
 * `?connector=github` reports one connector (404 when unknown).
 */
export function createHealthHandler(source: HealthSource, options: HealthHandlerOptions = {}): (request: Request) => Promise<Response> {
  return async (request) => {
    const result = await answer(source, request.method, new URL(request.url).searchParams, options);
    return new Response(result.body ?? null, { status: result.status, headers: result.headers });
  };
}

/**
 * The same endpoint for `node:http` and Express-style servers: `(req, res)`. Mount it at the path
 * you want; it answers whatever request it is given.
 */
export function createNodeHealthHandler(source: HealthSource, options: HealthHandlerOptions = {}): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const query = req.url?.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
    const result = await answer(source, req.method ?? 'GET', new URLSearchParams(query), options);
    res.writeHead(result.status, result.headers);
    res.end(result.body);
  };
}
