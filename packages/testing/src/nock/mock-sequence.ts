import type nock from 'nock';
import { expandSteps, type ResolvedStep, type Scenario, type ScenarioStep, stepsOf } from '../scenarios/scenario.ts';

/** One request as an interceptor saw it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The label of the step that answered it. */
  step: string;
}

/** What `mockSequence` returns: the requests it answered, for assertions. */
export interface MockedSequence {
  readonly requests: readonly RecordedRequest[];
  /** Number of requests answered so far. */
  readonly count: number;
  /** True when every step has answered at least once. */
  readonly done: boolean;
}

export interface MockSequenceOptions {
  /**
   * Query matcher passed to nock's `.query()`. Default: any query string, so a sequence does not
   * break when the client adds `per_page` or a cursor. Pass an object to match exactly.
   */
  query?: true | Record<string, string | number | boolean>;
  /** Keep answering with the last step after the list runs out (e.g. a steady 200 after faults). */
  repeatLast?: boolean;
  /** Request-body matcher passed to nock. */
  body?: nock.RequestBodyMatcher;
}

type PathMatcher = string | RegExp | ((path: string) => boolean);

/**
 * Answers consecutive requests to one route with the scenario's steps, in order.
 *
 * nock interceptors are single-use, so a client that retries consumes one per attempt: a test
 * that registers one interceptor for a call that is retried twice fails with a confusing 501. This
 * registers one interceptor per attempt the scenario expects (expanding `times`), so a retry test
 * is written as the sequence of answers and nothing else.
 *
 * @example
 * const seq = mockSequence(nock('https://api.example.com'), 'GET', '/things', [
 *   step.rateLimited({ retryAfter: 2 }),
 *   step.serverError(503),
 *   step.ok([{ id: 1 }]),
 * ]);
 * await client.request({ path: '/things' });
 * expect(seq.count).toBe(3);
 */
export function mockSequence(
  scope: nock.Scope,
  method: string,
  path: PathMatcher,
  steps: Scenario | readonly ScenarioStep[],
  options: MockSequenceOptions = {},
): MockedSequence {
  const resolved = expandSteps(stepsOf(steps));
  if (resolved.length === 0) throw new TypeError('mockSequence: the scenario has no steps; give at least one (e.g. step.ok(body))');
  const requests: RecordedRequest[] = [];
  const answered = new Set<number>();

  const register = (index: number, s: ResolvedStep, forever: boolean) => {
    let interceptor = scope.intercept(path, method.toUpperCase(), options.body);
    if (options.query !== undefined) interceptor = interceptor.query(options.query);
    else if (typeof path !== 'string' || !path.includes('?')) interceptor = interceptor.query(true);
    if (forever) interceptor = interceptor.times(Number.POSITIVE_INFINITY).optionally();
    // nock 15 calls a reply function with the fetch Request; its types still describe the old (uri, body) form.
    const reply = async (request: Request) => {
      answered.add(index);
      return answerStep(s, request, requests);
    };
    interceptor.reply(reply as never);
  };

  resolved.forEach((s, index) => register(index, s, false));
  if (options.repeatLast) register(resolved.length - 1, resolved[resolved.length - 1]!, true);

  return mockedSequence(requests, () => answered.size >= resolved.length);
}

/** The live view of a mocked sequence: what was asked so far, and whether every step has answered. */
export function mockedSequence(requests: readonly RecordedRequest[], done: () => boolean): MockedSequence {
  return {
    get requests() {
      return requests;
    },
    get count() {
      return requests.length;
    },
    get done() {
      return done();
    },
  };
}

/** Plays one resolved step for a nock reply function: a `[status, body, headers]` tuple, or a thrown network error. */
export async function answerStep(s: ResolvedStep, request: Request, log?: RecordedRequest[]): Promise<[number, string, Record<string, string>]> {
  let body = '';
  try {
    body = await request.text();
  } catch {
    // A body already consumed upstream is not worth failing the reply for.
  }
  log?.push({ method: request.method, url: request.url, headers: Object.fromEntries(request.headers), body, step: s.label });
  if (s.delayMs > 0) await wait(s.delayMs, request.signal);
  if (s.type === 'respond') return [s.status, s.body, s.headers];
  if (s.type === 'reset') throw networkError('ECONNRESET', 'socket hang up (scenario: connection reset)');
  await wait(s.hangMs, request.signal);
  throw networkError('ETIMEDOUT', `no response within ${s.hangMs} ms (scenario: timeout)`);
}

function networkError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

const pendingWaits = new Set<() => void>();

/** Ends every delayed or hung answer still waiting (called between tests by the nock guard). */
export function cancelPendingAnswers(): void {
  for (const cancel of [...pendingWaits]) cancel();
}

/**
 * Waits with a real timer, rejecting as soon as the request is aborted: answering an aborted
 * request crashes undici (nock's own `.delay()` does exactly that, so it is not used).
 */
function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(networkError('ECONNABORTED', 'request aborted'));
    const cancel = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
      pendingWaits.delete(cancel);
      reject(networkError('ECONNABORTED', 'request aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', cancel);
      pendingWaits.delete(cancel);
      resolve();
    }, ms);
    pendingWaits.add(cancel);
    signal?.addEventListener('abort', cancel, { once: true });
  });
}
