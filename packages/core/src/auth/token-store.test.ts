import { describe, expect, it } from 'vitest';
import { createHttpClient } from '../http/create-http-client.ts';
import { tokenProviderAuth } from './token-provider-auth.ts';
import { tokenStoreContract } from './__fixtures__/token-store-contract.ts';
import { memoryTokenStore, type TokenStore } from './token-store.ts';

describe('memoryTokenStore', () => {
  let shared: TokenStore = memoryTokenStore();
  // Every handle of one test is the same in-memory store; each test starts empty.
  tokenStoreContract(
    () => shared,
    async () => {
      shared = memoryTokenStore();
    },
  );
});

describe('a failing token store', () => {
  it('surfaces as a retryable AuthError naming the credential, not a raw driver error', async () => {
    const broken: TokenStore = {
      ...memoryTokenStore(),
      get: async () => {
        throw Object.assign(new Error('Connection is closed.'), { command: { name: 'get', args: ['secret-record'] } });
      },
    };
    let minted = 0;
    const auth = tokenProviderAuth({ store: broken, credentialId: 'gh-1', getToken: async () => ({ token: `t-${++minted}-abcdef` }) });
    const http = createHttpClient({ connector: 'acme', baseUrl: 'https://api.acme.test', auth, retry: { maxAttempts: 1 } });
    const error = await http.request({ path: '/me' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AuthError', code: 'refresh-failed', retryable: true });
    expect((error as Error).message).toBe("acme: token-provider credential 'gh-1': could not get a token (Error: Connection is closed.)");
    expect(JSON.stringify(error)).not.toContain('secret-record');
    expect(minted).toBe(0);
  });
});
