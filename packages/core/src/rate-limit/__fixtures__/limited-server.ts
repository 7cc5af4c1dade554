import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LimitedServerOptions {
  /** Requests allowed per window. */
  limit: number;
  /** Window length; fixed windows are aligned to multiples of it, like most providers'. */
  windowMs: number;
  mode?: 'fixed' | 'sliding';
  /** Which headers advertise the limit. */
  headers?: 'x-ratelimit' | 'ietf' | 'none';
  /** Milliseconds the server takes to answer. */
  latencyMs?: number;
}

export interface LimitedServer {
  url: string;
  stats: { requests: number; rejected: number; maxInFlight: number };
  close(): Promise<void>;
}

/** A local HTTP server that enforces a real rate limit: 429 with Retry-After beyond it. */
export async function startLimitedServer(options: LimitedServerOptions): Promise<LimitedServer> {
  const { limit, windowMs, mode = 'fixed', headers = 'x-ratelimit', latencyMs = 0 } = options;
  const stats = { requests: 0, rejected: 0, maxInFlight: 0 };
  let inFlight = 0;
  let window = -1;
  let used = 0;
  const log: number[] = [];
  const server = http.createServer((req, res) => {
    stats.requests++;
    inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    const now = Date.now();
    let allowed: boolean;
    let remaining: number;
    let resetAt: number;
    if (mode === 'fixed') {
      const current = Math.floor(now / windowMs);
      if (current !== window) {
        window = current;
        used = 0;
      }
      allowed = used < limit;
      if (allowed) used++;
      remaining = limit - used;
      resetAt = (current + 1) * windowMs;
    } else {
      while (log.length && log[0]! <= now - windowMs) log.shift();
      allowed = log.length < limit;
      if (allowed) log.push(now);
      remaining = limit - log.length;
      resetAt = (log[0] ?? now) + windowMs;
    }
    const out: Record<string, string> = { 'content-type': 'application/json' };
    if (headers === 'x-ratelimit') {
      Object.assign(out, { 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(Math.ceil(resetAt / 1000)) });
    } else if (headers === 'ietf') {
      const seconds = Math.max(1, Math.ceil((resetAt - now) / 1000));
      Object.assign(out, { ratelimit: `"default";r=${remaining};t=${seconds}`, 'ratelimit-policy': `"default";q=${limit};w=${Math.ceil(windowMs / 1000)}` });
    }
    if (!allowed) {
      stats.rejected++;
      out['retry-after'] = String(Math.max(1, Math.ceil((resetAt - now) / 1000)));
    }
    setTimeout(() => {
      inFlight--;
      res.writeHead(allowed ? 200 : 429, out).end(allowed ? '{"ok":true}' : '{"error":"rate limited"}');
    }, latencyMs);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
