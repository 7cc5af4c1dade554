import { ConnectorError, type ConnectorErrorOptions } from './connector-error.ts';

/**
 * The response is larger than `maxResponseBytes`: reading stopped at the limit (or before, from
 * `Content-Length`). Never retried: the same response would be as large again. Raise the limit on
 * the client or the call, or read it as a stream (`responseType: 'stream'`).
 */
export class ResponseTooLargeError extends ConnectorError {
  static override readonly marker: string = 'connectors.error.ResponseTooLargeError';
  override name = 'ResponseTooLargeError';
  readonly status: number;
  /** The limit that was exceeded, in bytes. */
  readonly limitBytes: number;
  /** The size the server declared in `Content-Length`, when it did. */
  readonly declaredBytes: number | undefined;

  constructor(message: string, options: Omit<ConnectorErrorOptions, 'retryable'> & { status: number; limitBytes: number; declaredBytes?: number }) {
    super(message, { ...options, retryable: false, reason: options.reason ?? 'the response is larger than maxResponseBytes; the same response would be as large again' });
    this.status = options.status;
    this.limitBytes = options.limitBytes;
    this.declaredBytes = options.declaredBytes;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, limitBytes: this.limitBytes, declaredBytes: this.declaredBytes };
  }
}
