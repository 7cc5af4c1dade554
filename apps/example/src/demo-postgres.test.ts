import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { DemoReport } from './demo.ts';
import { summaryDisagreements } from './demo/summary-agreement.ts';

const dir = mkdtempSync(join(tmpdir(), 'connectors-demo-pg-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SERVER = process.env.CONNECTORS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('pnpm demo:postgres, end to end', () => {
  it('runs the app on a throwaway PostgreSQL database (rows, checkpoints, effects, tokens, inboxes), creates no SQLite file, passes every check, finds no token in clear, drops the database', async () => {
    const reportPath = join(dir, 'report.json');
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['src/demo.ts', '--postgres-url', SERVER, '--db', join(dir, 'example.db'), '--report', reportPath], {
        cwd: join(import.meta.dirname, '..'),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as DemoReport;
    for (const check of report.checks) expect(check, check.label).toMatchObject({ ok: true });
    const labels = report.checks.map((c) => c.label);
    expect(labels).toContainEqual(expect.stringMatching(/^tokens at rest \(PostgreSQL\): no access or refresh token in clear in [1-9]\d* row/));
    // The synced rows were counted in PostgreSQL, table by table (GitHub, Stripe, Slack, Shopify, HubSpot, checkpoints, effects).
    const storage = labels.find((label) => label.startsWith('storage: '));
    expect(storage).toMatch(/in PostgreSQL \((\d+) rows in 16 tables of schema app, each count as expected\); no SQLite file was created$/);
    expect(Number(/\((\d+) rows/.exec(storage!)![1])).toBeGreaterThan(10_400); // HubSpot's contacts alone are 10,400
    // The SQLite-only check is not run, and nothing in the data directory is a SQLite database.
    expect(labels.filter((label) => label.startsWith('tokens at rest: '))).toEqual([]);
    expect(readdirSync(dir).filter((name) => /\.db(-wal|-shm|-journal)?$/.test(name))).toEqual([]);
    expect(result.stdout).toMatch(/-> PostgreSQL; webhooks through a durable inbox/);
    expect(result.stdout).toMatch(/All \d+ checks passed\./);
    // Every number of the report is what its label says, and the same as the check that speaks of it.
    expect(summaryDisagreements(result.stdout)).toEqual([]);
    const name = /postgres\s+(connectors_demo_\w+)/.exec(result.stdout)?.[1];
    expect(name).toBeDefined();
    // The report names the database and schemas the run used, not a SQLite file that was never created.
    expect(report.postgres).toEqual({ database: name, appSchema: 'app', connectorsSchema: 'connectors' });
    expect(report).not.toHaveProperty('databasePath');
    expect(result.stdout).toMatch(/encrypted at rest \(AES-256-GCM\) with a throwaway key/);
    const client = new pg.Client({ connectionString: SERVER });
    await client.connect();
    const left = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    await client.end();
    expect(left.rowCount).toBe(0);
  }, 60_000);
});
