import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { DemoReport } from './demo.ts';

const dir = mkdtempSync(join(tmpdir(), 'connectors-demo-pg-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SERVER = process.env.CONNECTORS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('pnpm demo:postgres, end to end', () => {
  it('keeps tokens and the webhook inbox in a throwaway PostgreSQL database, passes every check, finds no token in clear, drops the database', async () => {
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
    expect(report.checks.map((c) => c.label)).toContainEqual(expect.stringMatching(/^tokens at rest \(PostgreSQL\): no access or refresh token in clear in [1-9]\d* row/));
    const name = /postgres\s+(connectors_demo_\w+)/.exec(result.stdout)?.[1];
    expect(name).toBeDefined();
    expect(result.stdout).toMatch(/encrypted at rest \(AES-256-GCM\) with a throwaway key/);
    const client = new pg.Client({ connectionString: SERVER });
    await client.connect();
    const left = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    await client.end();
    expect(left.rowCount).toBe(0);
  }, 60_000);
});
