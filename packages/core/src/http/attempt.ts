import type { Clock } from '../internal/clock.ts';
import type { AttemptContext, AttemptInput } from './attempt-context.ts';
import type { EventInput } from './events.ts';

// One attempt of a call: its abort guard (caller signal, attempt timeout, total deadline) and the
// context middleware sees. Apart from the client so the attempt loop there reads top to bottom.

/** Who an attempt reports to: the client. */
export interface AttemptHost {
  readonly connector: string;
  emit(event: EventInput): void;
}

/** What an attempt needs of its call. */
export interface AttemptCall {
  readonly operation: string;
  readonly method: string;
  readonly route: string;
  readonly callId: string;
  readonly deadline: number;
  readonly options: AttemptInput & { readonly rateLimit?: false };
}

/** What ky forwards to our transport besides the request (see `createTransport`). */
export interface AttemptInit {
  attemptSignal?: AbortSignal;
  attemptHeaders?: Headers;
}

/** Which timer or signal ended an attempt early. */
export type AbortCause = 'caller' | 'total' | 'attempt' | undefined;

/** When the request of an attempt left, for durations that exclude rate-limit waits. */
export interface AttemptTrip {
  sentAt: number | undefined;
}

export function elapsed(trip: AttemptTrip): number {
  return trip.sentAt === undefined ? 0 : performance.now() - trip.sentAt;
}

/**
 * One AbortController per attempt, fed by the caller's signal, the call's total deadline and the
 * attempt timer, with every timer and listener released when the attempt settles. Hand-written
 * because `AbortSignal.timeout()` + `AbortSignal.any()` keep each signal alive until its timer
 * fires (minutes after the call), which grows the heap by kilobytes per call in long syncs.
 */
export class AttemptGuard {
  readonly #controller = new AbortController();
  readonly #caller: AbortSignal | undefined;
  readonly #onCallerAbort: (() => void) | undefined;
  /** When the call's total deadline passes, in `performance.now()` time. */
  readonly #totalAt: number;
  // One timer at a time: the total deadline until send, then whichever of the attempt timeout and
  // the total deadline comes first.
  #timer: ReturnType<typeof setTimeout>;
  cause: AbortCause;

  constructor(caller: AbortSignal | undefined, totalMs: number) {
    this.#caller = caller;
    if (caller) {
      this.#onCallerAbort = () => this.abort('caller', caller.reason);
      caller.addEventListener('abort', this.#onCallerAbort, { once: true });
    }
    this.#totalAt = performance.now() + totalMs;
    this.#timer = setTimeout(abortOnTotal, totalMs, this);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  startAttemptTimer(ms: number): void {
    if (performance.now() + ms >= this.#totalAt) return; // the total deadline comes first anyway
    clearTimeout(this.#timer);
    this.#timer = setTimeout(abortOnAttempt, ms, this);
  }

  dispose(): void {
    clearTimeout(this.#timer);
    if (this.#onCallerAbort) this.#caller?.removeEventListener('abort', this.#onCallerAbort);
  }

  abort(cause: AbortCause, reason: unknown): void {
    if (this.#controller.signal.aborted) return;
    this.cause = cause;
    this.#controller.abort(reason);
  }
}

// Module-level timer callbacks (the guard rides as the timer argument): no closures per attempt.
function abortOnTotal(guard: AttemptGuard): void {
  guard.abort('total', new DOMException('the total deadline passed', 'TimeoutError'));
}
function abortOnAttempt(guard: AttemptGuard): void {
  guard.abort('attempt', new DOMException('the attempt timed out', 'TimeoutError'));
}


/**
 * What middleware sees of one attempt. A class rather than an object literal: a literal with a
 * getter is built on V8's slow path, which cost more than the rate limiter itself per call.
 */
export class Attempt implements AttemptContext {
  readonly connector: string;
  readonly operation: string;
  readonly method: string;
  readonly route: string;
  readonly url: URL;
  readonly host: string;
  readonly headers: Headers;
  readonly attempt: number;
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly deadline: number;
  readonly input: AttemptInput;
  readonly rateLimit: boolean;
  readonly #host: AttemptHost;
  readonly #callId: string;
  readonly #guard: AttemptGuard;

  constructor(host: AttemptHost, clock: Clock, call: AttemptCall, url: URL, headers: Headers, attempt: number, guard: AttemptGuard) {
    this.connector = host.connector;
    this.operation = call.operation;
    this.method = call.method;
    this.route = call.route;
    this.url = url;
    this.host = url.host;
    this.headers = headers;
    this.attempt = attempt;
    this.signal = guard.signal;
    this.clock = clock;
    this.deadline = call.deadline;
    this.input = call.options;
    this.rateLimit = call.options.rateLimit !== false;
    this.#host = host;
    this.#callId = call.callId;
    this.#guard = guard;
  }

  get callerAborted(): boolean {
    return this.#guard.cause === 'caller';
  }

  emit(event: EventInput): void {
    this.#host.emit({ ...event, callId: this.#callId } as EventInput);
  }
}
