import { readFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';
import { SchemaValidationError } from '@connectors/core';
import { describe, expect, it } from 'vitest';
import installationCreated from './__fixtures__/installation-created.json' with { type: 'json' };
import issuesOpened from './__fixtures__/issues-opened.json' with { type: 'json' };
import pullRequestOpened from './__fixtures__/pull-request-opened.json' with { type: 'json' };
import push from './__fixtures__/push.json' with { type: 'json' };
import { isTypedGitHubEvent, githubScheme, verifyGitHubWebhook } from './github-webhooks.ts';

const SECRET = 'whsec-github-test-secret';

function deliver(name: string, payload: unknown, options: { secret?: string; id?: string; tamper?: boolean } = {}) {
  const body = JSON.stringify(payload);
  const id = options.id ?? '72d3162e-cc78-11e3-81ab-4c9367dc0958';
  const headers = githubScheme.sign({ body: Buffer.from(body), secret: options.secret ?? SECRET, timestampMs: Date.now(), id, type: name, method: 'POST', url: undefined });
  return { body: options.tamper ? body.replace('octocat', 'mallory') : body, headers };
}

describe('verifyGitHubWebhook', () => {
  it.each([
    ['push', push],
    ['issues', issuesOpened],
    ['pull_request', pullRequestOpened],
    ['installation', installationCreated],
  ])('verifies and types a %s delivery, with X-GitHub-Delivery as its id', async (name, payload) => {
    const result = await verifyGitHubWebhook({ ...deliver(name, payload), secret: SECRET });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.webhook).toMatchObject({ typed: true, name, id: '72d3162e-cc78-11e3-81ab-4c9367dc0958' });
  });

  it('narrows the payload type on the event name', async () => {
    const result = await verifyGitHubWebhook({ ...deliver('push', push), secret: SECRET });
    if (!result.ok || !result.webhook.typed || result.webhook.name !== 'push') throw new Error('expected a typed push');
    expect(result.webhook.payload.commits[0]?.modified).toEqual(['README.md']);
    // A push's repository carries integer timestamps, unlike the REST API.
    expect(result.webhook.payload.repository.created_at).toBe(1296068472);
  });

  it('rejects a tampered body or the wrong secret, and accepts the old secret during a rotation', async () => {
    expect(await verifyGitHubWebhook({ ...deliver('push', push, { tamper: true }), secret: SECRET })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
    expect(await verifyGitHubWebhook({ ...deliver('push', push, { secret: 'other' }), secret: SECRET })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
    expect(await verifyGitHubWebhook({ ...deliver('push', push, { secret: 'old-secret' }), secrets: [SECRET, 'old-secret'] })).toMatchObject({ ok: true });
  });

  it('passes events it has no types for through untyped', async () => {
    const result = await verifyGitHubWebhook({ ...deliver('star', { action: 'created', starred_at: '2024-01-01T00:00:00Z' }), secret: SECRET });
    expect(result).toMatchObject({ ok: true, webhook: { typed: false, name: 'star', payload: { action: 'created' } } });
  });

  it('accepts a new action value GitHub adds, but throws SchemaValidationError for a payload of the wrong shape', async () => {
    const future = await verifyGitHubWebhook({ ...deliver('issues', { ...issuesOpened, action: 'archived_by_ai' }), secret: SECRET });
    expect(future).toMatchObject({ ok: true, webhook: { typed: true, payload: { action: 'archived_by_ai' } } });
    const broken = verifyGitHubWebhook({ ...deliver('issues', { ...issuesOpened, issue: { ...issuesOpened.issue, number: 'one' } }), secret: SECRET });
    await expect(broken).rejects.toBeInstanceOf(SchemaValidationError);
    await expect(broken).rejects.toThrow(/issue\.number/);
  });

  it.each(['pinned', 'unpinned'])('types an issues delivery with action %s, whose issue has no state, labels or locked', async (action) => {
    const examples = webhookExamples().find((e) => e.name === 'issues')!.examples.filter((p) => (p as { action?: string }).action === action);
    expect(examples.length).toBeGreaterThan(0);
    for (const payload of examples) {
      const result = await verifyGitHubWebhook({ ...deliver('issues', payload), secret: SECRET });
      if (!result.ok || !result.webhook.typed || result.webhook.name !== 'issues') throw new Error(`expected a typed issues delivery, got ${JSON.stringify(result).slice(0, 200)}`);
      expect(result.webhook.payload.action).toBe(action);
    }
    // The same payload as GitHub sends it, hand-made: an issue without state, labels or locked.
    const { state: _s, labels: _l, locked: _k, ...issue } = issuesOpened.issue;
    const pinned = await verifyGitHubWebhook({ ...deliver('issues', { ...issuesOpened, action, issue }), secret: SECRET });
    expect(pinned).toMatchObject({ ok: true, webhook: { typed: true, payload: { action } } });
  });

  it('verifies and parses every documented example payload of @octokit/webhooks-examples', async () => {
    let typed = 0;
    let total = 0;
    const failures: string[] = [];
    for (const { name, examples } of webhookExamples()) {
      for (const payload of examples) {
        total++;
        try {
          const result = await verifyGitHubWebhook({ ...deliver(name, payload), secret: SECRET });
          if (!result.ok) failures.push(`${name}: ${result.reason}`);
          else if (result.webhook.typed !== isTypedGitHubEvent(name)) failures.push(`${name}: typed is ${String(result.webhook.typed)}`);
          else if (result.webhook.typed) typed++;
        } catch (error) {
          failures.push(`${name} ${String((payload as { action?: string }).action)}: ${(error as Error).message.slice(0, 300)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(total).toBeGreaterThan(300);
    expect(typed).toBeGreaterThan(40);
  });
});

/** @octokit/webhooks-examples 7.6.1 (vendored compressed, see openapi/manifest.json): every documented payload, per event. */
function webhookExamples(): Array<{ name: string; examples: unknown[] }> {
  const file = new URL('./__fixtures__/webhooks-examples.json.br', import.meta.url);
  return JSON.parse(brotliDecompressSync(readFileSync(file)).toString('utf8')) as Array<{ name: string; examples: unknown[] }>;
}
