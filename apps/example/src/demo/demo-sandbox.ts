import { githubSandboxProvider, GITHUB_SANDBOX_REPO, GITHUB_SANDBOX_WEBHOOK_SECRET } from '@connectors/github/sandbox';
import { STRIPE_SANDBOX_SECRET_KEY, STRIPE_SANDBOX_WEBHOOK_SECRET, stripeSandboxProvider } from '@connectors/stripe/sandbox';
import { createSlackSandboxProvider, type SlackSandboxProvider } from '@connectors/slack/sandbox';
import { SLACK_DEMO_FAULTS, slackDemoConfig } from '../slack/slack-demo.ts';
import { type Sandbox, type SandboxFaults, type SandboxProvider, startSandbox } from '@connectors/testing/sandbox';
import type { AppConfig } from '../config.ts';
import { DEMO_FAULT_RATES } from './fault-plan.ts';

/** Same seed, same faults on the same requests: the demo tells the same story every time. */
export const DEMO_SEED = 8;

const CLIENT_ID = 'demo-github-app';
const CLIENT_SECRET = 'demo-github-app-secret';
const FIRST_REFRESH_TOKEN = 'demo-refresh-token-0';
/** The variable the demo puts a throwaway token-encryption key in (generated per run unless already set). */
export const DEMO_TOKEN_KEY_ENV = 'CONNECTORS_DEMO_TOKEN_KEY';

/**
 * GitHub as a GitHub App acting for a user: access tokens that expire and refresh tokens that rotate
 * on every use (and revoke the whole family when a spent one is presented again), served from the
 * GitHub sandbox's seeded data. The `tokenExpiry` fault applies to it.
 */
export const githubAppUserProvider: SandboxProvider = {
  ...githubSandboxProvider,
  auth: { kind: 'oauth2', clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }], accessTokenTtlSeconds: 8 * 3600, refreshTokens: [FIRST_REFRESH_TOKEN] },
};

/** What the sandbox serves, for comparing the database with it. The sandbox copies these at start and the demo only reads. */
export const seeded = {
  issues: githubSandboxProvider.data!['issues']! as readonly Record<string, unknown>[],
  customers: stripeSandboxProvider.data!['customers']! as readonly Record<string, unknown>[],
  paymentIntents: stripeSandboxProvider.data!['payment_intents']! as readonly Record<string, unknown>[],
};

export interface DemoSandbox {
  sandbox: Sandbox;
  /** Slack's sandbox provider, with its own counters (tier limits met, tokens expired, refreshes). */
  slack: SlackSandboxProvider;
  /** The app's configuration pointed at the sandbox. */
  configFor(databasePath: string): AppConfig;
}

/** The seeded rates alone by default; the demo passes its fault plan (`demoPlanFor`), which adds the planned faults every seed gets. */
export async function startDemoSandbox(seed = DEMO_SEED, faults: SandboxFaults = DEMO_FAULT_RATES): Promise<DemoSandbox> {
  const slack = createSlackSandboxProvider({ faults: SLACK_DEMO_FAULTS });
  const sandbox = await startSandbox({ providers: [githubAppUserProvider, stripeSandboxProvider, slack], faults, seed });
  return {
    sandbox,
    slack,
    configFor: (databasePath) => ({
      databasePath,
      port: 0,
      syncIntervalMs: 15 * 60_000,
      github: {
        repo: { ...GITHUB_SANDBOX_REPO },
        baseUrl: sandbox.urlFor('github'),
        auth: { kind: 'oauth', tokenUrl: `${sandbox.urlFor('github')}/oauth/token`, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: FIRST_REFRESH_TOKEN },
        webhookSecret: GITHUB_SANDBOX_WEBHOOK_SECRET,
        // Small pages, so the listing has pages to interrupt and resume.
        perPage: 20,
      },
      stripe: { secretKey: STRIPE_SANDBOX_SECRET_KEY, baseUrl: sandbox.urlFor('stripe'), webhookSecret: STRIPE_SANDBOX_WEBHOOK_SECRET, pageSize: 10 },
      slack: slackDemoConfig(sandbox.urlFor('slack')),
      // Production backoff starts at 1 s; the demo's faults are frequent, so it retries sooner and a little longer.
      retry: { baseDelayMs: 200, maxAttempts: 6 },
      tokenEncryption: { keyEnv: DEMO_TOKEN_KEY_ENV },
    }),
  };
}
