import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const CONFIG = fileURLToPath(new URL('../credentials/__fixtures__/credentials.config.ts', import.meta.url));
const NOW = Date.parse('2026-03-02T09:00:00Z');

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), now: () => NOW });
  return { code, stdout, stderr };
}

describe('connectors credentials', () => {
  it('prints the inventory as a table, with what expires within two weeks', async () => {
    const { code, stdout, stderr } = await run('credentials', '--config', CONFIG);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+KIND\s+SOURCE\s+USED BY\s+EXPIRES\s+DAYS LEFT\s+LAST SUCCESS$/);
    expect(lines[1]).toMatch(/^GITHUB_TOKEN\s+bearer\s+env GITHUB_TOKEN\s+github \(issues\.list, repos\.get\)\s+2026-03-20\s+18\s+-$/);
    expect(lines[2]).toMatch(/^github:octocat:Iv1\.abc\s+oauth2\s+store sqlite-token-store key github:octocat:Iv1\.abc\s+github\s+2026-08-30\s+180\s+-$/);
    expect(lines[3]).toMatch(/^STRIPE_SECRET_KEY\s+api-key\s+env STRIPE_SECRET_KEY\s+stripe\s+never\s+-\s+-$/);
    expect(lines[4]).toBe('3 credential(s).');
  });

  it('prints JSON with --json', async () => {
    const { code, stdout } = await run('credentials', '--config', CONFIG, '--json');
    expect(code).toBe(0);
    const entries = JSON.parse(stdout) as { name: string; daysLeft?: number; source: string }[];
    expect(entries.map((e) => [e.name, e.source, e.daysLeft])).toEqual([
      ['GITHUB_TOKEN', 'env GITHUB_TOKEN', 18],
      ['github:octocat:Iv1.abc', 'store sqlite-token-store key github:octocat:Iv1.abc', 180],
      ['STRIPE_SECRET_KEY', 'env STRIPE_SECRET_KEY', undefined],
    ]);
  });

  it('writes calendar reminders with --ics that a calendar parser reads back: one all-day event per expiry, alarms before it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'credentials-ics-')), 'credentials.ics');
    const { code, stdout } = await run('credentials', '--config', CONFIG, '--ics', file, '--remind', '14,1');
    expect(code).toBe(0);
    expect(stdout).toBe(`Wrote 2 expiration reminder(s) to ${file} (1 credential(s) have no expiry).\n`);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/\r\n/);
    const calendar = new ICAL.Component(ICAL.parse(text));
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Credential expirations');
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => [e.summary, e.startDate.toString(), e.startDate.isDate])).toEqual([
      ['Credential expires: GITHUB_TOKEN (bearer)', '2026-03-20', true],
      ['Credential expires: github:octocat:Iv1.abc (oauth2)', '2026-08-30', true],
    ]);
    expect(events[0]!.description).toContain('Where it lives: env GITHUB_TOKEN.');
    expect(events[0]!.description).toContain('Used by: github (issues.list, repos.get).');
    const alarms = calendar.getAllSubcomponents('vevent')[0]!.getAllSubcomponents('valarm');
    expect(alarms.map((a) => String(a.getFirstPropertyValue('trigger')))).toEqual(['-P14D', '-P1D']);
    // Stable UIDs: importing a newer file updates the events instead of adding copies.
    const again = await run('credentials', '--config', CONFIG, '--ics', '-', '--remind', '14,1');
    const uids = (t: string) => new ICAL.Component(ICAL.parse(t)).getAllSubcomponents('vevent').map((v) => v.getFirstPropertyValue('uid'));
    expect(uids(again.stdout)).toEqual(uids(text));
  });

  it("reads a running app's inventory from its dashboard with --url", async () => {
    const entries = [{ name: 'GITHUB_TOKEN', kind: 'bearer', source: 'env GITHUB_TOKEN', connectors: ['github'], operations: ['issues.list'], expiresAt: undefined, daysLeft: undefined, lastSuccessfulCheckAt: '2026-03-02T08:59:00.000Z', notes: undefined }];
    const server = createServer((req, res) => {
      if (req.url === '/dashboard/api/credentials') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(entries));
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { code, stdout } = await run('credentials', '--url', `http://127.0.0.1:${(server.address() as AddressInfo).port}/dashboard/`);
      expect(code).toBe(0);
      expect(stdout).toMatch(/GITHUB_TOKEN\s+bearer\s+env GITHUB_TOKEN\s+github \(issues\.list\)\s+never\s+-\s+2026-03-02T08:59:00\.000Z/);
    } finally {
      server.close();
    }
  });

  it('explains usage mistakes with exit code 2', async () => {
    expect(await run('credentials')).toMatchObject({ code: 2, stderr: expect.stringContaining('Pass exactly one of --config <module> or --url <dashboard url>.') });
    expect(await run('credentials', '--config', CONFIG, '--json', '--ics', '-')).toMatchObject({ code: 2, stderr: expect.stringContaining('pick one') });
    expect(await run('credentials', '--config', CONFIG, '--ics', '-', '--remind', 'soon')).toMatchObject({ code: 2, stderr: expect.stringContaining('--remind takes whole numbers of days') });
    expect(await run('tokens')).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown command "tokens"') });
    expect(await run('--help')).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: connectors credentials') });
  });
});
