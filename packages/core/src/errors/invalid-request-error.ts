import { ConnectorError, type ConnectorErrorOptions } from './connector-error.ts';

/** The call was malformed before anything was sent (a missing path parameter, a bad option). Fix the call. */
export class InvalidRequestError extends ConnectorError {
  override name = 'InvalidRequestError';

  constructor(message: string, options: Omit<ConnectorErrorOptions, 'retryable'>) {
    super(message, { ...options, retryable: false });
  }
}

/** The caller's AbortSignal fired. `cause` is the signal's reason. */
export class AbortedError extends ConnectorError {
  override name = 'AbortError';

  constructor(message: string, options: Omit<ConnectorErrorOptions, 'retryable'>) {
    super(message, { ...options, retryable: false, reason: 'the caller aborted the call' });
  }
}
