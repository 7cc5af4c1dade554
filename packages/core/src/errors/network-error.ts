import { ConnectorError, type ConnectorErrorOptions } from './connector-error.ts';

/** The request did not get an HTTP response: refused, reset, DNS failure... */
export class NetworkError extends ConnectorError {
  static override readonly marker: string = 'connectors.error.NetworkError';
  override name = 'NetworkError';
  /** The system error code (ECONNREFUSED, ECONNRESET, ENOTFOUND...), when known. */
  readonly code: string | undefined;
  /** True when the failure provably happened before any byte of the request left, so even a POST is safe to retry. */
  readonly beforeSend: boolean;

  constructor(message: string, options: ConnectorErrorOptions & { code?: string; beforeSend: boolean }) {
    super(message, options);
    this.code = options.code;
    this.beforeSend = options.beforeSend;
  }
}
