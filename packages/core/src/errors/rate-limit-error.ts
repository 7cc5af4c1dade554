import { ConnectorError, type ConnectorErrorOptions } from './connector-error.ts';

/**
 * The provider asked us to wait longer than this client is allowed to sleep
 * (`retry.maxRetryAfterMs`, or past the total deadline). Nothing was slept:
 * hand `retryAt` to a job scheduler and come back then.
 */
export class RateLimitError extends ConnectorError {
  static override readonly marker: string = 'connectors.error.RateLimitError';
  override name = 'RateLimitError';
  readonly retryAt: Date;
  readonly status: number | undefined;

  constructor(message: string, options: ConnectorErrorOptions & { retryAt: Date; status?: number }) {
    super(message, options);
    this.retryAt = options.retryAt;
    this.status = options.status;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAt: this.retryAt.toISOString(), status: this.status };
  }
}
