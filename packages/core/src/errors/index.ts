export { ConnectorError, isConnectorError, type ConnectorErrorOptions } from './connector-error.ts';
export { HttpError } from './http-error.ts';
export { RateLimitError } from './rate-limit-error.ts';
export { AuthError, type AuthErrorCode } from './auth-error.ts';
export { TimeoutError } from './timeout-error.ts';
export { NetworkError } from './network-error.ts';
export { SchemaValidationError, type SchemaIssue } from './schema-validation-error.ts';
export { CircuitOpenError } from './circuit-open-error.ts';
export { InvalidRequestError, AbortedError } from './invalid-request-error.ts';
