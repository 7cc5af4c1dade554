import { ConnectorError, type ConnectorErrorOptions } from './connector-error.ts';

/** An attempt ran past `timeout.attemptMs`, or the whole call past `timeout.totalMs`. */
export class TimeoutError extends ConnectorError {
  static override readonly marker: string = 'connectors.error.TimeoutError';
  override name = 'TimeoutError';
  readonly timeout: 'attempt' | 'total';
  readonly timeoutMs: number;

  constructor(message: string, options: ConnectorErrorOptions & { timeout: 'attempt' | 'total'; timeoutMs: number }) {
    super(message, options);
    this.timeout = options.timeout;
    this.timeoutMs = options.timeoutMs;
  }
}
