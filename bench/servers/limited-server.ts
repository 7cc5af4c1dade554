// A rate-limited JSON API in its own process: `limit` requests per fixed `windowMs` window aligned to
// the clock (like most providers), 429 with Retry-After beyond it. Under /plain it sends no rate-limit
// headers; elsewhere X-RateLimit-Limit/Remaining/Reset (reset in epoch seconds, like GitHub).
// GET /__stats reads the counters, POST /__reset zeroes them; neither counts against the limit.
import http from 'node:http';

const limit = Number(process.argv[2] ?? 100);
const windowMs = Number(process.argv[3] ?? 1000);
const stats = { requests: 0, rejected: 0 };
let window = -1;
let used = 0;

const server = http.createServer((req, res) => {
  req.resume();
  if (req.url === '/__stats') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
  if (req.url === '/__reset') {
    stats.requests = 0;
    stats.rejected = 0;
    return void res.writeHead(204).end();
  }
  stats.requests++;
  const now = Date.now();
  const current = Math.floor(now / windowMs);
  if (current !== window) {
    window = current;
    used = 0;
  }
  const allowed = used < limit;
  if (allowed) used++;
  else stats.rejected++;
  const resetAt = (current + 1) * windowMs;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (!req.url?.startsWith('/plain')) {
    Object.assign(headers, { 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(limit - used), 'x-ratelimit-reset': String(Math.ceil(resetAt / 1000)) });
  }
  if (!allowed) headers['retry-after'] = String(Math.max(1, Math.ceil((resetAt - now) / 1000)));
  res.writeHead(allowed ? 200 : 429, headers).end(allowed ? '{"ok":true}' : '{"error":"rate limited"}');
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.send?.({ port: address.port, limit, windowMs });
});
process.on('disconnect', () => process.exit(0));
