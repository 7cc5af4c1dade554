import { ConnectorError, type ConnectorErrorOptions } from './connector-error.ts';

/** What is wrong with the credentials, so the message can tell people what to fix. */
export type AuthErrorCode =
  | 'missing' // not configured (e.g. an empty environment variable)
  | 'rejected' // the provider does not accept them
  | 'expired' // they were valid and are not any more
  | 'insufficient-scope' // valid, but not allowed to do this
  | 'refresh-failed'; // the token endpoint refused to issue a new token

/** Credentials are missing, rejected, expired or could not be refreshed. Never contains the secret itself. */
export class AuthError extends ConnectorError {
  static override readonly marker: string = 'connectors.error.AuthError';
  override name = 'AuthError';
  readonly code: AuthErrorCode;
  /** The provider's own error code, e.g. OAuth `invalid_grant`. */
  readonly providerError: string | undefined;
  readonly providerErrorDescription: string | undefined;
  readonly status: number | undefined;
  /** For `insufficient-scope`, when the provider says: the scopes the call needed. */
  readonly neededScopes: readonly string[] | undefined;
  /** For `insufficient-scope`, when the provider says: the scopes the credentials have. */
  readonly providedScopes: readonly string[] | undefined;

  constructor(
    message: string,
    options: Omit<ConnectorErrorOptions, 'retryable'> & {
      code: AuthErrorCode;
      retryable?: boolean;
      providerError?: string;
      providerErrorDescription?: string;
      status?: number;
      neededScopes?: readonly string[];
      providedScopes?: readonly string[];
    },
  ) {
    super(message, { ...options, retryable: options.retryable ?? false });
    this.code = options.code;
    this.providerError = options.providerError;
    this.providerErrorDescription = options.providerErrorDescription;
    this.status = options.status;
    this.neededScopes = options.neededScopes;
    this.providedScopes = options.providedScopes;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      code: this.code,
      providerError: this.providerError,
      providerErrorDescription: this.providerErrorDescription,
      status: this.status,
      ...(this.neededScopes ? { neededScopes: this.neededScopes } : {}),
      ...(this.providedScopes ? { providedScopes: this.providedScopes } : {}),
    };
  }
}
