// A cursor-paginated list of TOTAL small items in its own process: GET /items?limit=&starting_after=&delay=
// answers Stripe-style pages ({ data, has_more }), optionally after `delay` ms.
import http from 'node:http';

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const id = (n: number) => `it_${String(n).padStart(7, '0')}`;

const server = http.createServer((req, res) => {
  req.resume();
  const url = new URL(req.url ?? '/', 'http://localhost');
  const limit = Math.min(Number(url.searchParams.get('limit') ?? 100), 1000);
  const after = url.searchParams.get('starting_after');
  const start = after ? Number(after.slice(3)) + 1 : 0;
  const end = Math.min(start + limit, TOTAL);
  const data = [];
  for (let n = start; n < end; n++) data.push({ id: id(n), n, ok: n % 2 === 0 });
  const body = JSON.stringify({ object: 'list', data, has_more: end < TOTAL });
  const send = () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const delay = Number(url.searchParams.get('delay') ?? 0);
  if (delay > 0) setTimeout(send, delay);
  else send();
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.send?.({ port: address.port, total: TOTAL });
});
process.on('disconnect', () => process.exit(0));
