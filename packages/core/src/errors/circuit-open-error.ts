import { ConnectorError, type ConnectorErrorOptions } from './connector-error.ts';

/** The circuit for this host is open after a run of failures: the call was not sent. */
export class CircuitOpenError extends ConnectorError {
  static override readonly marker: string = 'connectors.error.CircuitOpenError';
  override name = 'CircuitOpenError';
  readonly host: string;
  /** When the breaker will let a probe through. */
  readonly retryAt: Date;

  constructor(message: string, options: Omit<ConnectorErrorOptions, 'retryable'> & { host: string; retryAt: Date }) {
    super(message, { ...options, retryable: true });
    this.host = options.host;
    this.retryAt = options.retryAt;
  }
}
