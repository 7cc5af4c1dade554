import { Worker } from 'node:worker_threads';
const w = new Worker(`const { parentPort } = require('node:worker_threads'); parentPort.on('message', (m) => parentPort.postMessage(m.batch));`, { eval: true });
const headers = JSON.stringify({ host: '127.0.0.1:4000', connection: 'keep-alive', 'content-type': 'application/json', 'content-length': '2048', 'webhook-id': 'msg_12345_678901', 'webhook-timestamp': '1714000000', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' });
const body = Buffer.alloc(2048, 0x61);
async function run(label, make) {
  let total = 0; const N = 2000;
  for (let b = 0; b < N; b++) {
    const [msg, transfer] = make(b);
    const t = performance.now(); w.postMessage(msg, transfer); total += performance.now() - t;
    await new Promise((r) => w.once('message', r));
  }
  console.log(label, 'µs per postMessage', (total / N * 1000).toFixed(1));
}
await run('ops+packed', (b) => { const ops = []; for (let i = 0; i < 24; i++) ops.push({ op: 'put', event: ['bench', `msg_${b}_${i}`, 'invoice.paid', 1714000000000, Date.now(), headers, [i * 2048, 2048]] }); const buf = Buffer.allocUnsafeSlow(24 * 2048); return [{ batch: b, ops, bodies: buf.buffer }, [buf.buffer]]; });
await run('ops+cloned bodies', (b) => { const ops = []; for (let i = 0; i < 24; i++) ops.push({ op: 'put', event: ['bench', `msg_${b}_${i}`, 'invoice.paid', 1714000000000, Date.now(), headers, body] }); return [{ batch: b, ops }, []]; });
await run('one buffer', (b) => { const buf = Buffer.allocUnsafeSlow(24 * 2600); return [{ batch: b, buf: buf.buffer }, [buf.buffer]]; });
await run('one buffer, no transfer', (b) => { const buf = Buffer.allocUnsafeSlow(24 * 2600); return [{ batch: b, buf }, []]; });
await w.terminate();
