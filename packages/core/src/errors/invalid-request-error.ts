import { ConnectorError, type ConnectorErrorOptions } from './connector-error.ts';

/** The call was malformed before anything was sent (a missing path parameter, a bad option). Fix the call. */
export class InvalidRequestError extends ConnectorError {
  static override readonly marker: string = 'connectors.error.InvalidRequestError';
  override name = 'InvalidRequestError';

  constructor(message: string, options: Omit<ConnectorErrorOptions, 'retryable'>) {
    super(message, { ...options, retryable: false });
  }
}
