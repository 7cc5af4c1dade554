import { describe, expect, it } from 'vitest';
import { createHttpClient } from './create-http-client.ts';

const fetchJson = (body: unknown) => (async () => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } })) as typeof globalThis.fetch;

describe('verifyCredentials', () => {
  it('awaits an async identify (a second call that names the grants)', async () => {
    const client = createHttpClient({
      connector: 'acme', baseUrl: 'https://api.acme.test', fetch: fetchJson({ account: 42 }),
      credentialsCheck: { path: '/me', identify: async (data) => `account ${(data as { account: number }).account}, scopes: read` },
    });
    expect(await client.verifyCredentials()).toMatchObject({ ok: true, identity: 'account 42, scopes: read' });
  });
});
