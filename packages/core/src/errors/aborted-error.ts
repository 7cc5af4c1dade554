import { ConnectorError, type ConnectorErrorOptions } from './connector-error.ts';

/** The caller's AbortSignal fired. `cause` is the signal's reason. Never retried. */
export class AbortedError extends ConnectorError {
  static override readonly marker: string = 'connectors.error.AbortedError';
  override name = 'AbortedError';

  constructor(message: string, options: Omit<ConnectorErrorOptions, 'retryable'>) {
    super(message, { ...options, retryable: false, reason: 'the caller aborted the call' });
  }
}
