import { AuthError } from '../errors/auth-error.ts';
import type { ConnectorError } from '../errors/connector-error.ts';
import { HttpError } from '../errors/http-error.ts';
import type { ResponseVerdict } from '../http/response-check.ts';
import type { HttpErrorFactoryInput } from '../http/types.ts';
import { excerpt } from '../internal/redact.ts';
import type { RetryVerdict } from './retry-policy.ts';

/** Where a body-signalled failure happened. */
export interface FailureContext {
  connector: string;
  operation: string;
  method: string;
  route: string;
  attempt: number;
  response: Response;
  /** The body text, secrets already removed. */
  text: string;
  requestId: string | undefined;
  now: number;
  httpError: ((failure: HttpErrorFactoryInput) => ConnectorError | undefined) | undefined;
}

/**
 * The error and retry verdict for a failure a response check found in a body: `AuthError` for auth
 * verdicts, the connector's `httpError` (else `HttpError` with `providerCode`) for the rest, a
 * verdict's own error as it is. Rate limits are not-applied by default, so even a POST is retried.
 */
export function failureFromVerdict(said: Exclude<ResponseVerdict, { kind: 'success' }>, at: FailureContext): { failure: ConnectorError; verdict: RetryVerdict } {
  const { response, attempt } = at;
  const call = at;
  if (said.kind === 'error') {
    const error = said.error;
    error.attempts = attempt;
    return { failure: error, verdict: { retryable: error.retryable, reason: error.reason ?? error.message } };
  }
  const status = response.status;
  const text = at.text;
  const code = said.providerCode;
  const what = `${code ?? 'an error'}${said.message && said.message !== code ? ` (${said.message})` : ''}`;
  const requestId = at.requestId === undefined ? {} : { requestId: at.requestId };
  if (said.kind === 'auth') {
    const reason = said.code === 'insufficient-scope'
      ? `the credentials lack a permission (scope) this call needs${said.needed?.length ? `: ${said.needed.join(', ')}` : ''}`
      : said.code === 'expired' ? 'the credentials expired and could not be refreshed' : 'the provider rejected the credentials';
    return {
      failure: new AuthError(`${at.connector} ${call.operation}: ${reason}; the provider said ${what} (status ${status})`, {
        connector: at.connector, operation: call.operation, code: said.code, status, attempts: attempt, reason, ...requestId,
        ...(code !== undefined ? { providerError: code } : {}), ...(said.message !== undefined ? { providerErrorDescription: said.message } : {}),
        ...(said.needed ? { neededScopes: said.needed } : {}), ...(said.provided ? { providedScopes: said.provided } : {}),
      }),
      verdict: { retryable: false, reason },
    };
  }
  let verdict: RetryVerdict;
  if (said.kind === 'rate-limited') {
    const retryAfterMs = said.retryAfterMs ?? (said.retryAt ? Math.max(0, said.retryAt.getTime() - at.now) : undefined);
    verdict = {
      retryable: true, rateLimited: true, notApplied: said.notApplied ?? true, reason: `rate limited (${code ?? status})`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  } else if (said.kind === 'retryable') {
    verdict = { retryable: true, reason: `the provider reported a transient failure (${code ?? status})`, ...(said.notApplied ? { notApplied: true } : {}) };
  } else {
    verdict = { retryable: false, reason: `the provider reported ${code ?? 'a failure'}: the same request would fail again` };
  }
  const message = `${at.connector} ${call.operation}: ${call.method} ${call.route} failed: the provider said ${what} (status ${status})`;
  const init = {
    connector: at.connector, operation: call.operation, status, retryable: verdict.retryable, reason: verdict.reason,
    bodyExcerpt: excerpt(text, []), attempts: attempt, ...requestId, ...(code !== undefined ? { providerCode: code } : {}),
  };
  const failure = at.httpError?.({ message, init, body: text, headers: response.headers }) ?? new HttpError(message, init);
  return { failure, verdict };
}
