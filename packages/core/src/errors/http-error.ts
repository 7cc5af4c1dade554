import { ConnectorError, type ConnectorErrorOptions } from './connector-error.ts';

/** The provider answered with a failure: a non-success status, or a success status whose body says it failed (`providerCode`). */
export class HttpError extends ConnectorError {
  static override readonly marker: string = 'connectors.error.HttpError';
  override name = 'HttpError';
  readonly status: number;
  /** The start of the response body, with known secrets removed. */
  readonly bodyExcerpt: string | undefined;
  /** The provider's own error code when the body names one (Slack `channel_not_found`, a GraphQL `extensions.code`). */
  readonly providerCode: string | undefined;

  constructor(message: string, options: ConnectorErrorOptions & { status: number; bodyExcerpt?: string; providerCode?: string }) {
    super(message, options);
    this.status = options.status;
    this.bodyExcerpt = options.bodyExcerpt;
    this.providerCode = options.providerCode;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, bodyExcerpt: this.bodyExcerpt, providerCode: this.providerCode };
  }
}
