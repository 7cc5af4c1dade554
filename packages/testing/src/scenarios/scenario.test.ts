import { AuthError, createHttpClient, HttpError, NetworkError, SchemaValidationError, TimeoutError, type AuthStrategy, type Schema } from '@connectors/core';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFakeClock } from '../clock/fake-clock.ts';
import { mockSequence } from '../nock/mock-sequence.ts';
import { useNock } from '../nock/use-nock.ts';
import { type Sandbox, startSandbox } from '../sandbox/start-sandbox.ts';
import { expandSteps, resolveStep, scenarios, step, type Scenario } from './scenario.ts';

const BASE = 'https://api.scenario.test';
const THING = { id: 1, name: 'thing' };

/** A minimal Standard Schema: `{ id: number, name: string }`. */
const thingSchema: Schema<{ id: number; name: string }> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: (value) => {
      const v = value as { id?: unknown; name?: unknown } | null;
      if (v && typeof v.id === 'number' && typeof v.name === 'string') return { value: { id: v.id, name: v.name } };
      return { issues: [{ message: 'expected { id: number, name: string }', path: ['name'] }] };
    },
  },
};

/** Refreshes by swapping in a new token, counting refreshes. */
function refreshingAuth(): AuthStrategy & { refreshes: number; token: string } {
  const auth = {
    kind: 'bearer',
    token: 'old-token',
    refreshes: 0,
    authorize(request: { headers: Headers }) {
      request.headers.set('authorization', `Bearer ${auth.token}`);
    },
    onUnauthorized() {
      auth.refreshes++;
      auth.token = 'new-token';
      return true;
    },
  };
  return auth;
}

// The attempt timeout is generous on purpose: on a loaded 2-core CI machine a localhost answer can take over
// a second, and an attempt timed out by load would be retried onto the next scripted step. Tests about
// timeouts set their own.
function client(baseUrl: string, extra: Partial<Parameters<typeof createHttpClient>[0]> = {}) {
  const clock = createFakeClock();
  const http = createHttpClient({ connector: 'scenario', baseUrl, clock, random: () => 0, timeout: { attemptMs: 15_000 }, ...extra });
  return { http, clock };
}

describe('scenario steps', () => {
  it('expands times and resolves bodies, headers and labels', () => {
    const expanded = expandSteps([{ ...step.serverError(502), times: 3 }, step.ok({ a: 1 })]);
    expect(expanded.map((s) => s.label)).toEqual(['502', '502', '502', '200']);
    const ok = expanded[3]!;
    expect(ok).toMatchObject({ type: 'respond', status: 200, body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(resolveStep(step.malformedJson())).toMatchObject({ type: 'respond', body: '{"id": 1, "name": "trunc' });
  });

  it('rejects malformed steps with a TypeError that says what to fix', () => {
    expect(() => resolveStep({ kind: 'respond', status: 42 })).toThrow(/status must be an HTTP status/);
    expect(() => expandSteps([{ ...step.ok(), times: 0 }])).toThrow(/times must be a whole number/);
    expect(() => resolveStep({ kind: 'teapot' } as never)).toThrow(/unknown kind "teapot"/);
  });
});

/** Each scenario through a real client: the behaviour the guide asks integrations to have. */
/**
 * `settled` resolves once no scripted step is left: a request the client gave up on may still be on its way
 * to the transport, and must not take a step the next test scripts. (In CI a 401 test's request once took
 * the hang step a timed-out request had not reached yet, hung 5 s, and was retried onto a 404: the late
 * request had taken the 401.)
 */
function describeScenarios(transport: string, setup: (scenario: Scenario) => Promise<string>, settled: () => Promise<void> = async () => {}) {
  describe(`scenarios through ${transport}`, () => {
    it('429 with Retry-After: 2 is retried after exactly 2 s of virtual time', async () => {
      const { http, clock } = client(await setup(scenarios.rateLimited(THING, 2)));
      const response = await http.send({ path: '/things/1', schema: thingSchema });
      expect(response.data).toEqual(THING);
      expect(response.attempts).toBe(2);
      expect(clock.sleeps).toEqual([2000]);
    });

    it('a 503 burst is retried until it succeeds', async () => {
      const { http } = client(await setup(scenarios.serverErrorBurst(THING, 3, 503)));
      const response = await http.send({ path: '/things/1' });
      expect(response.attempts).toBe(4);
    });

    it('a connection reset surfaces as a NetworkError and is retried', async () => {
      const { http } = client(await setup(scenarios.connectionReset(THING)));
      const events: string[] = [];
      http.subscribe((e) => {
        if (e.type === 'response' && e.error) events.push(e.error);
      });
      const response = await http.send({ path: '/things/1' });
      expect(response.attempts).toBe(2);
      expect(events).toEqual(['NetworkError']);
    });

    it('a hung request hits the attempt timeout and is retried', async () => {
      const { http } = client(await setup(scenarios.timeout(THING, 5_000)), { timeout: { attemptMs: 1_500 } });
      const events: string[] = [];
      http.subscribe((e) => {
        if (e.type === 'response' && e.error) events.push(e.error);
      });
      const response = await http.send({ path: '/things/1' });
      expect(response.attempts).toBe(2);
      expect(events).toEqual(['TimeoutError']);
    });

    it('malformed JSON is reported as such and retried', async () => {
      const { http } = client(await setup(scenarios.malformedJson(THING)));
      const response = await http.send({ path: '/things/1', schema: thingSchema });
      expect(response.attempts).toBe(2);
      expect(response.data).toEqual(THING);
    });

    it('a drifted schema fails validation once, without a retry', async () => {
      const { http } = client(await setup(scenarios.schemaDrift({ id: 1, title: 'renamed' })));
      const error = await http.request({ path: '/things/1', schema: thingSchema }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchemaValidationError);
      expect((error as SchemaValidationError).attempts).toBe(1);
    });

    it('401 then refresh: one refresh, then the retry carries the new token', async () => {
      const auth = refreshingAuth();
      const { http } = client(await setup(scenarios.unauthorizedThenRefresh(THING)), { auth });
      const response = await http.send({ path: '/things/1' });
      expect(response.attempts).toBe(2);
      expect(auth.refreshes).toBe(1);
    });

    it('timeout and reset steps exhaust retries into the right error types', async () => {
      const { http } = client(await setup({ name: 'always reset', steps: [{ ...step.reset(), times: 2 }] }), { retry: { maxAttempts: 2 } });
      await expect(http.request({ path: '/things/1' })).rejects.toBeInstanceOf(NetworkError);
      const { http: slow } = client(await setup({ name: 'always hang', steps: [step.timeout(5_000)] }), { retry: { maxAttempts: 1 }, timeout: { attemptMs: 1_000 } });
      await expect(slow.request({ path: '/things/1' })).rejects.toBeInstanceOf(TimeoutError);
      await settled();
    });

    it('a 401 with no way to refresh is an AuthError; a 400 is an HttpError after one attempt', async () => {
      const { http } = client(await setup({ name: '401', steps: [step.unauthorized()] }));
      await expect(http.request({ path: '/things/1' })).rejects.toBeInstanceOf(AuthError);
      const { http: bad } = client(await setup({ name: '400', steps: [step.status(400, { message: 'bad' })] }));
      const error = await bad.request({ path: '/things/1' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpError);
      expect((error as HttpError).attempts).toBe(1);
    });
  });
}

describe('through nock', () => {
  useNock();
  describeScenarios('nock (mockSequence)', async (scenario) => {
    mockSequence(nock(BASE), 'GET', '/things/1', scenario);
    return BASE;
  });
});

describe('through the sandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ providers: [{ name: 'things', routes: [{ method: 'GET', path: '/things/:id', fixture: { status: 404, body: { message: 'unscripted' } } }] }] });
  });
  afterAll(() => sandbox.stop());
  describeScenarios('the sandbox (script)', async (scenario) => {
    sandbox.script('things', 'GET', '/things/:id', scenario);
    return sandbox.urlFor('things');
  }, async () => {
    // The request reaches the sandbox and takes its step; one that never left the client (aborted before it
    // was written) never will, and its step is dropped so the next test's request cannot take it either.
    await vi.waitUntil(() => sandbox.unplayed('things') === 0, { timeout: 5_000, interval: 10 }).catch(() => sandbox.clearScripts('things'));
  });
});
