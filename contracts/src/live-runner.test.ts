import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { GITHUB_SANDBOX_TOKEN, githubSandboxProvider } from '@connectors/github/sandbox';
import { startSandbox } from '@connectors/testing/sandbox';
import { describe, expect, it } from 'vitest';

// `pnpm test:live` (scripts/test-live.ts): skip mode without credentials, refusal of a live Stripe
// key, and a full run, pointed at the GitHub sandbox through LIVE_BASE_URL.
const root = resolve(import.meta.dirname, '../..');
const live = (connector: string, env: Record<string, string>) =>
  spawnSync(process.execPath, [resolve(root, 'scripts/test-live.ts')], {
    cwd: resolve(root, 'packages', connector),
    env: { PATH: process.env['PATH'] ?? '', ...env },
    encoding: 'utf8',
  });

describe('pnpm test:live', () => {
  it('says what it skipped and exits 0 without credentials', () => {
    const run = live('github', {});
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('skipped: GITHUB_TOKEN not set');
    expect(run.stdout).toContain('issues.list octocat/Hello-World');
  });

  it('refuses a live Stripe key before any call', () => {
    const run = live('stripe', { STRIPE_SECRET_KEY: 'sk_live_not-a-test-key' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('not a test-mode key');
  });

  it('runs every read-only check and reports drift when credentials are present', async () => {
    const sandbox = await startSandbox({ providers: [githubSandboxProvider] });
    try {
      const run = await new Promise<{ status: number | null; stdout: string }>((done) => {
        // Asynchronously: the sandbox answers from this process.
        import('node:child_process').then(({ execFile }) =>
          execFile(process.execPath, [resolve(root, 'scripts/test-live.ts')], {
            cwd: resolve(root, 'packages/github'),
            env: { PATH: process.env['PATH'] ?? '', GITHUB_TOKEN: GITHUB_SANDBOX_TOKEN, LIVE_BASE_URL: sandbox.urlFor('github') },
          }, (error, stdout) => done({ status: error ? (error.code as number) : 0, stdout })),
        );
      });
      expect(run.stdout).toContain('5/5 checks passed');
      expect(run.status).toBe(0);
    } finally {
      await sandbox.stop();
    }
  });
});
