import { AuthError, ConnectorError, HttpError } from '@connectors/core';
import type { GitHub } from '@connectors/github';
import type { Stripe } from '@connectors/stripe';
import type { AppConfig } from './config.ts';
import type { Connectors } from './connectors.ts';

/** The outcome of checking one credential at startup. */
export interface CredentialCheck {
  connector: 'github' | 'stripe' | 'slack';
  /** Which setting holds it, e.g. `GITHUB_TOKEN`. */
  credential: string;
  ok: boolean;
  /** Who it belongs to when it works (`octocat`, `test mode, secret key`). */
  identity?: string;
  /** When it does not: what is wrong and what to change. Never contains the secret. */
  problem?: string;
}

export interface StartupCheck {
  ok: boolean;
  checks: CredentialCheck[];
  /** Present when every check passed. */
  connectors?: Connectors;
}

/**
 * Builds each connector and proves its credentials with one cheap authenticated call (plus, for
 * GitHub, that the token can see the repository), so a wrong key stops the deploy instead of the
 * first sync. Every credential is checked, not just the first failing one.
 */
export async function checkCredentials(config: AppConfig, make: { github: () => GitHub; stripe: () => Stripe }): Promise<StartupCheck> {
  const githubName = config.github.auth.kind === 'token' ? 'GITHUB_TOKEN' : 'GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET / GITHUB_REFRESH_TOKEN';
  const repoName = `${config.github.repo.owner}/${config.github.repo.repo}`;
  let gh: GitHub | undefined;
  let st: Stripe | undefined;

  const githubCheck = async (): Promise<CredentialCheck> => {
    const base = { connector: 'github' as const, credential: githubName };
    try {
      gh = make.github();
      const { identity } = await gh.verifyCredentials();
      try {
        await gh.repos.get(config.github.repo);
      } catch (error) {
        if (error instanceof HttpError && (error.status === 404 || error.status === 403)) {
          return { ...base, ok: false, problem: `${githubName} works (as ${identity ?? 'unknown'}) but cannot see ${repoName}: check GITHUB_REPO, and give the token read access to that repository's issues` };
        }
        throw error;
      }
      return { ...base, ok: true, ...(identity ? { identity } : {}) };
    } catch (error) {
      return { ...base, ok: false, problem: githubProblem(error, githubName) };
    }
  };

  const stripeCheck = async (): Promise<CredentialCheck> => {
    const base = { connector: 'stripe' as const, credential: 'STRIPE_SECRET_KEY' };
    try {
      st = make.stripe();
      const { identity } = await st.verifyCredentials();
      return { ...base, ok: true, ...(identity ? { identity } : {}) };
    } catch (error) {
      return { ...base, ok: false, problem: stripeProblem(error) };
    }
  };

  const checks = await Promise.all([githubCheck(), stripeCheck()]);
  const ok = checks.every((check) => check.ok);
  return { ok, checks, ...(ok ? { connectors: { github: gh!, stripe: st! } } : {}) };
}

function githubProblem(error: unknown, name: string): string {
  if (error instanceof AuthError) {
    switch (error.code) {
      case 'missing':
        return `${name} is not set`;
      case 'rejected':
      case 'expired':
        return `GitHub rejected ${name} (401): it is wrong, expired or revoked. Create a token at https://github.com/settings/tokens (fine-grained: Issues read-only on the repository) and set ${name}`;
      case 'insufficient-scope':
        return `${name} is valid but not allowed to read the signed-in user (403); give it at least read access to the repository's issues`;
      case 'refresh-failed':
        return `GitHub refused to renew the token (${error.providerError ?? 'refresh failed'}): the refresh token is spent or revoked. Authorize the app again and set GITHUB_REFRESH_TOKEN (and delete the stored token from the database)`;
    }
  }
  return unreachable('GitHub', 'GITHUB_API_URL', error);
}

function stripeProblem(error: unknown): string {
  if (error instanceof AuthError) {
    if (error.code === 'missing') return 'STRIPE_SECRET_KEY is not set';
    if (error.status === 401) {
      return 'Stripe rejected STRIPE_SECRET_KEY (401): the key is wrong or was rolled. Copy a secret key (sk_...) or a restricted key that can read customers and payment intents from https://dashboard.stripe.com/apikeys';
    }
    if (error.code === 'insufficient-scope') return 'STRIPE_SECRET_KEY is a restricted key without read access to the balance; allow it to read balance, customers and payment intents';
    // Malformed keys (a publishable key, a webhook secret) are refused before any call, with a message that says which.
    return `STRIPE_SECRET_KEY: ${error.message}`;
  }
  return unreachable('Stripe', 'STRIPE_API_URL', error);
}

function unreachable(provider: string, urlVariable: string, error: unknown): string {
  if (error instanceof ConnectorError) return `${provider} could not be checked: ${error.message}${error.retryable ? ` (a network or provider problem; check ${urlVariable} if you set it, then try again)` : ''}`;
  return `${provider} could not be checked: ${error instanceof Error ? error.message : String(error)}`;
}

/** The message `pnpm start` prints when it refuses to start. */
export function formatStartupFailure(checks: readonly CredentialCheck[]): string {
  const lines = ['Cannot start: a credential is not working.'];
  for (const check of checks) {
    lines.push(check.ok ? `  ✓ ${check.connector} (${check.credential}): ${check.identity ?? 'ok'}` : `  ✗ ${check.connector} (${check.credential}): ${check.problem}`);
  }
  lines.push('Fix the setting marked ✗ and start again. (To see the app work without accounts: pnpm demo)');
  return lines.join('\n');
}
