import { describe, expect, it } from 'vitest';
import { SAMPLE_TOKEN, SAMPLE_WEBHOOK_SECRET, sampleConformance, sampleEnvelopeConformance, sampleOAuthConformance, type SampleFault } from './__fixtures__/sample-connector.ts';
import {
  checkBodyFailures,
  checkGraphQLErrors,
  checkCredentials,
  checkNoRetryOnClientErrors,
  checkNoSecretLeaks,
  checkOAuthRefresh,
  checkPagination,
  checkRetryAfter,
  checkSchema,
  checkServerErrorBurst,
  checkWebhookSignatures,
  ConformanceError,
  conformanceChecks,
  findSecret,
  runConformance,
} from './conformance-checks.ts';

describe('the conformance suite on a correct connector', () => {
  it('passes every check', async () => {
    const results = await runConformance(sampleConformance());
    expect(results.filter((r) => !r.passed).map((r) => `${r.id}: ${r.error?.message}`)).toEqual([]);
    expect(results.map((r) => r.id)).toEqual(['credentials', 'retry-after', 'server-error-burst', 'no-retry-client-errors', 'schema', 'no-secret-leaks', 'pagination', 'webhook-signatures']);
  });

  it('passes the OAuth refresh check with core oauth2Auth (expired token -> one refresh -> success)', async () => {
    const results = await runConformance(sampleOAuthConformance());
    expect(results.filter((r) => !r.passed).map((r) => `${r.id}: ${r.error?.message}`)).toEqual([]);
    expect(results.map((r) => r.id)).toContain('oauth-refresh');
  });

  it('lists optional checks only when the options describe them', () => {
    const { pagination: _p, webhook: _w, ...minimal } = sampleConformance();
    expect(conformanceChecks(minimal).map((c) => c.id)).toEqual(['credentials', 'retry-after', 'server-error-burst', 'no-retry-client-errors', 'schema', 'no-secret-leaks']);
  });
});

/** Runs one check against a connector broken in one way and returns the failure. */
async function failure(check: (options: ReturnType<typeof sampleConformance>) => Promise<void>, faults: SampleFault[], options = sampleConformance(faults)): Promise<ConformanceError> {
  const error = await check(options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected the check to fail for ${faults.join(', ')}`).toBeInstanceOf(ConformanceError);
  return error as ConformanceError;
}

describe('the conformance suite on broken connectors', () => {
  it('fails a connector that retries 400/422, saying how many requests it sent', async () => {
    const error = await failure(checkNoRetryOnClientErrors, ['retries-client-errors']);
    expect(error.check).toBe('no-retry-client-errors');
    expect(error.message).toMatch(/a 400 was sent 4 times; a client error must not be retried/);
  });

  it('fails a connector that leaks its key into an event, in every check it runs', async () => {
    const error = await failure(checkRetryAfter, ['leaks-key-in-event']);
    expect(error.message).toMatch(/a secret given to the connector leaked: event "auth-risk" contains a secret \(samp…\(27 chars\)\)/);
    expect(error.message).not.toContain(SAMPLE_TOKEN);
    const results = await runConformance(sampleConformance(['leaks-key-in-event']));
    expect(results.filter((r) => r.id !== 'webhook-signatures').every((r) => !r.passed)).toBe(true);
  });

  it('fails a connector whose auth does not declare its secret, when the provider echoes it', async () => {
    const error = await failure(checkNoSecretLeaks, ['no-secret-redaction']);
    expect(error.message).toMatch(/leaked: error HttpError contains a secret/);
  });

  it('fails a connector without a response schema', async () => {
    const error = await failure(checkSchema, ['no-schema']);
    expect(error.message).toMatch(/a corrupted response succeeded; it must throw/);
  });

  it('fails a connector that does not retry 429 and 503', async () => {
    expect((await failure(checkRetryAfter, ['no-retries'])).message).toMatch(/failed after a 429 with Retry-After: 2: RateLimitError/);
    expect((await failure(checkServerErrorBurst, ['no-retries'])).message).toMatch(/failed after two 503 answers: HttpError/);
  });

  it('fails a connector whose pagination stops early or asks for a page that does not exist', async () => {
    expect((await failure(checkPagination, ['stops-after-first-page'])).message).toMatch(/page\(s\) 2 of 2 were never requested: pagination stopped early/);
    const extra = await failure(checkPagination, ['fetches-extra-page']);
    expect(extra.message).toMatch(/matched no nock interceptor[\s\S]*GET https:\/\/api\.sample\.test\/things\?page=3/);
  });

  it('fails a connector whose verifyCredentials reports no identity', async () => {
    expect((await failure(checkCredentials, ['no-identity'])).message).toMatch(/reported identity undefined; expected "octocat"/);
  });

  it('fails a webhook verifier that accepts anything', async () => {
    const options = sampleConformance();
    const lax = { ...options, webhook: { ...options.webhook!, verify: () => ({ ok: true }) } };
    expect((await failure(checkWebhookSignatures, [], lax)).message).toMatch(/tamper "body" was accepted/);
  });

  it('fails a webhook verifier that rejects good deliveries or echoes the secret', async () => {
    const options = sampleConformance();
    const strict = { ...options, webhook: { ...options.webhook!, verify: () => false } };
    expect((await failure(checkWebhookSignatures, [], strict)).message).toMatch(/correctly signed github delivery was rejected/);
    let calls = 0;
    const chatty = {
      ...options,
      webhook: {
        ...options.webhook!,
        verify: (d: { secret: string }) => {
          if (calls++ === 0) return { ok: true };
          throw new Error(`signature does not match secret ${d.secret}`);
        },
      },
    };
    expect((await failure(checkWebhookSignatures, [], chatty)).message).toMatch(/webhook secret appears/);
    expect((await failure(checkWebhookSignatures, [], chatty)).message).not.toContain(SAMPLE_WEBHOOK_SECRET);
  });

  it('fails an OAuth connector that never refreshes', async () => {
    const error = await failure(checkOAuthRefresh, [], sampleOAuthConformance(['never-refreshes']));
    expect(error.message).toMatch(/threw AuthError[\s\S]*token endpoint called 0 time/);
  });

  it('fails a connector whose create() throws, naming the check', async () => {
    const options = { ...sampleConformance(), create: () => { throw new Error('no token configured'); } };
    expect((await failure(checkCredentials, [], options)).message).toMatch(/^\[credentials\] create\(\) threw Error: no token configured/);
  });
});

describe('conformance options', () => {
  it('are validated up front with errors that say what to supply', () => {
    const good = sampleConformance();
    expect(() => conformanceChecks({ ...good, baseUrl: 'api.sample.test' })).toThrow(/baseUrl must be an absolute URL/);
    expect(() => conformanceChecks({ ...good, secrets: ['abc'] })).toThrow(/each at least 4 characters/);
    expect(() => conformanceChecks({ ...good, sample: { ...good.sample, corrupt: undefined as never } })).toThrow(/sample needs \{ call, path, ok, corrupt \}/);
    expect(() => conformanceChecks({ ...good, pagination: { ...good.pagination!, pages: [] } })).toThrow(/at least one page/);
    expect(() => conformanceChecks({ ...good, oauth: { create: good.create, token: { url: '/token', response: { status: 200 } } } })).toThrow(/oauth.token.url must be the absolute/);
  });

  it('a corrupt() that changes nothing is reported as a configuration problem', async () => {
    const good = sampleConformance();
    const error = await checkSchema({ ...good, sample: { ...good.sample, corrupt: (b) => b } }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/returned the body unchanged/);
  });
});

describe('findSecret', () => {
  it('finds secrets in nested error causes, toJSON fields and URL-encoded text, and masks them', () => {
    const inner = Object.assign(new Error('inner'), { bodyExcerpt: `token=${encodeURIComponent('a b+c/secret')}` });
    const outer = new Error('outer', { cause: inner });
    expect(findSecret([outer], ['a b+c/secret'])).toMatch(/^error Error contains a secret \(a b\+…\(12 chars\)\)/);
    expect(findSecret([{ type: 'retry', reason: 'fine' }], ['a b+c/secret'])).toBeUndefined();
  });
});

describe('body-signalled failures and GraphQL errors', () => {
  it('hold a connector that declares them, and pass when it reads them', async () => {
    const results = await runConformance(sampleEnvelopeConformance());
    expect(results.filter((r) => !r.passed).map((r) => `${r.id}: ${r.error?.message}`)).toEqual([]);
    expect(results.map((r) => r.id)).toEqual(expect.arrayContaining(['body-failures', 'graphql-errors']));
  });

  it('fail a connector that lets a 200 {ok:false} through as data', async () => {
    const error = await failure(checkBodyFailures, ['ignores-body-failures'], sampleEnvelopeConformance(['ignores-body-failures']));
    expect(error.check).toBe('body-failures');
    expect(error.message).toMatch(/a body rejecting the credentials threw SchemaValidationError.*expected AuthError \(declare a responseCheck/);
  });

  it('fail a connector that sends GraphQL as plain REST, so errors in a 200 pass', async () => {
    const error = await failure(checkGraphQLErrors, ['graphql-as-rest'], sampleEnvelopeConformance(['graphql-as-rest']));
    expect(error.check).toBe('graphql-errors');
    expect(error.message).toMatch(/a GraphQL answer with errors succeeded; it must throw/);
  });

  it('refuses options that declare bodyFailures with no case', () => {
    expect(() => conformanceChecks({ ...sampleConformance(), bodyFailures: {} })).toThrow(/bodyFailures needs at least one of auth, rateLimited, permanent/);
  });
});
