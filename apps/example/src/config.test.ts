import { describe, expect, it } from 'vitest';
import { configFromEnv } from './config.ts';

const complete = { GITHUB_TOKEN: 'ghp_x', GITHUB_REPO: 'octocat/Hello-World', STRIPE_SECRET_KEY: 'sk_test_x' };

describe('configFromEnv', () => {
  it('reads the three required variables and the defaults', () => {
    const result = configFromEnv(complete);
    expect(result).toMatchObject({
      ok: true,
      config: { databasePath: 'data/example.db', port: 3000, syncIntervalMs: 900_000, github: { repo: { owner: 'octocat', repo: 'Hello-World' }, auth: { kind: 'token', token: 'ghp_x' } }, stripe: { secretKey: 'sk_test_x' } },
    });
    if (result.ok) expect(result.config.github.webhookSecret).toBeUndefined();
  });

  it('reports every problem at once, never just the first', () => {
    const result = configFromEnv({ GITHUB_REPO: 'not a repo', PORT: 'eighty' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toHaveLength(4);
      expect(result.problems.join('\n')).toMatch(/GITHUB_REPO must look like owner\/name; got "not a repo"[\s\S]*GITHUB_TOKEN is not set[\s\S]*STRIPE_SECRET_KEY is not set[\s\S]*PORT must be a port number/);
    }
  });

  it('takes a GitHub App user token instead of GITHUB_TOKEN, and says which part is missing', () => {
    const partial = configFromEnv({ GITHUB_REPO: 'o/r', STRIPE_SECRET_KEY: 'sk_test_x', GITHUB_CLIENT_ID: 'Iv1.abc' });
    expect(partial).toEqual({ ok: false, problems: ['GitHub App user token: GITHUB_CLIENT_SECRET, GITHUB_REFRESH_TOKEN are not set (all three are needed, or use GITHUB_TOKEN instead)'] });
    const full = configFromEnv({ GITHUB_REPO: 'o/r', STRIPE_SECRET_KEY: 'sk_test_x', GITHUB_CLIENT_ID: 'Iv1.abc', GITHUB_CLIENT_SECRET: 's', GITHUB_REFRESH_TOKEN: 'ghr_x', CONNECTORS_TOKEN_KEY: 'k' });
    expect(full).toMatchObject({ ok: true, config: { github: { auth: { kind: 'oauth', tokenUrl: 'https://github.com/login/oauth/access_token', clientId: 'Iv1.abc' } }, tokenEncryption: { keyEnv: 'CONNECTORS_TOKEN_KEY' } } });
    const unencrypted = configFromEnv({ GITHUB_REPO: 'o/r', STRIPE_SECRET_KEY: 'sk_test_x', GITHUB_CLIENT_ID: 'Iv1.abc', GITHUB_CLIENT_SECRET: 's', GITHUB_REFRESH_TOKEN: 'ghr_x' });
    expect(unencrypted).toMatchObject({ ok: false, problems: [expect.stringMatching(/^CONNECTORS_TOKEN_KEY is not set/)] });
  });
});
