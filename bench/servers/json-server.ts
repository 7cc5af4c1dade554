// A minimal JSON API in its own process, so the client under test does not share an event loop with it.
import http from 'node:http';

const item = (i: number) => ({ id: i, login: `user-${i}`, name: 'Ada Lovelace', active: i % 2 === 0, score: i * 1.5, tags: ['a', 'b'] });
// ~1 KB body, built once: the benchmark measures the client, not the server.
const body = JSON.stringify({ data: Array.from({ length: 9 }, (_, i) => item(i)), total: 9 });

const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': 'req_bench' });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.send?.({ port: address.port, bytes: Buffer.byteLength(body) });
});
process.on('disconnect', () => process.exit(0));
