import { ConnectorError, type ConnectorErrorOptions } from './connector-error.ts';

/** One place where data did not match its schema. */
export interface SchemaIssue {
  /** Dotted path to the value, e.g. `items.3.owner.login`; empty for the root. */
  path: string;
  message: string;
  expected?: string;
  received?: string;
}

/** A response (or request body) did not match the declared schema. Never retried: the same data comes back. */
export class SchemaValidationError extends ConnectorError {
  static override readonly marker: string = 'connectors.error.SchemaValidationError';
  override name = 'SchemaValidationError';
  readonly issues: readonly SchemaIssue[];
  /** Where the data came from. */
  readonly direction: 'response' | 'request';
  /** A short redacted excerpt of the data that failed. */
  readonly excerpt: string | undefined;

  constructor(
    message: string,
    options: Omit<ConnectorErrorOptions, 'retryable'> & {
      issues: readonly SchemaIssue[];
      direction: 'response' | 'request';
      excerpt?: string;
    },
  ) {
    super(message, { ...options, retryable: false, reason: options.reason ?? 'the same data would fail validation again' });
    this.issues = options.issues;
    this.direction = options.direction;
    this.excerpt = options.excerpt;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues, direction: this.direction, excerpt: this.excerpt };
  }
}
