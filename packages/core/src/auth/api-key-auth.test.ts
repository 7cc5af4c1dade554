import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.ts';
import { createHttpClient } from '../http/create-http-client.ts';
import { collector, leakedSecrets } from './__fixtures__/auth-test-kit.ts';
import { apiKeyAuth } from './api-key-auth.ts';

const API = 'https://api.acme.test';
const KEY = 'ak_live_4f9c2e71b0d8a6553e21';
const NEW_KEY = 'ak_live_0a7d33c9e1f24b68aa90';

beforeEach(() => {
  nock.disableNetConnect();
  process.env.ACME_API_KEY = KEY;
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  delete process.env.ACME_API_KEY;
});

const client = (auth: ReturnType<typeof apiKeyAuth>, events = collector()) =>
  createHttpClient({ connector: 'acme', baseUrl: API, auth, onEvent: events.onEvent, retry: { maxAttempts: 1 } });

describe('apiKeyAuth', () => {
  it('sends the key from the environment in the named header', async () => {
    const scope = nock(API).get('/me').matchHeader('x-api-key', KEY).reply(200, { ok: true });
    await client(apiKeyAuth({ header: 'X-Api-Key', env: 'ACME_API_KEY' })).request({ path: '/me' });
    expect(scope.isDone()).toBe(true);
  });

  it('sends the key as a query parameter and keeps it out of error messages', async () => {
    nock(API).get('/me').query({ api_key: KEY }).reply(500, `upstream failed for key ${KEY}`);
    const events = collector();
    const error = await events.failure(client(apiKeyAuth({ query: 'api_key', env: 'ACME_API_KEY' }), events).request({ path: '/me' }));
    expect(error).toMatchObject({ name: 'HttpError', status: 500 });
    expect(leakedSecrets(events.dump(), [KEY])).toEqual([]);
  });

  it('supports a header prefix (Authorization: Token <key>) and a literal value', async () => {
    const scope = nock(API).get('/me').matchHeader('authorization', `Token ${KEY}`).reply(200, {});
    await client(apiKeyAuth({ header: 'Authorization', prefix: 'Token ', value: KEY })).request({ path: '/me' });
    expect(scope.isDone()).toBe(true);
  });

  it('fails at client creation when the variable is missing or empty, naming it and never a value', () => {
    delete process.env.ACME_API_KEY;
    const missing = (() => {
      try {
        client(apiKeyAuth({ header: 'X-Api-Key', env: 'ACME_API_KEY' }));
      } catch (error) {
        return error;
      }
    })() as AuthError;
    expect(missing).toBeInstanceOf(AuthError);
    expect(missing).toMatchObject({ code: 'missing', operation: 'init', connector: 'acme' });
    expect(missing.message).toBe('acme: no API key: environment variable ACME_API_KEY is not set; set it to the API key');

    process.env.ACME_API_KEY = '  \n';
    expect(() => client(apiKeyAuth({ header: 'X-Api-Key', env: 'ACME_API_KEY' }))).toThrow('environment variable ACME_API_KEY is empty');
  });

  it('reads the variable again on every call, so a rotated key is used without a restart', async () => {
    const first = nock(API).get('/me').matchHeader('x-api-key', KEY).reply(200, {});
    const second = nock(API).get('/me').matchHeader('x-api-key', NEW_KEY).reply(200, {});
    const http = client(apiKeyAuth({ header: 'X-Api-Key', env: 'ACME_API_KEY' }));
    await http.request({ path: '/me' });
    process.env.ACME_API_KEY = NEW_KEY;
    await http.request({ path: '/me' });
    expect(first.isDone() && second.isDone()).toBe(true);
  });

  it('rotate(newValue) swaps the key at runtime and keeps the old one redacted', async () => {
    nock(API).get('/me').matchHeader('x-api-key', NEW_KEY).reply(200, {});
    const auth = apiKeyAuth({ header: 'X-Api-Key', env: 'ACME_API_KEY' });
    const http = client(auth);
    auth.rotate(NEW_KEY);
    await http.request({ path: '/me' });
    expect([...auth.secrets!()]).toEqual([NEW_KEY, KEY]);
    expect(() => auth.rotate('  ')).toThrow(TypeError);
  });

  it('after a 401 retries once only if the key changed meanwhile', async () => {
    const auth = apiKeyAuth({ header: 'X-Api-Key', env: 'ACME_API_KEY' });
    const events = collector();
    const http = client(auth, events);

    nock(API).get('/me').matchHeader('x-api-key', KEY).reply(401, {});
    const error = await events.failure(http.request({ path: '/me' }));
    expect(error).toMatchObject({ name: 'AuthError', code: 'rejected', attempts: 1 });

    // The operator fixes the env var while a call is in flight: the 401 of the old key is retried with the new one.
    nock(API).get('/me').matchHeader('x-api-key', KEY).reply(() => {
      process.env.ACME_API_KEY = NEW_KEY;
      return [401, {}];
    });
    const retried = nock(API).get('/me').matchHeader('x-api-key', NEW_KEY).reply(200, { ok: true });
    expect(await http.request({ path: '/me' })).toEqual({ ok: true });
    expect(retried.isDone()).toBe(true);
    expect(leakedSecrets(events.dump(), [KEY, NEW_KEY])).toEqual([]);
  });

  it('rejects misconfiguration at the factory', () => {
    expect(() => apiKeyAuth({ env: 'ACME_API_KEY' } as never)).toThrow(/exactly one of `header`/);
    expect(() => apiKeyAuth({ header: 'X', query: 'k', env: 'ACME_API_KEY' } as never)).toThrow(/exactly one of `header`/);
    expect(() => apiKeyAuth({ header: 'X' } as never)).toThrow(/pass `env: 'VARIABLE_NAME'`/);
    expect(() => apiKeyAuth({ header: 'X', env: 'not a name' })).toThrow(/environment variable name/);
    expect(() => apiKeyAuth({ header: 'X', env: 'A', value: 'b' } as never)).toThrow(/not both/);
    expect(() => apiKeyAuth({ header: 'X', env: 'A', expiresAt: 'soon' })).toThrow(/expiresAt must be a Date/);
  });
});
