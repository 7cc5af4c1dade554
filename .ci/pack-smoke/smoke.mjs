// Runs in a throwaway npm project outside the workspace, against the packed tarballs:
// proves the published packages work on their own (no workspace: leftovers, no missing dependency).
import { createHttpClient } from '@connectors/core';
import { github } from '@connectors/github';
import { GITHUB_SANDBOX_REPO, GITHUB_SANDBOX_TOKEN, GITHUB_SANDBOX_WEBHOOK_SECRET, githubSandboxProvider } from '@connectors/github/sandbox';
import { startSandbox } from '@connectors/testing/sandbox';
import { githubScheme, signWebhook, verifyWebhook } from '@connectors/webhooks';

const sandbox = await startSandbox({ providers: [githubSandboxProvider], faults: { serverError: 0.1 }, seed: 7 });
try {
  const events = [];
  const gh = github.create({ token: GITHUB_SANDBOX_TOKEN, baseUrl: sandbox.urlFor('github'), onEvent: (e) => events.push(e) });
  const me = await gh.verifyCredentials();
  let issues = 0;
  for await (const _ of gh.issues.list({ ...GITHUB_SANDBOX_REPO, state: 'all' })) issues++;
  const retries = events.filter((e) => e.type === 'retry').length;

  const raw = createHttpClient({ connector: 'raw', baseUrl: sandbox.urlFor('github') });
  const unauthorized = await raw.request({ path: '/user' }).then(() => 'accepted', (error) => error.name);

  const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
  const headers = signWebhook(githubScheme, { body, secret: GITHUB_SANDBOX_WEBHOOK_SECRET, id: 'delivery-1', type: 'ping' });
  const verified = await verifyWebhook(githubScheme, { body, headers, secret: GITHUB_SANDBOX_WEBHOOK_SECRET });
  const forged = await verifyWebhook(githubScheme, { body: body + ' ', headers, secret: GITHUB_SANDBOX_WEBHOOK_SECRET });

  const checks = {
    'verifyCredentials reports the identity': typeof me.identity === 'string' && me.identity.length > 0,
    'paginated all sandbox issues': issues > 0,
    'a call without credentials is refused with AuthError': unauthorized === 'AuthError',
    'a signed webhook verifies': verified.ok === true,
    'a tampered webhook is rejected': forged.ok === false,
  };
  for (const [name, ok] of Object.entries(checks)) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  console.log(`(${issues} issues, ${retries} retries through injected 5xx faults)`);
  process.exitCode = Object.values(checks).every(Boolean) ? 0 : 1;
} finally {
  await sandbox.stop();
}
