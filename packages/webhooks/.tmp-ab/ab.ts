import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteInboxStore } from '../src/stores/sqlite-inbox-store.ts';
import { sqliteInboxStore as threadStore } from './thread-store.ts';
import type { InboxStore } from '../src/stores/inbox-store.ts';

const body = Buffer.alloc(2048, 0x61);
const headers = { host: '127.0.0.1:4000', connection: 'keep-alive', 'content-type': 'application/json', 'content-length': '2048', 'webhook-id': 'msg_12345_678901', 'webhook-timestamp': '1714000000', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' };
async function run(store: InboxStore, ms: number, tag: string): Promise<{ rps: number; p99: number }> {
  let n = 0; const lat: number[] = []; const end = performance.now() + ms;
  await Promise.all(Array.from({ length: 64 }, async (_, c) => {
    while (performance.now() < end) {
      const t = performance.now();
      await store.put({ source: 'bench', id: `${tag}-${c}-${n++}`, type: 'invoice.paid', timestamp: 1, receivedAt: Date.now(), headers, body });
      lat.push(performance.now() - t);
    }
  }));
  lat.sort((a, b) => a - b);
  return { rps: Math.round(lat.length / (ms / 1000)), p99: +lat[Math.floor(lat.length * 0.99)]!.toFixed(1) };
}
const dir = mkdtempSync(join(tmpdir(), 'ab-'));
const stores: [string, InboxStore][] = [['async-fsync', sqliteInboxStore({ path: join(dir, 'a.db') })], ['thread-full', threadStore({ path: join(dir, 't.db') })]];
for (const [name, s] of stores) await run(s, 500, name + 'w');
const out: Record<string, string[]> = {};
for (let r = 0; r < 4; r++) for (const [name, s] of stores) { const x = await run(s, 2000, name + r); (out[name] ??= []).push(`${x.rps}/s p99 ${x.p99}`); }
for (const [k, v] of Object.entries(out)) console.log(k.padEnd(12), v.join(' | '));
for (const [, s] of stores) await s.close();
rmSync(dir, { recursive: true });
