import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { GITHUB_SANDBOX_TOKEN, githubSandboxProvider } from '@connectors/github/sandbox';
import { HUBSPOT_SANDBOX_PRIVATE_APP_TOKEN, hubspotSandboxProvider } from '@connectors/hubspot/sandbox';
import { SHOPIFY_SANDBOX_ACCESS_TOKEN, SHOPIFY_SANDBOX_SHOP, shopifySandboxProvider, shopifySandboxUrl } from '@connectors/shopify/sandbox';
import { SLACK_SANDBOX_BOT_TOKEN, slackSandboxProvider } from '@connectors/slack/sandbox';
import { startSandbox, type SandboxProvider } from '@connectors/testing/sandbox';
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

  it.each([
    ['slack', 'skipped: SLACK_BOT_TOKEN not set'],
    ['shopify', 'skipped: SHOPIFY_ACCESS_TOKEN, SHOPIFY_SHOP not set'],
    ['hubspot', 'skipped: HUBSPOT_ACCESS_TOKEN not set'],
  ])('%s: says what it skipped and exits 0 without credentials', (connector, skipped) => {
    const run = live(connector, {});
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(skipped);
    expect(run.stdout).toContain('verifyCredentials');
  });

  // Each connector's checks pointed at its sandbox through LIVE_BASE_URL, as they would run against the real API.
  const fullRuns: [string, SandboxProvider, (urlFor: { urlFor(provider: string): string }) => Record<string, string>, number][] = [
    ['github', githubSandboxProvider, (s) => ({ GITHUB_TOKEN: GITHUB_SANDBOX_TOKEN, LIVE_BASE_URL: s.urlFor('github') }), 5],
    ['slack', slackSandboxProvider, (s) => ({ SLACK_BOT_TOKEN: SLACK_SANDBOX_BOT_TOKEN, LIVE_BASE_URL: `${s.urlFor('slack')}/api` }), 4],
    ['shopify', shopifySandboxProvider, (s) => ({ SHOPIFY_ACCESS_TOKEN: SHOPIFY_SANDBOX_ACCESS_TOKEN, SHOPIFY_SHOP: SHOPIFY_SANDBOX_SHOP, LIVE_BASE_URL: shopifySandboxUrl(s) }), 4],
    ['hubspot', hubspotSandboxProvider({ auth: 'private-app' }), (s) => ({ HUBSPOT_ACCESS_TOKEN: HUBSPOT_SANDBOX_PRIVATE_APP_TOKEN, LIVE_BASE_URL: s.urlFor('hubspot') }), 4],
  ];
  it.each(fullRuns)('%s: runs every read-only check and reports drift when credentials are present', async (connector, provider, envFor, checks) => {
    const sandbox = await startSandbox({ providers: [provider] });
    try {
      const run = await new Promise<{ status: number | null; stdout: string }>((done) => {
        // Asynchronously: the sandbox answers from this process.
        import('node:child_process').then(({ execFile }) =>
          execFile(process.execPath, [resolve(root, 'scripts/test-live.ts')], {
            cwd: resolve(root, 'packages', connector),
            env: { PATH: process.env['PATH'] ?? '', ...envFor(sandbox) },
          }, (error, stdout) => done({ status: error ? (error.code as number) : 0, stdout })),
        );
      });
      expect(run.stdout).toContain(`${checks}/${checks} checks passed`);
      expect(run.status).toBe(0);
    } finally {
      await sandbox.stop();
    }
  });
});
