import {
  bearerAuth,
  DEFAULT_RETRYABLE_STATUSES,
  bodyEnvelope,
  defineConnector,
  memoryTokenStore,
  oauth2Auth,
  parseLinkHeader,
  type AttemptMiddleware,
  type AuthStrategy,
  type CommonConnectorOptions,
  type HttpClientOptions,
  type Schema,
} from '@connectors/core';
import { githubScheme, verifyWebhook } from '@connectors/webhooks';
import { loadFixture, loadResponse } from '../../fixtures/fixture.ts';
import type { ConformanceOptions } from '../conformance-options.ts';

/**
 * A small connector built with defineConnector, used to test the conformance suite itself. Each
 * `SampleFault` breaks it the way real connectors break, so the tests can show the suite catches it.
 */
export type SampleFault =
  | 'retries-client-errors' // 400/422 treated as transient
  | 'no-retries' // gives up on the first 429/503
  | 'leaks-key-in-event' // puts the API key in an event message
  | 'no-secret-redaction' // auth strategy does not declare its secret, so echoed keys reach errors
  | 'no-schema' // no response validation
  | 'no-identity' // verifyCredentials cannot say who
  | 'stops-after-first-page'
  | 'fetches-extra-page'
  | 'never-refreshes' // OAuth variant keeps the expired token
  | 'ignores-body-failures' // no responseCheck: a 200 {ok:false} passes as data
  | 'graphql-as-rest'; // sends GraphQL through request(), so `errors` in a 200 pass as data

export const SAMPLE_TOKEN = 'sample_key_0123456789abcdef';
export const SAMPLE_BASE = 'https://api.sample.test';
export const SAMPLE_TOKEN_URL = 'https://auth.sample.test/oauth/token';
export const SAMPLE_WEBHOOK_SECRET = 'sample-webhook-secret';
const REFRESH_TOKEN = 'initial_refresh_token_0123456789';
const EXPIRED_ACCESS_TOKEN = 'expired_access_token_0123456789';

export interface Thing {
  id: number;
  name: string;
  tags: string[];
}

/** A hand-written Standard Schema, so the kit's tests need no schema library. */
const thingSchema: Schema<Thing> = {
  '~standard': {
    version: 1,
    vendor: 'sample',
    validate(value) {
      const v = value as Partial<Thing> | null;
      const issues: { message: string; path: string[] }[] = [];
      if (!v || typeof v !== 'object') return { issues: [{ message: 'expected an object' }] };
      if (typeof v.id !== 'number') issues.push({ message: 'expected a number', path: ['id'] });
      if (typeof v.name !== 'string') issues.push({ message: 'expected a string', path: ['name'] });
      if (!Array.isArray(v.tags)) issues.push({ message: 'expected an array', path: ['tags'] });
      return issues.length ? { issues } : { value: { id: v.id!, name: v.name!, tags: v.tags! } };
    },
  },
};

export interface SampleOptions {
  token?: string;
  faults?: readonly SampleFault[];
}

/** A bearer strategy that forgets to declare its secret (what `no-secret-redaction` uses). */
function forgetfulBearer(token: string): AuthStrategy {
  return { kind: 'bearer', authorize: (request) => void request.headers.set('authorization', `Bearer ${token}`) };
}

export const sample = defineConnector({
  name: 'sample',
  client(options: SampleOptions): Omit<HttpClientOptions, 'connector'> {
    const faults = new Set(options.faults ?? []);
    const token = options.token ?? SAMPLE_TOKEN;
    const middleware: AttemptMiddleware[] = [];
    if (faults.has('leaks-key-in-event')) {
      middleware.push((context, next) => {
        context.emit({ type: 'auth-risk', operation: context.operation, message: `calling with key ${token}` });
        return next();
      });
    }
    return {
      baseUrl: SAMPLE_BASE,
      auth: faults.has('no-secret-redaction') ? forgetfulBearer(token) : bearerAuth({ token }),
      credentialsCheck: { path: '/user', identify: (data) => (faults.has('no-identity') ? undefined : (data as { login?: string }).login) },
      ...(faults.has('retries-client-errors') ? { retry: { retryableStatuses: [...DEFAULT_RETRYABLE_STATUSES, 400, 422] } } : {}),
      ...(faults.has('no-retries') ? { retry: { maxAttempts: 1 } } : {}),
      middleware,
      // The sample provider answers some failures as 200 {"ok":false,"error":code}, Slack-style.
      ...(faults.has('ignores-body-failures') ? {} : {
        responseCheck: bodyEnvelope({ ok: 'ok', error: 'error', codes: { invalid_auth: 'auth-rejected', ratelimited: 'rate-limited' } }),
      }),
      graphql: { path: '/graphql' },
    };
  },
  api(http, options: SampleOptions) {
    const faults = new Set(options.faults ?? []);
    const query = 'query Thing { thing { id name } }';
    return {
      thing: () => (faults.has('graphql-as-rest') ? http.request({ method: 'POST', path: '/graphql', body: { query } }).then((b) => (b as { data: unknown }).data) : http.graphql({ query })),
      things: {
        get: (id: number) => http.request({ path: '/things/{id}', params: { id }, operation: 'things.get', ...(faults.has('no-schema') ? {} : { schema: thingSchema }) }),
        /** Walks the Link-header pages. */
        async list(): Promise<Thing[]> {
          const items: Thing[] = [];
          let next: string | undefined = `${SAMPLE_BASE}/things?page=1`;
          let pages = 0;
          while (next) {
            const response: { data: unknown; headers: Headers } = await http.send({ path: next, operation: 'things.list' });
            items.push(...(response.data as Thing[]));
            pages++;
            next = parseLinkHeader(response.headers.get('link')).get('next');
            if (faults.has('stops-after-first-page')) break;
            if (!next && faults.has('fetches-extra-page') && pages < 3) next = `${SAMPLE_BASE}/things?page=${pages + 1}`;
          }
          return items;
        },
      },
    };
  },
});

const fixture = (name: string) => new URL(`./${name}`, import.meta.url);

/** The options a connector package would write, parameterised by the faults to inject. */
export function sampleConformance(faults: readonly SampleFault[] = [], overrides: Partial<ConformanceOptions<ReturnType<typeof sample.create>>> = {}): ConformanceOptions<ReturnType<typeof sample.create>> {
  const pages = loadFixture(fixture('things-pages.json'));
  return {
    create: (common: CommonConnectorOptions) => sample.create({ token: SAMPLE_TOKEN, faults, ...common }),
    baseUrl: SAMPLE_BASE,
    secrets: [SAMPLE_TOKEN],
    credentials: { path: '/user', ok: loadResponse(fixture('user.json')), identity: 'octocat' },
    sample: {
      call: (connector) => connector.things.get(7),
      path: '/things/7',
      ok: loadResponse(fixture('thing.json')),
      corrupt: (body) => ({ ...(body as object), name: 42 }),
    },
    pagination: {
      call: (connector) => connector.things.list(),
      pages: pages.interactions.map((interaction, i) => ({ path: '/things', query: { page: String(i + 1) }, response: interaction.response })),
      expectedItems: 3,
    },
    webhook: {
      scheme: githubScheme,
      secret: SAMPLE_WEBHOOK_SECRET,
      payload: loadResponse(fixture('issue-opened.json')).body,
      type: 'issues',
      verify: (delivery) => verifyWebhook(githubScheme, { body: delivery.body, headers: delivery.headers, secret: delivery.secret }),
    },
    ...overrides,
  };
}

/** The OAuth variant: the access token on file is expired and the provider answers 401 until it is refreshed. */
export function sampleOAuthConformance(faults: readonly SampleFault[] = []): ConformanceOptions<ReturnType<typeof sample.create>> {
  const oauthAuth = () => {
    const store = memoryTokenStore();
    // The record on file: an access token the provider no longer accepts (no expiry known, so only a 401 reveals it).
    void store.set('sample-user', { accessToken: EXPIRED_ACCESS_TOKEN, refreshToken: REFRESH_TOKEN, updatedAt: 0 });
    return oauth2Auth({ tokenUrl: SAMPLE_TOKEN_URL, clientId: 'sample-client', clientSecret: 'sample-client-secret', grant: 'refresh_token', store, credentialId: 'sample-user' });
  };
  const base = sampleConformance(faults);
  return {
    ...base,
    secrets: [...base.secrets, REFRESH_TOKEN, EXPIRED_ACCESS_TOKEN, 'sample-client-secret'],
    oauth: {
      create: (common) => sample.create({ faults, ...common, auth: faults.includes('never-refreshes') ? bearerAuth({ token: EXPIRED_ACCESS_TOKEN }) : oauthAuth() }),
      token: { url: SAMPLE_TOKEN_URL, response: loadResponse(fixture('token.json')) },
    },
  };
}

/** The sample options plus the body-failure and GraphQL checks. */
export function sampleEnvelopeConformance(faults: readonly SampleFault[] = []): ConformanceOptions<ReturnType<typeof sample.create>> {
  const json = { 'content-type': 'application/json' };
  return sampleConformance(faults, {
    bodyFailures: {
      auth: { status: 200, headers: json, body: { ok: false, error: 'invalid_auth' } },
      rateLimited: { status: 200, headers: json, body: { ok: false, error: 'ratelimited' } },
      permanent: { status: 200, headers: json, body: { ok: false, error: 'thing_not_found' } },
      permanentCode: 'thing_not_found',
    },
    graphql: {
      call: (connector) => connector.thing(),
      route: { path: '/graphql' },
      ok: { status: 200, headers: json, body: { data: { thing: { id: 1, name: 'one' } } } },
      error: { status: 200, headers: json, body: { data: null, errors: [{ message: 'Cannot query field "nme"', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] } },
      throttled: { status: 200, headers: json, body: { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }] } },
      unauthenticated: { status: 200, headers: json, body: { errors: [{ message: 'bad token', extensions: { code: 'UNAUTHENTICATED' } }] } },
    },
  });
}
