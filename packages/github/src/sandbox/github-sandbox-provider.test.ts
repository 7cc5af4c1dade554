import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RateLimitError } from '@connectors/core';
import { startSandbox, type Sandbox } from '@connectors/testing/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { github } from '../github-connector.ts';
import { verifyGitHubWebhook, type GitHubWebhook } from '../webhooks/github-webhooks.ts';
import {
  GITHUB_SANDBOX_INSTALLATION_ID,
  GITHUB_SANDBOX_ORG,
  GITHUB_SANDBOX_REPO,
  GITHUB_SANDBOX_TOKEN,
  GITHUB_SANDBOX_WEBHOOK_SECRET,
  githubSandboxProvider,
  githubSandboxWebhookEvents,
} from './github-sandbox-provider.ts';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ providers: [githubSandboxProvider] });
});
afterAll(async () => {
  await sandbox.stop();
});

const connect = () => github.create({ token: GITHUB_SANDBOX_TOKEN, baseUrl: sandbox.urlFor('github') });

describe('githubSandboxProvider', () => {
  it('serves the 120 seeded issues across Link-header pages, and filters by state as GitHub does', async () => {
    const gh = connect();
    const all: number[] = [];
    let pages = 0;
    for await (const page of gh.issues.list({ ...GITHUB_SANDBOX_REPO, state: 'all' }, { perPage: 50 }).pages()) {
      pages++;
      all.push(...page.items.map((issue) => issue.number));
    }
    expect(pages).toBe(3);
    expect(all).toHaveLength(120);
    expect(new Set(all).size).toBe(120);
    let open = 0;
    for await (const issue of gh.issues.list(GITHUB_SANDBOX_REPO)) {
      expect(issue.state).toBe('open');
      open++;
    }
    expect(open).toBe(90);
  });

  it('checks credentials and reports the identity', async () => {
    expect((await connect().verifyCredentials()).identity).toBe('octocat');
    const wrong = github.create({ token: 'ghp_wrong', baseUrl: sandbox.urlFor('github') });
    await expect(wrong.verifyCredentials()).rejects.toMatchObject({ name: 'AuthError', code: 'rejected' });
  });

  it('reports x-ratelimit-* headers the connector can pace on', async () => {
    const response = await connect().http.send({ path: '/user' });
    expect(Number(response.headers.get('x-ratelimit-limit'))).toBe(5000);
    expect(Number(response.headers.get('x-ratelimit-remaining'))).toBeLessThan(5000);
  });

  it('lists organization repositories and pull requests, and round-trips writes', async () => {
    const gh = connect();
    const repos: string[] = [];
    for await (const repo of gh.repos.listForOrg({ org: GITHUB_SANDBOX_ORG })) repos.push(repo.name);
    expect(repos).toHaveLength(30);
    const pulls: number[] = [];
    for await (const pull of gh.pulls.list({ ...GITHUB_SANDBOX_REPO, state: 'all' })) pulls.push(pull.number);
    expect(pulls).toHaveLength(15);
    expect((await gh.pulls.get({ ...GITHUB_SANDBOX_REPO, pull_number: pulls[0]! })).number).toBe(pulls[0]);

    const created = await gh.issues.create({ ...GITHUB_SANDBOX_REPO, title: 'From the sandbox test', labels: ['bug'] });
    const closed = await gh.issues.update({ ...GITHUB_SANDBOX_REPO, issue_number: created.number, state: 'closed', state_reason: 'completed' });
    expect(closed.state).toBe('closed');
    await gh.issues.createComment({ ...GITHUB_SANDBOX_REPO, issue_number: created.number, body: 'done' });
    const comments: string[] = [];
    for await (const comment of gh.issues.listComments({ ...GITHUB_SANDBOX_REPO, issue_number: created.number })) comments.push(comment.body ?? '');
    expect(comments).toEqual(['done']);
  });

  it('supports GitHub App auth end to end: JWT, installation token, then API calls', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const gh = github.create({ app: { appId: 1066, privateKey, installationId: GITHUB_SANDBOX_INSTALLATION_ID }, baseUrl: sandbox.urlFor('github') });
    expect((await gh.verifyCredentials()).identity).toMatch(/^app octoapp, installation 2311213/);
    expect((await gh.repos.get(GITHUB_SANDBOX_REPO)).full_name).toBe('octocat/Hello-World');
  });

  it('signs webhooks a receiver verifies with verifyGitHubWebhook', async () => {
    const received: GitHubWebhook[] = [];
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void verifyGitHubWebhook({ body: Buffer.concat(chunks), headers: req.headers, secret: GITHUB_SANDBOX_WEBHOOK_SECRET }).then((result) => {
          if (result.ok) received.push(result.webhook);
          res.writeHead(result.ok ? 202 : 401).end();
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/github`;
      const results = await sandbox.sendWebhooks({ provider: 'github', url, events: githubSandboxWebhookEvents() });
      expect(results.map((r) => r.status)).toEqual([202, 202, 202, 202]);
      expect(received.map((w) => [w.typed, w.name])).toEqual([[true, 'push'], [true, 'issues'], [true, 'pull_request'], [true, 'installation']]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('paces on its x-ratelimit-* headers: an exhausted limit defers the call instead of sending it', async () => {
    const small = await startSandbox({ providers: [{ ...githubSandboxProvider, rateLimit: { limit: 2, windowMs: 3_600_000, headers: 'github', status: 403 } }] });
    try {
      const gh = github.create({ token: GITHUB_SANDBOX_TOKEN, baseUrl: small.urlFor('github'), rateLimit: { maxWaitMs: 1000 } });
      await gh.users.getAuthenticated();
      await gh.users.getAuthenticated();
      const error = await gh.users.getAuthenticated().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitError);
      expect((error as RateLimitError).retryAt.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
      expect(small.stats().requests).toBe(2);
    } finally {
      await small.stop();
    }
  });

  it('without pacing, turns the 403 primary-limit answer into RateLimitError with retryAt', async () => {
    const small = await startSandbox({ providers: [{ ...githubSandboxProvider, rateLimit: { limit: 1, windowMs: 3_600_000, headers: 'github', status: 403 } }] });
    try {
      const gh = github.create({ token: GITHUB_SANDBOX_TOKEN, baseUrl: small.urlFor('github'), rateLimit: false, retry: { maxRetryAfterMs: 1000 } });
      await gh.users.getAuthenticated();
      const error = await gh.users.getAuthenticated().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitError);
      expect((error as RateLimitError).status).toBe(403);
      expect(small.stats().rateLimited).toBe(1);
    } finally {
      await small.stop();
    }
  });
});
