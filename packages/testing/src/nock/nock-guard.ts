import { redactUrl } from '@connectors/core';
import nock from 'nock';
import { scrubText } from '../fixtures/scrub.ts';
import { cancelPendingAnswers } from './mock-sequence.ts';

/** A request nock could not answer from any interceptor. */
export interface UnmatchedRequest {
  method: string;
  /** The URL with credential-carrying query values redacted. */
  url: string;
  /** Why the closest interceptor on that host did not match, when nock says. */
  closest?: { interceptor: string; reasons: string[] };
}

/**
 * Thrown when requests reached nock without a matching interceptor. nock 15 answers those with a
 * 501 (or a refused connection for hosts with no interceptor at all), which a client with retries
 * turns into a confusing error far from the cause; this error names every such request instead.
 */
export class UnmatchedRequestsError extends Error {
  override name = 'UnmatchedRequestsError';
  readonly requests: readonly UnmatchedRequest[];

  constructor(requests: readonly UnmatchedRequest[], pending: readonly string[] = []) {
    const lines = requests.map((r) => {
      const closest = r.closest ? `\n      closest interceptor ${r.closest.interceptor}: ${r.closest.reasons.join('; ')}` : '';
      return `  ${r.method} ${r.url}${closest}`;
    });
    const pendingText = pending.length ? `\nInterceptors never used:\n${pending.map((p) => `  ${p}`).join('\n')}` : '';
    super(
      `${requests.length} request${requests.length === 1 ? '' : 's'} matched no nock interceptor (nock answered with 501 or refused the connection):\n` +
        `${lines.join('\n')}${pendingText}\n` +
        'Add an interceptor for each (mockSequence, replayFixture, nock(...)), or use .times(n) when the client retries.',
    );
    this.requests = requests;
  }
}

/** Interceptors were set up but never requested (only checked when asked: `check({ pending: true })`). */
export class PendingMocksError extends Error {
  override name = 'PendingMocksError';
  readonly pending: readonly string[];

  constructor(pending: readonly string[]) {
    super(`${pending.length} nock interceptor${pending.length === 1 ? ' was' : 's were'} never used:\n${pending.map((p) => `  ${p}`).join('\n')}\nRemove them, or check that the code under test makes these requests.`);
    this.pending = pending;
  }
}

export interface NockGuardOptions {
  /**
   * Hosts that may still be reached for real, besides loopback (127.0.0.1, localhost, ::1), which is
   * always allowed so tests can talk to local servers such as the sandbox.
   */
  allowHosts?: readonly (string | RegExp)[];
}

export interface NockGuard {
  /** Requests seen so far that no interceptor matched. */
  unmatched(): readonly UnmatchedRequest[];
  /**
   * Throws `UnmatchedRequestsError` if any request went unmatched; with `pending: true`, also
   * `PendingMocksError` when interceptors were never used.
   */
  check(options?: { pending?: boolean }): void;
  /** Removes every interceptor, aborts delayed replies and forgets unmatched requests. */
  reset(): void;
  /** Stops listening and re-enables real network access. */
  dispose(): void;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** True for loopback hosts (with or without a port). */
export function isLoopbackHost(host: string): boolean {
  const hostname = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0] ?? host;
  return LOOPBACK.has(hostname) || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Disables real network access except loopback and records every request nock could not match.
 * Framework-agnostic; `useNock()` wires it into vitest's hooks.
 */
export function createNockGuard(options: NockGuardOptions = {}): NockGuard {
  const allow = options.allowHosts ?? [];
  const allowed = (host: string) =>
    isLoopbackHost(host) || allow.some((rule) => (typeof rule === 'string' ? host === rule || host.split(':')[0] === rule : rule.test(host)));
  const seen: UnmatchedRequest[] = [];

  const onNoMatch = (request: Request, results?: nock.InterceptorMatchResult[]) => {
    const url = new URL(request.url);
    // nock also reports pass-through requests to hosts without interceptors; only those it could
    // not serve are failures: a host with interceptors (nock answers 501) or a disallowed host.
    if (results === undefined && allowed(url.host)) return;
    const entry: UnmatchedRequest = { method: request.method, url: redactUrl(url) };
    const best = results?.[0];
    if (best) entry.closest = { interceptor: describeInterceptor(best.interceptor), reasons: best.reasons.map((reason) => scrubText(reason)) };
    seen.push(entry);
  };

  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  nock.enableNetConnect((host: string) => allowed(host));
  nock.emitter.on('no match', onNoMatch);

  return {
    unmatched: () => seen,
    check(checkOptions = {}) {
      if (seen.length) throw new UnmatchedRequestsError([...seen], checkOptions.pending ? nock.pendingMocks() : []);
      if (checkOptions.pending) {
        const pending = nock.pendingMocks();
        if (pending.length) throw new PendingMocksError(pending);
      }
    },
    reset() {
      cancelPendingAnswers();
      nock.abortPendingRequests();
      nock.cleanAll();
      seen.length = 0;
    },
    dispose() {
      nock.emitter.removeListener('no match', onNoMatch);
      cancelPendingAnswers();
      nock.abortPendingRequests();
      nock.cleanAll();
      nock.enableNetConnect();
    },
  };
}

function describeInterceptor(interceptor: unknown): string {
  const i = interceptor as { method?: string; basePath?: string; path?: string; _key?: string };
  if (typeof i._key === 'string') return i._key;
  return `${i.method ?? '?'} ${i.basePath ?? ''}${i.path ?? ''}`;
}
