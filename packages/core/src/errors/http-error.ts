import { ConnectorError, type ConnectorErrorOptions } from './connector-error.ts';

/** The provider answered with a non-success status. */
export class HttpError extends ConnectorError {
  static override readonly marker: string = 'connectors.error.HttpError';
  override name = 'HttpError';
  readonly status: number;
  /** The start of the response body, with known secrets removed. */
  readonly bodyExcerpt: string | undefined;

  constructor(message: string, options: ConnectorErrorOptions & { status: number; bodyExcerpt?: string }) {
    super(message, options);
    this.status = options.status;
    this.bodyExcerpt = options.bodyExcerpt;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, bodyExcerpt: this.bodyExcerpt };
  }
}
