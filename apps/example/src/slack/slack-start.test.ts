import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { githubSandboxProvider, GITHUB_SANDBOX_REPO, GITHUB_SANDBOX_TOKEN } from '@connectors/github/sandbox';
import { createSlackSandboxProvider, SLACK_SANDBOX_BOT_TOKEN, type SlackSandboxProvider } from '@connectors/slack/sandbox';
import { STRIPE_SANDBOX_SECRET_KEY, stripeSandboxProvider } from '@connectors/stripe/sandbox';
import { type Sandbox, startSandbox } from '@connectors/testing/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let sandbox: Sandbox;
let slack: SlackSandboxProvider;
const dir = mkdtempSync(join(tmpdir(), 'connectors-slack-start-'));
beforeAll(async () => {
  slack = createSlackSandboxProvider();
  sandbox = await startSandbox({ providers: [githubSandboxProvider, stripeSandboxProvider, slack] });
});
afterAll(async () => {
  await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `node src/main.ts` with these variables until stdout matches `until` (then SIGTERM), or until it exits. */
function start(env: Record<string, string>, until?: RegExp): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['src/main.ts'], { cwd: join(import.meta.dirname, '../..'), env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let stopping = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stopping || !until?.test(stdout)) return;
      stopping = true;
      child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const env = (slackEnv: Record<string, string>, name: string) => ({
  GITHUB_TOKEN: GITHUB_SANDBOX_TOKEN,
  GITHUB_REPO: `${GITHUB_SANDBOX_REPO.owner}/${GITHUB_SANDBOX_REPO.repo}`,
  GITHUB_API_URL: sandbox.urlFor('github'),
  STRIPE_SECRET_KEY: STRIPE_SANDBOX_SECRET_KEY,
  STRIPE_API_URL: sandbox.urlFor('stripe'),
  SLACK_API_URL: `${sandbox.urlFor('slack')}/api`,
  DATABASE_PATH: join(dir, `${name}.db`),
  PORT: '0',
  ...slackEnv,
});

describe('pnpm start with Slack', () => {
  it('checks the bot token, syncs channels and history, and announces the sync once in SLACK_POST_CHANNEL', async () => {
    const e = env({ SLACK_BOT_TOKEN: SLACK_SANDBOX_BOT_TOKEN, SLACK_POST_CHANNEL: 'C0SBX00002' }, 'slack-ok');
    const run = await start(e, /"event":"slack-posted"/);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/"slack":"sandbox-bot \(U0SBXBOT01, bot B0SBXBOT01\) in Sandbox Workspace \(T0SBX00001\)"/);
    const db = new Database(e.DATABASE_PATH, { readonly: true });
    try {
      expect((db.prepare('SELECT count(*) AS n FROM slack_channels').get() as { n: number }).n).toBe(12);
      expect((db.prepare("SELECT count(*) AS n FROM slack_messages WHERE source = 'post'").get() as { n: number }).n).toBe(1);
    } finally {
      db.close();
    }
    expect(slack.counts().posted).toBe(1);
  });

  it('refuses to start when Slack rejects the token, and says which setting to fix', async () => {
    const run = await start(env({ SLACK_BOT_TOKEN: 'xoxb-wrongtoken' }, 'slack-wrong'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/✗ slack \(SLACK_BOT_TOKEN\): Slack rejected SLACK_BOT_TOKEN \(invalid_auth\)/);
    expect(run.stderr).not.toContain('xoxb-wrongtoken');
  });
});
