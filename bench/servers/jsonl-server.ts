// A bulk-operation result file made on the fly: `bytes` of JSON Lines shaped like a Shopify bulk
// export (products, each followed by its variants with __parentId), streamed with Content-Length
// and Range support, never held in memory and never written to disk. Line n is always the same text,
// so a resumed read can be checked.
import http from 'node:http';

const limit = Number(process.argv[2] ?? 1024 ** 3);

function line(n: number): string {
  const product = Math.floor(n / 4);
  return n % 4 === 0
    ? `{"id":"gid://shopify/Product/${product}","title":"Bench product ${product}","handle":"bench-product-${product}","status":"ACTIVE","vendor":"Acme","tags":["bench","bulk"],"updatedAt":"2026-11-30T10:15:01Z"}\n`
    : `{"id":"gid://shopify/ProductVariant/${n}","sku":"BENCH-${product}-${n % 4}","price":"${(n % 997) + 0.99}","inventoryQuantity":${n % 50},"__parentId":"gid://shopify/Product/${product}"}\n`;
}

// The file is the whole lines that fit in `limit` bytes: size them once so Content-Length is exact.
let total = 0;
let lines = 0;
for (let size = Buffer.byteLength(line(0)); total + size <= limit; size = Buffer.byteLength(line(lines))) {
  total += size;
  lines++;
}

/** Writes bytes [from, total) of the file, a chunk of lines at a time, honouring backpressure. */
function stream(res: http.ServerResponse, from: number): void {
  let offset = 0;
  let n = 0;
  let skip = from;
  const pump = () => {
    while (offset < total) {
      let chunk = '';
      while (chunk.length < 64 * 1024 && n < lines) chunk += line(n++);
      let bytes = Buffer.from(chunk);
      offset += bytes.length;
      if (skip >= bytes.length) {
        skip -= bytes.length;
        continue;
      }
      if (skip > 0) {
        bytes = bytes.subarray(skip);
        skip = 0;
      }
      if (!res.write(bytes)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

const server = http.createServer((req, res) => {
  req.resume();
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const from = range ? Number(range[1]) : 0;
  res.writeHead(range ? 206 : 200, { 'content-type': 'application/jsonl', 'content-length': String(total - from), ...(range ? { 'content-range': `bytes ${from}-${total - 1}/${total}` } : {}) });
  stream(res, from);
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as { port: number }).port, bytes: total, lines }));
