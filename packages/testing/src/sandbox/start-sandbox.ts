import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { responseOf, fixtureToStep } from '../fixtures/fixture.ts';
import { seededRandom } from './seeded-random.ts';
import { expandSteps, type ResolvedStep, type Scenario, type ScenarioStep, stepsOf } from '../scenarios/scenario.ts';
import { signWebhookFor } from '../webhooks/sign-webhook.ts';
import { FixedWindow } from './fixed-window.ts';
import { type IssuedTokens, OAuthServer } from './oauth-server.ts';
import { paginate } from './paginate.ts';
import { compileRoute, type RoutePattern } from './route-matcher.ts';
import type { SandboxFaults, SandboxPlannedFault, SandboxProvider, SandboxRequest, SandboxResponse, SandboxRoute, SandboxRouteContext } from './sandbox-provider.ts';

export interface StartSandboxOptions {
  providers: readonly SandboxProvider[];
  /** Fault injection rates. Change them later with `sandbox.setFaults`. */
  faults?: SandboxFaults;
  /** Port on 127.0.0.1. Default 0: any free port (read `url`). */
  port?: number;
  /** Seed of the fault generator: the same seed and request order give the same faults. Default 1. */
  seed?: number;
  /** The clock for token expiry and rate-limit windows (epoch ms). Default `Date.now`. */
  now?: () => number;
  /** Largest accepted request body. Default 1 MiB. */
  maxBodyBytes?: number;
}

export interface SandboxFaultCounts {
  rateLimit: number;
  serverError: number;
  latency: number;
  reset: number;
  tokenExpiry: number;
}

export interface SandboxStats {
  /** API requests (token endpoint excluded). */
  requests: number;
  /** Answers by status (network faults have none). */
  statuses: Record<number, number>;
  byProvider: Record<string, number>;
  /** Injected faults. */
  faults: SandboxFaultCounts;
  /** Requests refused by the real rate limit (not injected). */
  rateLimited: number;
  /** Requests refused for missing, wrong or expired credentials. */
  unauthorized: number;
  /** Steps answered from `script(...)`. */
  scripted: number;
  oauth: { tokenRequests: number; issued: number; refreshes: number; invalidGrants: number; reuseDetected: number };
  webhooks: { sent: number; duplicates: number; badSignatures: number; failed: number };
}

export interface SandboxWebhookEvent {
  /** Event type (e.g. `issues`, `customer.created`). */
  type?: string;
  payload: unknown;
  /** Delivery id. Default: random. */
  id?: string;
}

export interface SendWebhooksOptions {
  provider: string;
  /** Where to POST, e.g. your app's `http://127.0.0.1:3000/webhooks/github`. */
  url: string;
  events: readonly SandboxWebhookEvent[];
  /** Probability that a delivery is sent twice (at-least-once delivery). Default 0. */
  duplicateRate?: number;
  /** Probability that a delivery carries a bad signature. Default 0. */
  badSignatureRate?: number;
}

export interface WebhookDeliveryResult {
  id: string;
  type: string | undefined;
  duplicate: boolean;
  badSignature: boolean;
  /** The receiver's status, absent when the POST failed. */
  status?: number;
  error?: string;
}

export interface Sandbox {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Base URL of one provider: pass it as the connector's `baseUrl`. */
  urlFor(provider: string): string;
  stop(): Promise<void>;
  stats(): SandboxStats;
  resetStats(): void;
  /** Replaces the fault rates (e.g. switch chaos on for part of a demo). */
  setFaults(faults: SandboxFaults | undefined): void;
  /** Answers the next requests to a route with these steps, before faults and handlers. */
  script(provider: string, method: string, path: string, steps: Scenario | readonly ScenarioStep[]): void;
  /**
   * Scripted steps not played yet, for one provider or all: a test can check that its scenario ran to the
   * end, or wait for a request its client gave up on (a timed-out request may reach the sandbox after the
   * next test scripted its own steps, and take one of them).
   */
  unplayed(provider?: string): number;
  /** Drops the scripted steps not played yet, for one provider or all; the routes answer as configured again. */
  clearScripts(provider?: string): void;
  /** Mints an OAuth token pair for an `oauth2` provider (seed the client under test with it). */
  issueTokens(provider: string, principal?: string): IssuedTokens;
  /** POSTs signed deliveries (some duplicated, some badly signed, by the given rates) to a receiver. */
  sendWebhooks(options: SendWebhooksOptions): Promise<WebhookDeliveryResult[]>;
}

interface CompiledRoute {
  route: SandboxRoute;
  pattern: RoutePattern;
  method: string;
}

interface ProviderState {
  provider: SandboxProvider;
  routes: CompiledRoute[];
  data: Record<string, unknown[]>;
  oauth: OAuthServer | undefined;
  window: FixedWindow | undefined;
  burstLeft: number;
  scripts: { method: string; pattern: RoutePattern; steps: ResolvedStep[] }[];
  created: number;
  /** API requests so far (the token endpoint excluded; never reset): what planned faults count. */
  requests: number;
}

interface ResolvedFaults {
  rateLimit: { rate: number; retryAfterSeconds: number };
  serverError: { rate: number; burst: number; status: number };
  latency: { rate: number; ms: number };
  reset: number;
  tokenExpiry: number;
  /** Planned faults not injected yet, in request order. */
  planned: SandboxPlannedFault[];
}

const NAME = /^[A-Za-z0-9_-]+$/;

/**
 * Starts a local HTTP server on 127.0.0.1 that behaves like the given providers: it checks
 * credentials, paginates, counts a rate limit and reports it in headers, issues rotating OAuth
 * tokens, injects faults at the configured rates from a seeded generator, and sends signed
 * webhooks. Point a connector at `sandbox.urlFor('github')` and it runs unchanged.
 */
export async function startSandbox(options: StartSandboxOptions): Promise<Sandbox> {
  if (!options || !Array.isArray(options.providers) || options.providers.length === 0) {
    throw new TypeError('startSandbox: `providers` must list at least one SandboxProvider (e.g. githubSandboxProvider from @connectors/github)');
  }
  const now = options.now ?? Date.now;
  const random = seededRandom(options.seed ?? 1);
  const webhookRandom = seededRandom((options.seed ?? 1) + 0x9e3779b9);
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  let faults = resolveFaults(options.faults);
  const states = new Map<string, ProviderState>();
  for (const provider of options.providers) {
    if (states.has(provider.name)) throw new TypeError(`startSandbox: two providers are named ${JSON.stringify(provider.name)}`);
    states.set(provider.name, compileProvider(provider, now));
  }
  const stats = emptyStats();
  const sockets = new Set<Socket>();
  const hangs = new Set<() => void>();
  let requestCounter = 0;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, {}, { message: `sandbox handler failed: ${error instanceof Error ? error.message : String(error)}` });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function stateOf(name: string): ProviderState {
    const state = states.get(name);
    if (!state) throw new TypeError(`sandbox: unknown provider ${JSON.stringify(name)}; known: ${[...states.keys()].join(', ')}`);
    return state;
  }

  function send(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
    stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const out: Record<string, string> = { 'x-request-id': `sbx-${++requestCounter}`, ...headers };
    if (text !== '' && typeof body !== 'string' && !Object.keys(out).some((h) => h.toLowerCase() === 'content-type')) out['content-type'] = 'application/json; charset=utf-8';
    res.writeHead(status, out);
    res.end(text);
  }

  function errorBody(state: ProviderState, status: number, message: string): unknown {
    return state.provider.errorBody ? state.provider.errorBody(status, message) : { message };
  }

  function reset(req: IncomingMessage): void {
    const socket = req.socket as Socket & { resetAndDestroy?: () => void };
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
  }

  /** Waits `ms`, or less when the client goes away. Resolves true if the client is still there. */
  function pause(ms: number, res: ServerResponse): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (alive: boolean) => {
        clearTimeout(timer);
        res.off('close', onClose);
        hangs.delete(cancel);
        resolve(alive);
      };
      const onClose = () => done(false);
      const cancel = () => done(false);
      const timer = setTimeout(() => done(true), ms);
      res.on('close', onClose);
      hangs.add(cancel);
    });
  }

  async function play(stepToPlay: ResolvedStep, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (stepToPlay.delayMs > 0 && !(await pause(stepToPlay.delayMs, res))) return;
    if (stepToPlay.type === 'respond') return send(res, stepToPlay.status, stepToPlay.headers, stepToPlay.body);
    if (stepToPlay.type === 'reset') return reset(req);
    await pause(stepToPlay.hangMs, res);
    if (!res.destroyed) reset(req);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const full = new URL(req.url ?? '/', url);
    const [, name = '', ...rest] = full.pathname.split('/');
    const state = states.get(name);
    if (!state) return send(res, 404, {}, { message: `no sandbox provider at /${name}; known: ${[...states.keys()].map((n) => `/${n}`).join(', ')}` });
    const path = `/${rest.join('/')}`;
    const method = (req.method ?? 'GET').toUpperCase();
    const rawBody = await readBody(req, maxBodyBytes);
    if (rawBody === undefined) return send(res, 413, {}, errorBody(state, 413, `request body larger than ${maxBodyBytes} bytes`));
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
    const body = parseBody(rawBody, headers['content-type']);

    if (state.oauth && method === 'POST' && path === state.oauth.tokenPath) {
      stats.oauth.tokenRequests++;
      const params: Record<string, string> = {};
      if (body && typeof body === 'object') for (const [k, v] of Object.entries(body)) params[k] = String(v);
      const answer = state.oauth.handle(params, headers.authorization);
      if (answer.outcome === 'issued') stats.oauth.issued++;
      if (answer.outcome === 'refreshed') (stats.oauth.refreshes++, stats.oauth.issued++);
      if (answer.outcome === 'invalid_grant') stats.oauth.invalidGrants++;
      if (answer.outcome === 'reuse_detected') (stats.oauth.invalidGrants++, stats.oauth.reuseDetected++);
      return send(res, answer.status, { 'cache-control': 'no-store' }, answer.body);
    }

    stats.requests++;
    stats.byProvider[name] = (stats.byProvider[name] ?? 0) + 1;
    state.requests++;
    /** The index of the first planned fault of this kind that is due for this provider, or -1. */
    const due = (fault: SandboxPlannedFault['fault']) => faults.planned.findIndex((p) => p.provider === name && p.fault === fault && p.request <= state.requests);
    /** Takes the first planned fault of this kind that is due, if any; says whether there was one. */
    const takeDue = (fault: SandboxPlannedFault['fault']) => {
      const index = due(fault);
      if (index >= 0) faults.planned.splice(index, 1);
      return index >= 0;
    };

    const script = state.scripts.find((s) => (s.method === '*' || s.method === method) && s.pattern.match(path) && s.steps.length > 0);
    if (script) {
      stats.scripted++;
      return play(script.steps.shift()!, req, res);
    }

    // Always five draws per request, whatever happens, so one fault never shifts the others.
    const draws = [random(), random(), random(), random(), random()] as const;
    // A route exempt from faults (a provider's own token endpoint) is answered as is.
    const exempt = state.routes.some((r) => r.route.faults === false && r.method === method && r.pattern.match(path));
    if (!exempt) {
      if (state.burstLeft > 0) {
        state.burstLeft--;
        stats.faults.serverError++;
        return send(res, faults.serverError.status, {}, errorBody(state, faults.serverError.status, 'sandbox: injected server error (burst)'));
      }
      if (draws[0] < faults.reset) {
        stats.faults.reset++;
        return reset(req);
      }
      if (takeDue('serverError') || draws[1] < faults.serverError.rate) {
        stats.faults.serverError++;
        state.burstLeft = faults.serverError.burst - 1;
        return send(res, faults.serverError.status, {}, errorBody(state, faults.serverError.status, 'sandbox: injected server error'));
      }
      if (takeDue('rateLimit') || draws[2] < faults.rateLimit.rate) {
        stats.faults.rateLimit++;
        return send(res, 429, { 'retry-after': String(faults.rateLimit.retryAfterSeconds) }, errorBody(state, 429, 'sandbox: injected rate limit'));
      }
      if (draws[3] < faults.latency.rate) {
        stats.faults.latency++;
        if (!(await pause(faults.latency.ms, res))) return;
      }
    }

    const matches = state.routes.filter((r) => r.pattern.match(path));
    const compiled = matches.find((r) => r.method === method);
    if (!compiled) {
      if (matches.length) return send(res, 405, { allow: matches.map((m) => m.method).join(', ') }, errorBody(state, 405, `${method} is not allowed on ${path}`));
      return send(res, 404, {}, errorBody(state, 404, `Not Found: ${method} ${path} is not a route of the ${name} sandbox`));
    }
    const params = compiled.pattern.match(path)!;
    const request: SandboxRequest = { method, path, params, query: full.searchParams, headers, body, rawBody, url: full };

    let principal: string | undefined;
    const authKind = state.provider.auth?.kind ?? 'none';
    if (compiled.route.auth !== false && authKind !== 'none') {
      const plannedExpiry = exempt ? -1 : due('tokenExpiry');
      const verdict = authenticate(state, headers.authorization, plannedExpiry >= 0 ? -1 : draws[4]);
      // A planned revocation is spent only when it applied (a token on its first use makes it wait).
      if (!verdict.ok && verdict.injected && plannedExpiry >= 0) faults.planned.splice(plannedExpiry, 1);
      if (!verdict.ok) {
        stats.unauthorized++;
        if (verdict.injected) stats.faults.tokenExpiry++;
        const challenge = authKind === 'basic' ? 'Basic realm="sandbox"' : `Bearer error="invalid_token", error_description="${verdict.reason}"`;
        return send(res, 401, { 'www-authenticate': challenge }, errorBody(state, 401, verdict.reason));
      }
      principal = verdict.principal;
    }

    let limitHeaders: Record<string, string> = {};
    if (state.window) {
      const windowState = state.window.take(principal ?? req.socket.remoteAddress ?? 'anonymous');
      limitHeaders = state.window.headers(windowState);
      if (!windowState.allowed) {
        stats.rateLimited++;
        const retryAfter = Math.max(1, Math.ceil((windowState.resetAt - now()) / 1000));
        return send(res, state.window.status, { ...limitHeaders, 'retry-after': String(retryAfter) }, errorBody(state, state.window.status, 'API rate limit exceeded'));
      }
    }

    const context: SandboxRouteContext = {
      data: state.data,
      paginate: (items, r) => paginate(items, r, state.provider.pagination),
      error: (status, message) => ({ status, body: errorBody(state, status, message) }),
      principal,
      now,
      random,
    };
    const answer = await respond(state, compiled.route, request, context);
    const outHeaders = { ...limitHeaders, ...answer.headers };
    return send(res, answer.status ?? 200, outHeaders, answer.body);
  }

  function authenticate(state: ProviderState, authorization: string | undefined, draw: number):
    | { ok: true; principal: string }
    | { ok: false; reason: string; injected?: boolean } {
    const auth = state.provider.auth!;
    if (!authorization) return { ok: false, reason: 'Requires authentication' };
    const [scheme = '', ...restParts] = authorization.trim().split(/\s+/);
    const credential = restParts.join(' ');
    switch (auth.kind) {
      case 'bearer': {
        const schemes = (auth.schemes ?? ['Bearer', 'token']).map((s) => s.toLowerCase());
        if (!schemes.includes(scheme.toLowerCase())) return { ok: false, reason: `unsupported authorization scheme ${scheme}` };
        return auth.tokens.includes(credential) ? { ok: true, principal: credential } : { ok: false, reason: 'Bad credentials' };
      }
      case 'basic': {
        if (auth.bearerUsername && scheme.toLowerCase() === 'bearer') {
          return auth.credentials.some((c) => c.username === credential) ? { ok: true, principal: credential } : { ok: false, reason: 'Invalid API key provided' };
        }
        if (scheme.toLowerCase() !== 'basic') return { ok: false, reason: `unsupported authorization scheme ${scheme}` };
        const decoded = Buffer.from(credential, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        const username = colon < 0 ? decoded : decoded.slice(0, colon);
        const password = colon < 0 ? '' : decoded.slice(colon + 1);
        const match = auth.credentials.find((c) => c.username === username && (c.password === undefined || c.password === password));
        return match ? { ok: true, principal: username } : { ok: false, reason: 'Invalid credentials' };
      }
      case 'oauth2': {
        if (scheme.toLowerCase() !== 'bearer') return { ok: false, reason: `unsupported authorization scheme ${scheme}` };
        const checked = state.oauth!.check(credential);
        if (!checked.ok) return { ok: false, reason: checked.reason === 'expired' ? 'The access token expired' : checked.reason === 'revoked' ? 'The access token was revoked' : 'Bad credentials' };
        // A token never expires on its first use: a real token lives a while, and a client that
        // refreshed must be able to use the new one (a second 401 in a row is final for it).
        if (!checked.firstUse && draw < faults.tokenExpiry) {
          state.oauth!.expire(credential);
          return { ok: false, reason: 'The access token expired', injected: true };
        }
        return { ok: true, principal: checked.principal };
      }
      default:
        return { ok: true, principal: 'anonymous' };
    }
  }

  async function respond(state: ProviderState, route: SandboxRoute, request: SandboxRequest, context: SandboxRouteContext): Promise<SandboxResponse> {
    if (route.handler) return route.handler(request, context);
    if (route.fixture) {
      const step = fixtureToStep(responseOf(route.fixture, 0, `sandbox route ${route.method} ${route.path}`));
      return { status: step.status, headers: step.headers, body: step.body };
    }
    const name = route.collection!;
    const items = (state.data[name] ??= []);
    const action = route.action ?? (request.method === 'POST' ? 'create' : 'list');
    const key = route.key ?? 'id';
    if (action === 'list') return context.paginate(route.filter ? items.filter((item) => route.filter!(item, request)) : items, request);
    if (action === 'get') {
      const wanted = request.params[key];
      const item = items.find((i) => String((i as Record<string, unknown>)?.[key]) === wanted);
      return item === undefined ? context.error(404, `No such ${name} item: ${wanted}`) : { status: 200, body: item };
    }
    if (!request.body || typeof request.body !== 'object' || Array.isArray(request.body)) return context.error(400, 'expected a JSON or form object body');
    const item: Record<string, unknown> = { ...(request.body as Record<string, unknown>) };
    if (item[key] === undefined) item[key] = `${name.replace(/s$/, '')}_sbx${++state.created}`;
    items.push(item);
    return { status: 200, body: item };
  }

  return {
    url,
    urlFor: (provider) => `${url}/${stateOf(provider).provider.name}`,
    async stop() {
      for (const cancel of [...hangs]) cancel();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
    },
    stats: () => structuredClone(stats),
    resetStats() {
      Object.assign(stats, emptyStats());
    },
    setFaults(next) {
      faults = resolveFaults(next);
    },
    script(provider, method, path, steps) {
      const state = stateOf(provider);
      state.scripts.push({ method: method.toUpperCase(), pattern: compileRoute(path), steps: expandSteps(stepsOf(steps)) });
    },
    unplayed(provider) {
      const counted = provider === undefined ? [...states.values()] : [stateOf(provider)];
      return counted.reduce((sum, state) => sum + state.scripts.reduce((n, script) => n + script.steps.length, 0), 0);
    },
    clearScripts(provider) {
      for (const state of provider === undefined ? [...states.values()] : [stateOf(provider)]) state.scripts = [];
    },
    issueTokens(provider, principal) {
      const state = stateOf(provider);
      if (!state.oauth) throw new TypeError(`sandbox: provider ${provider} does not use oauth2 auth, so it issues no tokens`);
      return state.oauth.issue(principal);
    },
    async sendWebhooks(webhookOptions) {
      const state = stateOf(webhookOptions.provider);
      const config = state.provider.webhooks;
      if (!config) throw new TypeError(`sandbox: provider ${webhookOptions.provider} declares no webhooks (scheme and secret)`);
      const duplicateRate = checkRate(webhookOptions.duplicateRate ?? 0, 'sendWebhooks duplicateRate');
      const badRate = checkRate(webhookOptions.badSignatureRate ?? 0, 'sendWebhooks badSignatureRate');
      const results: WebhookDeliveryResult[] = [];
      for (const event of webhookOptions.events) {
        const badSignature = webhookRandom() < badRate;
        const duplicate = webhookRandom() < duplicateRate;
        const signed = signWebhookFor(config.scheme, {
          payload: event.payload, secret: config.secret, method: 'POST', url: webhookOptions.url,
          ...(event.type !== undefined ? { type: event.type } : {}), ...(event.id !== undefined ? { id: event.id } : {}), ...(badSignature ? { tamper: 'wrong-secret' as const } : {}),
          timestamp: now(),
        });
        const headers = { ...signed.headers, ...config.headers?.(signed, event) };
        for (const copy of duplicate ? [false, true] : [false]) {
          const result: WebhookDeliveryResult = { id: signed.id, type: event.type, duplicate: copy, badSignature };
          stats.webhooks.sent++;
          if (copy) stats.webhooks.duplicates++;
          if (badSignature) stats.webhooks.badSignatures++;
          try {
            const response = await fetch(webhookOptions.url, { method: 'POST', headers, body: signed.body });
            await response.body?.cancel();
            result.status = response.status;
          } catch (error) {
            stats.webhooks.failed++;
            result.error = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
          }
          results.push(result);
        }
      }
      return results;
    },
  };
}

function compileProvider(provider: SandboxProvider, now: () => number): ProviderState {
  if (!provider || typeof provider.name !== 'string' || !NAME.test(provider.name)) {
    throw new TypeError(`startSandbox: provider name must be letters, digits, "-" or "_" (it becomes the URL prefix); got ${JSON.stringify(provider?.name)}`);
  }
  if (!Array.isArray(provider.routes)) throw new TypeError(`startSandbox(${provider.name}): routes must be an array`);
  const routes = provider.routes.map((route) => {
    const kinds = [route.handler, route.fixture, route.collection].filter((k) => k !== undefined).length;
    if (kinds !== 1) throw new TypeError(`startSandbox(${provider.name}): route ${route.method} ${route.path} needs exactly one of handler, fixture or collection`);
    if (route.fixture) responseOf(route.fixture, 0, `startSandbox(${provider.name}) route ${route.method} ${route.path}`);
    return { route, pattern: compileRoute(route.path), method: route.method.toUpperCase() };
  });
  const data: Record<string, unknown[]> = {};
  for (const [name, items] of Object.entries(provider.data ?? {})) data[name] = structuredClone([...items]);
  return {
    provider,
    routes,
    data,
    oauth: provider.auth?.kind === 'oauth2' ? new OAuthServer(provider.auth, now) : undefined,
    window: provider.rateLimit ? new FixedWindow(provider.rateLimit, now) : undefined,
    burstLeft: 0,
    scripts: [],
    created: 0,
    requests: 0,
  };
}

function checkRate(rate: number, what: string): number {
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) throw new TypeError(`sandbox: ${what} must be a probability between 0 and 1; got ${String(rate)}`);
  return rate;
}

function resolveFaults(faults: SandboxFaults | undefined): ResolvedFaults {
  const f = faults ?? {};
  const rateLimit = typeof f.rateLimit === 'number' ? { rate: f.rateLimit } : (f.rateLimit ?? { rate: 0 });
  const serverError = typeof f.serverError === 'number' ? { rate: f.serverError } : (f.serverError ?? { rate: 0 });
  const latency = f.latency ?? { rate: 0, ms: 0 };
  const burst = serverError.burst ?? 1;
  if (!Number.isInteger(burst) || burst < 1) throw new TypeError(`sandbox: faults.serverError.burst must be a whole number >= 1; got ${String(burst)}`);
  const status = serverError.status ?? 503;
  if (!Number.isInteger(status) || status < 500 || status > 599) throw new TypeError(`sandbox: faults.serverError.status must be a 5xx status; got ${String(status)}`);
  if (!Number.isFinite(latency.ms) || latency.ms < 0) throw new TypeError(`sandbox: faults.latency.ms must be >= 0; got ${String(latency.ms)}`);
  const retryAfterSeconds = rateLimit.retryAfterSeconds ?? 1;
  if (!Number.isFinite(retryAfterSeconds) || retryAfterSeconds < 0) throw new TypeError(`sandbox: faults.rateLimit.retryAfterSeconds must be >= 0; got ${String(retryAfterSeconds)}`);
  return {
    rateLimit: { rate: checkRate(rateLimit.rate, 'faults.rateLimit'), retryAfterSeconds },
    serverError: { rate: checkRate(serverError.rate, 'faults.serverError'), burst, status },
    latency: { rate: checkRate(latency.rate, 'faults.latency.rate'), ms: latency.ms },
    reset: checkRate(f.reset ?? 0, 'faults.reset'),
    tokenExpiry: checkRate(f.tokenExpiry ?? 0, 'faults.tokenExpiry'),
    planned: [...(f.planned ?? [])]
      .map((p) => {
        if (!p || typeof p.provider !== 'string' || !Number.isInteger(p.request) || p.request < 1 || !['rateLimit', 'serverError', 'tokenExpiry'].includes(p.fault)) {
          throw new TypeError(`sandbox: faults.planned entries need a provider, a request >= 1 and a fault (rateLimit, serverError, tokenExpiry); got ${JSON.stringify(p)}`);
        }
        return { ...p };
      })
      .sort((a, b) => a.request - b.request),
  };
}

function emptyStats(): SandboxStats {
  return {
    requests: 0,
    statuses: {},
    byProvider: {},
    faults: { rateLimit: 0, serverError: 0, latency: 0, reset: 0, tokenExpiry: 0 },
    rateLimited: 0,
    unauthorized: 0,
    scripted: 0,
    oauth: { tokenRequests: 0, issued: 0, refreshes: 0, invalidGrants: 0, reuseDetected: 0 },
    webhooks: { sent: 0, duplicates: 0, badSignatures: 0, failed: 0 },
  };
}

/** Reads the body up to `limit` bytes; undefined when larger. */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return undefined;
  if (/json/i.test(contentType ?? '')) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  if (/x-www-form-urlencoded/i.test(contentType ?? '')) return Object.fromEntries(new URLSearchParams(raw));
  return raw;
}
