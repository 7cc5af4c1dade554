import {
  AbortedError,
  AuthError,
  type ConnectorError,
  HttpError,
  isConnectorError,
  NetworkError,
  TimeoutError,
} from '../errors/index.ts';
import type { Clock } from '../internal/clock.ts';
import { excerpt, redactText } from '../internal/redact.ts';
import { systemErrorCode } from '../internal/system-error-code.ts';
import { failureFromVerdict } from '../retry/failure-from-verdict.ts';
import type { RetryVerdict } from '../retry/retry-policy.ts';
import type { AbortCause } from './attempt.ts';
import type { Call } from './prepare-call.ts';
import type { ResponseVerdict } from './response-check.ts';
import type { HttpErrorFactoryInput } from './types.ts';

// How a call's failures become typed errors: a failed status, a body a response check refused, a 401
// that could not be refreshed, a thrown network error or timeout, the caller's abort, the total
// deadline. Apart from the client so its attempt loop reads as the decisions, not the messages.

/** The response headers that carry a provider's request id, checked in this order. */
export const DEFAULT_REQUEST_ID_HEADERS: readonly string[] = [
  'x-request-id',
  'request-id',
  'x-github-request-id',
  'x-amzn-requestid',
  'x-amz-request-id',
  'x-correlation-id',
  'cf-ray',
];

/** System error codes that prove the request never left: safe to retry even a POST. */
export const BEFORE_SEND_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** What a client tells its `CallErrors` once, when it is made. */
export interface CallErrorsOptions {
  connector: string;
  /** The call's total deadline (`timeout.totalMs`), named in the total-timeout message. */
  totalMs: number;
  clock: Clock;
  /** Where to look for a request id (`HttpClientOptions.requestIdHeaders`). */
  requestIdHeaders: readonly string[];
  /** The connector's own error for a failed status (`HttpClientOptions.httpError`). */
  httpError: ((failure: HttpErrorFactoryInput) => ConnectorError | undefined) | undefined;
  /** The current credentials' secrets, read when a text is redacted. */
  secrets: () => string[];
}

/**
 * Makes the errors a client's calls fail with, and reads the provider's request id they carry. One
 * per client: every method takes the call, so nothing is allocated per call beyond the error itself.
 */
export class CallErrors {
  readonly #connector: string;
  readonly #totalMs: number;
  readonly #clock: Clock;
  readonly #requestIdHeaders: readonly string[];
  readonly #httpError: CallErrorsOptions['httpError'];
  readonly #secrets: () => string[];

  constructor(options: CallErrorsOptions) {
    this.#connector = options.connector;
    this.#totalMs = options.totalMs;
    this.#clock = options.clock;
    this.#requestIdHeaders = options.requestIdHeaders;
    this.#httpError = options.httpError;
    this.#secrets = options.secrets;
  }

  /** The provider's id for the request, from the first of `requestIdHeaders` the response has. */
  requestId(response: Response): string | undefined {
    for (const name of this.#requestIdHeaders) {
      const value = response.headers.get(name);
      if (value) return value;
    }
    return undefined;
  }

  /** `{ requestId }` to spread into an error or event, or `{}` when the response names none. */
  requestIdField(response: Response): { requestId?: string } {
    const requestId = this.requestId(response);
    return requestId === undefined ? {} : { requestId };
  }

  /** A failed status: the connector's `httpError` if it makes one, else `HttpError`; a 401 is an `AuthError`. */
  httpFailure(call: Call, response: Response, attempt: number, verdict: RetryVerdict, text: string): ConnectorError {
    if (response.status === 401) return this.unauthorized(call, response, attempt, verdict.reason);
    const connector = this.#connector;
    const message = `${connector} ${call.operation}: ${call.method} ${call.route} failed with ${response.status}`;
    const init = {
      connector, operation: call.operation, status: response.status, retryable: verdict.retryable,
      reason: verdict.reason, bodyExcerpt: excerpt(text, this.#secrets()), attempts: attempt, ...this.requestIdField(response),
    };
    return this.#httpError?.({ message, init, body: text, headers: response.headers }) ?? new HttpError(message, init);
  }

  /** The provider refused the credentials (401) and they were not, or could not be, refreshed. */
  unauthorized(call: Call, response: Response, attempt: number, reason: string): AuthError {
    const connector = this.#connector;
    return new AuthError(`${connector} ${call.operation}: the provider rejected the credentials (401); ${reason}`, {
      connector, operation: call.operation, code: 'rejected', status: 401, attempts: attempt, reason, ...this.requestIdField(response),
    });
  }

  /** The error and retry verdict for a failure the body signalled (a `ResponseCheck`'s verdict). */
  bodyFailure(call: Call, response: Response, attempt: number, said: Exclude<ResponseVerdict, { kind: 'success' }>, rawText: string): { failure: ConnectorError; verdict: RetryVerdict } {
    return failureFromVerdict(said, {
      connector: this.#connector, operation: call.operation, method: call.method, route: call.route, attempt, response,
      text: redactText(rawText, this.#secrets()), requestId: this.requestId(response), now: this.#clock.now(), httpError: this.#httpError,
    });
  }

  /**
   * What an attempt threw, as a `ConnectorError`: one already typed keeps its class (with `attempts`
   * set), then the caller's abort, the total deadline, the attempt timeout, else a `NetworkError`
   * that says whether the request surely never left (`beforeSend`).
   */
  toConnectorError(error: unknown, call: Call, attempt: number, timedOut: AbortCause, timeoutMs: number): ConnectorError {
    const connector = this.#connector;
    const { operation } = call;
    if (isConnectorError(error)) {
      error.attempts = attempt;
      return error;
    }
    if (call.options.signal?.aborted) return this.aborted(call, attempt);
    const idempotent = call.retrySafe;
    if (timedOut === 'total') return this.totalTimeout(call, attempt, undefined);
    if (timedOut === 'attempt') {
      return new TimeoutError(`${connector} ${operation}: attempt ${attempt} timed out after ${timeoutMs} ms`, {
        connector, operation, timeout: 'attempt', timeoutMs, attempts: attempt, retryable: true,
        reason: idempotent ? 'the attempt timed out' : 'the attempt timed out after the request may have been applied',
      });
    }
    const code = systemErrorCode(error);
    const beforeSend = code !== undefined && BEFORE_SEND_CODES.has(code);
    return new NetworkError(`${connector} ${operation}: network error${code ? ` (${code})` : ''}`, {
      connector, operation, attempts: attempt, beforeSend, retryable: true, cause: error,
      ...(code ? { code } : {}), reason: beforeSend ? 'the connection failed before the request was sent' : 'the connection failed',
    });
  }

  /** No success within `timeout.totalMs`; the last attempt's error, if any, is its cause. */
  totalTimeout(call: Call, attempts: number, lastError: ConnectorError | undefined): TimeoutError {
    const connector = this.#connector;
    return new TimeoutError(`${connector} ${call.operation}: no success within the total deadline of ${this.#totalMs} ms`, {
      connector, operation: call.operation, timeout: 'total', timeoutMs: this.#totalMs, attempts, retryable: true,
      reason: 'the total deadline (timeout.totalMs) passed', ...(lastError ? { cause: lastError } : {}),
    });
  }

  /** The caller aborted the call (its `signal`); the signal's reason is the cause. */
  aborted(call: Call, attempts: number): AbortedError {
    const connector = this.#connector;
    return new AbortedError(`${connector} ${call.operation}: aborted by the caller`, { connector, operation: call.operation, attempts, cause: call.options.signal?.reason });
  }
}

/** `{ providerCode }` for a `response`/`give-up` event when the error carries the provider's code. */
export function providerCodeField(error: ConnectorError): { providerCode?: string } {
  const code = (error as { providerCode?: unknown }).providerCode ?? (error as { providerError?: unknown }).providerError;
  return typeof code === 'string' ? { providerCode: code } : {};
}
