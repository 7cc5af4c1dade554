import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../http/create-http-client.ts';
import { collector, leakedSecrets } from './__fixtures__/auth-test-kit.ts';
import { bearerAuth } from './bearer-auth.ts';

const API = 'https://api.acme.test';
const TOKEN = 'pat_test_9a8b7c6d5e4f3a2b1c0d';

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  delete process.env.ACME_TOKEN;
});

describe('bearerAuth', () => {
  it('sends Authorization: Bearer with the token from the environment', async () => {
    process.env.ACME_TOKEN = TOKEN;
    const scope = nock(API).get('/me').matchHeader('authorization', `Bearer ${TOKEN}`).reply(200, {});
    const http = createHttpClient({ connector: 'acme', baseUrl: API, auth: bearerAuth({ env: 'ACME_TOKEN' }) });
    await http.request({ path: '/me' });
    expect(scope.isDone()).toBe(true);
  });

  it('names the missing variable at client creation', () => {
    expect(() => createHttpClient({ connector: 'acme', baseUrl: API, auth: bearerAuth({ env: 'ACME_TOKEN' }) })).toThrow(
      expect.objectContaining({ name: 'AuthError', code: 'missing', message: 'acme: no token: environment variable ACME_TOKEN is not set; set it to the token' }),
    );
  });

  it('fails a call clearly if the variable is emptied at runtime, and keeps the token out of events and errors', async () => {
    process.env.ACME_TOKEN = TOKEN;
    const events = collector();
    const http = createHttpClient({ connector: 'acme', baseUrl: API, auth: bearerAuth({ env: 'ACME_TOKEN' }), onEvent: events.onEvent });
    nock(API).get('/me').reply(403, { message: `token ${TOKEN} lacks scope` });
    await events.failure(http.request({ path: '/me' }));
    process.env.ACME_TOKEN = '';
    const error = await events.failure(http.request({ path: '/me', operation: 'users.me' }));
    expect(error).toMatchObject({ name: 'AuthError', code: 'missing', operation: 'users.me' });
    expect(error.message).toContain('environment variable ACME_TOKEN is empty');
    expect(leakedSecrets(events.dump(), [TOKEN])).toEqual([]);
  });
});
