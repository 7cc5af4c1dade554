import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DemoReport } from './demo.ts';
import { summaryDisagreements } from './demo/summary-agreement.ts';
import { webhookCounts } from './report.ts';

const dir = mkdtempSync(join(tmpdir(), 'connectors-demo-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('pnpm demo, end to end', () => {
  it('syncs, resumes, absorbs every fault, applies the webhooks once and proves it, then exits 0', async () => {
    const reportPath = join(dir, 'report.json');
    const result = await run('src/demo.ts', ['--db', join(dir, 'example.db'), '--report', reportPath]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as DemoReport;
    expect(report.ok).toBe(true);
    expect(report.checks.length).toBeGreaterThanOrEqual(14);
    // SQLite mode: the report names the app's database file, and it is there.
    expect(report.databasePath).toBe(join(dir, 'example.db'));
    expect(existsSync(report.databasePath!)).toBe(true);
    expect(report).not.toHaveProperty('postgres');
    for (const check of report.checks) expect(check, check.label).toMatchObject({ ok: true });

    // The faults really happened and were absorbed, counted from the client's events.
    const c = report.counts;
    expect(c.retries).toBeGreaterThan(0);
    expect(c.rateLimited).toBeGreaterThan(0);
    expect(c.retriesAfter429).toBe(c.rateLimited); // every 429 absorbed by a retry
    expect(c.failures).toEqual({});
    expect(report.sandbox.oauth.refreshes).toBeGreaterThan(0);
    // ...and the webhooks misbehaved as promised.
    expect(report.webhooks.duplicates).toBeGreaterThan(0);
    expect(report.webhooks.rejected).toBeGreaterThan(0);
    expect(report.webhooks.deadLettered).toBe(1);
    expect(report.resume.resumedAtPage).toBe(report.resume.interruptedAfterPage! + 1);

    // What a person reads: every check a ✓ line, none a ✗, and the numbers the report promises.
    const checkLines = result.stdout.slice(result.stdout.indexOf('\nChecks\n')).split('\n').filter((line) => /^\s+[✓✗] /.test(line));
    expect(checkLines.length).toBe(report.checks.length);
    expect(checkLines.filter((line) => line.includes('✗'))).toEqual([]);
    expect(result.stdout).toContain(`All ${report.checks.length} checks passed.`);
    for (const heading of ['API calls', 'retries', '429s absorbed', 'throttled waits', 'token refreshes', 'webhooks', 'resume']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${heading}\\s`, 'm'));
    }
    expect(result.stdout).toMatch(/resumed from the saved checkpoint/);

    // Every number of the report is what its label says, and the same as the check that speaks of it.
    expect(summaryDisagreements(result.stdout)).toEqual([]);
    // The report's webhook numbers are the burst's sources' only (the inbox also served Slack's deliveries).
    expect(report.webhooks.sources).toEqual(['github', 'stripe']);
    const burst = webhookCounts(c, report.webhooks.sources);
    expect(report.webhooks).toMatchObject({ accepted: burst.inbox.stored, duplicates: burst.inbox.duplicate, rejected: burst.inbox.rejected, applied: burst.worker.processed, deadLettered: burst.worker.deadLettered });
    expect(report.webhooks.accepted).toBe(report.webhooks.applied + report.webhooks.deadLettered);
    expect(report.slack).toBeDefined();
    expect(report.webhooks.accepted + report.slack!.accepted).toBe(c.inbox.stored);
    expect(report.webhooks.rejected + report.slack!.rejected).toBe(c.inbox.rejected);
  });
});
