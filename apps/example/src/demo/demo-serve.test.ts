import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'connectors-demo-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pnpm demo --serve', () => {
  it('ends by printing the dashboard URL and keeps serving it, with a working operator token, until interrupted', async () => {
    const child = spawn(process.execPath, ['src/demo.ts', '--serve', '--db', join(dir, 'example.db')], { cwd: join(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const printed = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (/operator token for replay\/discard: \w+/.test(stdout)) resolve(stdout);
      });
      child.on('close', () => reject(new Error(`the demo exited before serving:\n${stdout}\n${stderr}`)));
    });
    const url = /Dashboard {2}(http:\/\/127\.0\.0\.1:\d+\/dashboard) {2}\(serving until Ctrl-C\)/.exec(printed)?.[1];
    const token = /operator token for replay\/discard: (\w+)/.exec(printed)?.[1];
    expect(url).toBeDefined();
    expect(printed).toMatch(/All \d+ checks passed\./);

    const page = await fetch(url!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script src="/dashboard/assets/dashboard.js">');
    const state = (await (await fetch(`${url}/api/state`)).json()) as { readOnly: boolean; deadLetters: { queue: string; items: { key: string }[] }[] };
    expect(state.readOnly).toBe(false);
    const [deadLetter] = state.deadLetters[0]!.items;
    expect(deadLetter).toBeDefined();
    // The printed token works: replay the demo's dead letter.
    const replay = await fetch(`${url}/api/dead-letters/webhooks/replay`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-operator-token': token! }, body: JSON.stringify({ keys: [deadLetter!.key] }) });
    expect(await replay.json()).toEqual({ replayed: 1 });

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  }, 60_000);
});
