/**
 * Fault scenarios as data. A scenario is the ordered list of what a route answers, one step per
 * request: the same list replays through nock (`mockSequence`) or through the sandbox server
 * (`sandbox.script`), so a retry test reads like the incident it reproduces.
 */

/** JSON-serialisable header map. */
export type HeaderMap = Record<string, string>;

interface StepBase {
  /** How many consecutive requests this step answers. Default 1. */
  times?: number;
  /** Latency before the answer, in real milliseconds (keep it small in tests). */
  delayMs?: number;
  /** Shown in failure messages and sandbox stats. */
  label?: string;
}

/** An HTTP answer. `body` is JSON-encoded unless `rawBody` is given. */
export interface RespondStep extends StepBase {
  kind: 'respond';
  status: number;
  headers?: HeaderMap;
  body?: unknown;
  /** Sent byte for byte (e.g. malformed JSON); wins over `body`. */
  rawBody?: string;
}

/** The connection drops before any response (ECONNRESET). */
export interface ResetStep extends StepBase {
  kind: 'reset';
}

/**
 * No answer: the request hangs until the client gives up (its attempt timeout aborts it), or
 * `hangMs` passes and the connection drops.
 */
export interface TimeoutStep extends StepBase {
  kind: 'timeout';
  /** Upper bound on the hang. Default 30 s; the client's attempt timeout should fire long before. */
  hangMs?: number;
}

export type ScenarioStep = RespondStep | ResetStep | TimeoutStep;

/** A named, ordered list of steps. */
export interface Scenario {
  name: string;
  steps: readonly ScenarioStep[];
}

const JSON_HEADERS: HeaderMap = { 'content-type': 'application/json' };

/** Builders for single steps. */
export const step = {
  /** A 200 (or `status`) JSON answer. */
  ok(body?: unknown, headers: HeaderMap = {}, status = 200): RespondStep {
    return { kind: 'respond', status, body, headers: { ...JSON_HEADERS, ...headers } };
  },
  /** Any status with an optional JSON body. */
  status(status: number, body?: unknown, headers: HeaderMap = {}): RespondStep {
    return { kind: 'respond', status, body, headers: { ...JSON_HEADERS, ...headers }, label: `${status}` };
  },
  /**
   * A rate-limit answer: 429 with `Retry-After` (seconds, or an HTTP date string), plus any
   * provider headers such as `x-ratelimit-remaining: 0`.
   */
  rateLimited(options: { retryAfter?: number | string; status?: number; headers?: HeaderMap; body?: unknown } = {}): RespondStep {
    const headers: HeaderMap = { ...JSON_HEADERS, ...options.headers };
    if (options.retryAfter !== undefined) headers['retry-after'] = String(options.retryAfter);
    const status = options.status ?? 429;
    return {
      kind: 'respond', status, headers, body: options.body ?? { message: 'rate limit exceeded' },
      label: `${status}${options.retryAfter !== undefined ? ` Retry-After: ${options.retryAfter}` : ''}`,
    };
  },
  /** A transient server error (default 503). */
  serverError(status = 503, body: unknown = { message: 'service unavailable' }): RespondStep {
    return { kind: 'respond', status, headers: { ...JSON_HEADERS }, body, label: `${status}` };
  },
  /** 401 as an expired or revoked access token looks: `WWW-Authenticate: Bearer error="invalid_token"`. */
  unauthorized(body: unknown = { message: 'Bad credentials' }): RespondStep {
    return {
      kind: 'respond', status: 401, body, label: '401',
      headers: { ...JSON_HEADERS, 'www-authenticate': 'Bearer error="invalid_token", error_description="The access token expired"' },
    };
  },
  /** The connection is reset before a response. */
  reset(): ResetStep {
    return { kind: 'reset', label: 'connection reset' };
  },
  /** The server never answers in time. */
  timeout(hangMs?: number): TimeoutStep {
    return { kind: 'timeout', label: 'timeout', ...(hangMs !== undefined ? { hangMs } : {}) };
  },
  /** A 200 that says JSON but is cut off mid-document (a truncated or proxied response). */
  malformedJson(status = 200): RespondStep {
    return { kind: 'respond', status, headers: { ...JSON_HEADERS }, rawBody: '{"id": 1, "name": "trunc', label: `${status} malformed JSON` };
  },
  /** A 200 whose body has drifted from the schema (a renamed field, a new type). */
  drifted(body: unknown, headers: HeaderMap = {}): RespondStep {
    return { kind: 'respond', status: 200, body, headers: { ...JSON_HEADERS, ...headers }, label: '200 drifted schema' };
  },
};

/** Repeats a step `times` times (sugar for `{ ...step, times }`). */
export function times<S extends ScenarioStep>(count: number, s: S): S {
  return { ...s, times: count };
}

/** Ready-made scenarios for the faults the guide says integration tests must cover. */
export const scenarios = {
  /** 429 with `Retry-After`, then success. */
  rateLimited(okBody: unknown, retryAfterSeconds = 2): Scenario {
    return { name: `429 with Retry-After: ${retryAfterSeconds}, then 200`, steps: [step.rateLimited({ retryAfter: retryAfterSeconds }), step.ok(okBody)] };
  },
  /** A burst of 5xx, then success. */
  serverErrorBurst(okBody: unknown, count = 2, status = 503): Scenario {
    return { name: `${count} x ${status}, then 200`, steps: [times(count, step.serverError(status)), step.ok(okBody)] };
  },
  /** A connection reset, then success. */
  connectionReset(okBody: unknown): Scenario {
    return { name: 'connection reset, then 200', steps: [step.reset(), step.ok(okBody)] };
  },
  /** A hung request (the client's attempt timeout must fire), then success. */
  timeout(okBody: unknown, hangMs?: number): Scenario {
    return { name: 'timeout, then 200', steps: [step.timeout(hangMs), step.ok(okBody)] };
  },
  /** A truncated JSON body, then a good one. */
  malformedJson(okBody: unknown): Scenario {
    return { name: '200 with malformed JSON, then 200', steps: [step.malformedJson(), step.ok(okBody)] };
  },
  /** A body that no longer matches the schema: must fail validation, not be retried. */
  schemaDrift(driftedBody: unknown): Scenario {
    return { name: '200 with a drifted schema', steps: [step.drifted(driftedBody)] };
  },
  /** 401 (expired token), then 200: the client must refresh once and retry. */
  unauthorizedThenRefresh(okBody: unknown): Scenario {
    return { name: '401, refresh, then 200', steps: [step.unauthorized(), step.ok(okBody)] };
  },
};

/** A step reduced to what a transport does with it. */
export type ResolvedStep =
  | { type: 'respond'; status: number; headers: HeaderMap; body: string; delayMs: number; label: string }
  | { type: 'reset'; delayMs: number; label: string }
  | { type: 'hang'; hangMs: number; delayMs: number; label: string };

/** Default upper bound of a `timeout` step. */
export const DEFAULT_HANG_MS = 30_000;

/** Turns one step into what to send. Throws TypeError for a malformed step. */
export function resolveStep(s: ScenarioStep): ResolvedStep {
  const delayMs = s.delayMs ?? 0;
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new TypeError(`scenario step: delayMs must be >= 0; got ${String(s.delayMs)}`);
  switch (s.kind) {
    case 'respond': {
      if (!Number.isInteger(s.status) || s.status < 100 || s.status > 599) {
        throw new TypeError(`scenario step: status must be an HTTP status (100-599); got ${String(s.status)}`);
      }
      const body = s.rawBody ?? (s.body === undefined ? '' : JSON.stringify(s.body));
      const headers: HeaderMap = {};
      for (const [name, value] of Object.entries(s.headers ?? {})) headers[name.toLowerCase()] = value;
      if (body !== '' && s.rawBody === undefined && !headers['content-type']) headers['content-type'] = 'application/json';
      return { type: 'respond', status: s.status, headers, body, delayMs, label: s.label ?? String(s.status) };
    }
    case 'reset':
      return { type: 'reset', delayMs, label: s.label ?? 'connection reset' };
    case 'timeout':
      return { type: 'hang', hangMs: s.hangMs ?? DEFAULT_HANG_MS, delayMs, label: s.label ?? 'timeout' };
    default:
      throw new TypeError(`scenario step: unknown kind ${JSON.stringify((s as { kind?: unknown }).kind)}; use step.ok/status/rateLimited/reset/timeout/...`);
  }
}

/** Expands `times` so each entry answers exactly one request. */
export function expandSteps(steps: readonly ScenarioStep[]): ResolvedStep[] {
  const out: ResolvedStep[] = [];
  for (const s of steps) {
    const count = s.times ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new TypeError(`scenario step: times must be a whole number >= 1; got ${String(s.times)}`);
    const resolved = resolveStep(s);
    for (let i = 0; i < count; i++) out.push(resolved);
  }
  return out;
}

/** Accepts a scenario or its bare step list. */
export function stepsOf(input: Scenario | readonly ScenarioStep[]): readonly ScenarioStep[] {
  return Array.isArray(input) ? input : (input as Scenario).steps;
}
