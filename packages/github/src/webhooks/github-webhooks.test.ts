import { SchemaValidationError } from '@connectors/core';
import { describe, expect, it } from 'vitest';
import installationCreated from './__fixtures__/installation-created.json' with { type: 'json' };
import issuesOpened from './__fixtures__/issues-opened.json' with { type: 'json' };
import pullRequestOpened from './__fixtures__/pull-request-opened.json' with { type: 'json' };
import push from './__fixtures__/push.json' with { type: 'json' };
import { githubScheme, verifyGitHubWebhook } from './github-webhooks.ts';

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
});
