import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { githubSandboxProvider, GITHUB_SANDBOX_REPO, GITHUB_SANDBOX_TOKEN } from '@connectors/github/sandbox';
import { STRIPE_SANDBOX_SECRET_KEY, stripeSandboxProvider } from '@connectors/stripe/sandbox';
import { type Sandbox, startSandbox } from '@connectors/testing/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoDatabase } from './demo/demo-postgres.ts';

let sandbox: Sandbox;
const dir = mkdtempSync(join(tmpdir(), 'connectors-start-test-'));
beforeAll(async () => {
  sandbox = await startSandbox({ providers: [githubSandboxProvider, stripeSandboxProvider] });
});
afterAll(async () => {
  await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node src/main.ts` (what `pnpm start` runs) with only these variables. When stdout matches
 * `until`, `whileRunning` gets the log so far, then the process gets one SIGTERM.
 */
function start(env: Record<string, string>, until?: RegExp, whileRunning?: (stdout: string) => Promise<void>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['src/main.ts'], { cwd: join(import.meta.dirname, '..'), env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let stopping = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // Once: a second signal is the "stop now" that skips the graceful shutdown.
      if (stopping || !until?.test(stdout)) return;
      stopping = true;
      void (whileRunning?.(stdout) ?? Promise.resolve()).catch(reject).finally(() => child.kill('SIGTERM'));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const sandboxEnv = (overrides: Record<string, string>, name: string) => ({
  GITHUB_TOKEN: GITHUB_SANDBOX_TOKEN,
  GITHUB_REPO: `${GITHUB_SANDBOX_REPO.owner}/${GITHUB_SANDBOX_REPO.repo}`,
  GITHUB_API_URL: sandbox.urlFor('github'),
  STRIPE_SECRET_KEY: STRIPE_SANDBOX_SECRET_KEY,
  STRIPE_API_URL: sandbox.urlFor('stripe'),
  DATABASE_PATH: join(dir, `${name}.db`),
  PORT: '0',
  ...overrides,
});

function issueCount(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM github_issues').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('pnpm start', () => {
  it('without credentials, names every missing variable and offers the demo', async () => {
    const run = await start({});
    expect(run.code).toBe(2);
    for (const name of ['GITHUB_TOKEN', 'GITHUB_REPO', 'STRIPE_SECRET_KEY']) expect(run.stderr).toMatch(new RegExp(`✗ ${name} is not set`));
    expect(run.stderr).toContain('pnpm demo');
    expect(run.stdout).toBe('');
  });

  it('refuses to start when GitHub rejects the token: says which credential and what to fix, never prints it', async () => {
    const env = sandboxEnv({ GITHUB_TOKEN: 'ghp_not-the-right-token' }, 'wrong-github');
    const run = await start(env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Cannot start: a credential is not working.');
    expect(run.stderr).toMatch(/✗ github \(GITHUB_TOKEN\): GitHub rejected GITHUB_TOKEN \(401\).*https:\/\/github\.com\/settings\/tokens/);
    expect(run.stderr).toMatch(/✓ stripe \(STRIPE_SECRET_KEY\): test mode, secret key/);
    expect(`${run.stdout}${run.stderr}`).not.toContain('not-the-right-token');
    expect(issueCount(env.DATABASE_PATH)).toBe(0); // nothing synced
  });

  it('refuses to start when Stripe rejects the key', async () => {
    const env = sandboxEnv({ STRIPE_SECRET_KEY: 'sk_test_not-the-right-key' }, 'wrong-stripe');
    const run = await start(env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/✗ stripe \(STRIPE_SECRET_KEY\): Stripe rejected STRIPE_SECRET_KEY \(401\)/);
    expect(run.stderr).toMatch(/✓ github \(GITHUB_TOKEN\): octocat/);
    expect(`${run.stdout}${run.stderr}`).not.toContain('not-the-right-key');
  });

  it('refuses a publishable key before making any call', async () => {
    const run = await start(sandboxEnv({ STRIPE_SECRET_KEY: 'pk_test_publishable' }, 'publishable'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/✗ stripe \(STRIPE_SECRET_KEY\): STRIPE_SECRET_KEY: .*publishable/i);
  });

  it('with working credentials, syncs everything, serves /health, and stops cleanly on SIGTERM', async () => {
    const env = sandboxEnv({}, 'working');
    const served: { health?: { status: number; body: { status: string; connectors: Record<string, unknown> } }; metrics?: string } = {};
    const run = await start(env, /"msg":"sync finished"/, async (stdout) => {
      const url = /"url":"(http:[^"]+)"/.exec(stdout)![1]!;
      const health = await fetch(`${url}/health`);
      served.health = { status: health.status, body: (await health.json()) as { status: string; connectors: Record<string, unknown> } };
      served.metrics = await (await fetch(`${url}/metrics`)).text();
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const logs = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logs.find((l) => l['msg'] === 'credentials verified')).toMatchObject({ github: 'octocat', stripe: 'test mode, secret key' });
    const done = logs.find((l) => l['msg'] === 'sync finished') as { listings: { listing: string; rows: number }[] };
    expect(done.listings.map((l) => [l.listing, l.rows])).toEqual([
      ['github:issues:octocat/Hello-World', 120],
      ['stripe:customers', 60],
      ['stripe:payment_intents', 40],
    ]);
    expect(issueCount(env.DATABASE_PATH)).toBe(120);
    expect(served.health).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(Object.keys(served.health!.body.connectors).sort()).toEqual(['github', 'stripe']);
    expect(served.metrics).toMatch(/connector_requests_total\{[^}]*connector="github"[^}]*operation="issues\.list"/);
    // No webhook secrets were given: the app says which endpoints it did not mount.
    expect(logs.filter((l) => String(l['msg']).includes('WEBHOOK_SECRET is not set')).length).toBe(2);
  });

  it('with DATABASE_URL, keeps the synced rows and checkpoints in PostgreSQL and creates no SQLite file', async () => {
    const database = await createDemoDatabase(process.env.CONNECTORS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
    try {
      const env = sandboxEnv({ DATABASE_URL: database.url, GITHUB_WEBHOOK_SECRET: 'whsec-test' }, 'postgres');
      const run = await start(env, /"msg":"sync finished"/);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(existsSync(env.DATABASE_PATH)).toBe(false);
      expect(readdirSync(dir).filter((name) => name.startsWith('postgres.'))).toEqual([]); // no inbox file either
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const count = async (table: string) => (await client.query<{ n: number }>(`SELECT count(*)::integer AS n FROM ${table}`)).rows[0]!.n;
        expect([await count('app.github_issues'), await count('app.stripe_customers'), await count('app.stripe_payment_intents')]).toEqual([120, 60, 40]);
        // Each listing's run closed, with the high-water mark the next run reads changes from.
        const states = await client.query<{ listing: string; high_water: string | null }>('SELECT listing, high_water FROM app.sync_state ORDER BY listing');
        expect(states.rows.map((row) => row.listing)).toEqual(['github:issues:octocat/Hello-World', 'stripe:customers', 'stripe:payment_intents']);
        expect(states.rows.every((row) => row.high_water !== null)).toBe(true);
        expect(await count('connectors.webhook_inbox')).toBe(0); // the inbox table is there, beside the app's
      } finally {
        await client.end();
      }
    } finally {
      await database.drop();
    }
  });
});
