import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../http/create-http-client.ts';
import { collector, leakedSecrets } from './__fixtures__/auth-test-kit.ts';
import { basicAuth } from './basic-auth.ts';

const API = 'https://api.acme.test';
const PASSWORD = 'sk_test_51Hq2x7Lk9PqR3sT';

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  delete process.env.ACME_PASSWORD;
});

describe('basicAuth', () => {
  it('sends RFC 7617 credentials with the password from the environment', async () => {
    process.env.ACME_PASSWORD = PASSWORD;
    const encoded = Buffer.from(`AC123:${PASSWORD}`).toString('base64');
    const scope = nock(API).get('/me').matchHeader('authorization', `Basic ${encoded}`).reply(200, {});
    await createHttpClient({ connector: 'acme', baseUrl: API, auth: basicAuth({ username: 'AC123', env: 'ACME_PASSWORD' }) }).request({ path: '/me' });
    expect(scope.isDone()).toBe(true);
  });

  it('redacts the password and its base64 form when a provider echoes them', async () => {
    const encoded = Buffer.from(`AC123:${PASSWORD}`).toString('base64');
    const events = collector();
    const auth = basicAuth({ username: 'AC123', password: PASSWORD });
    nock(API).get('/me').reply(500, `bad header Basic ${encoded} (password ${PASSWORD})`);
    const http = createHttpClient({ connector: 'acme', baseUrl: API, auth, onEvent: events.onEvent, retry: { maxAttempts: 1 } });
    const error = await events.failure(http.request({ path: '/me' }));
    expect(error.bodyExcerpt).toContain('[REDACTED]');
    expect(leakedSecrets(events.dump(), [PASSWORD, encoded])).toEqual([]);
  });

  it('rejects a username with a colon and names a missing password variable', () => {
    expect(() => basicAuth({ username: 'a:b', password: 'x' })).toThrow(/cannot contain ':'/);
    expect(() => createHttpClient({ connector: 'acme', baseUrl: API, auth: basicAuth({ username: 'u', env: 'ACME_PASSWORD' }) })).toThrow(/ACME_PASSWORD is not set/);
  });
});
