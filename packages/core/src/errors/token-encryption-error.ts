import { ConnectorError } from './connector-error.ts';

/**
 * Why stored tokens could not be encrypted or decrypted:
 * - `missing-key`: the key's environment variable is not set (or empty);
 * - `invalid-key`: the variable does not hold a 32-byte key (base64 or 64 hex characters);
 * - `wrong-key`: the record was encrypted with a key that is not configured (rotated away?);
 * - `tampered`: the record fails authentication (changed, truncated, or moved to another credential id);
 * - `plaintext-record`: encryption is configured but the stored record is plain JSON (run the re-encrypt command once);
 * - `encrypted-record`: the record is encrypted but the store has no `encryption` configured.
 */
export type TokenEncryptionErrorCode = 'missing-key' | 'invalid-key' | 'wrong-key' | 'tampered' | 'plaintext-record' | 'encrypted-record';

/**
 * Tokens at rest could not be encrypted or decrypted. Never retryable: the fix is configuration
 * (set the key variable, add the previous key while rotating), and the message says which.
 * The store never falls back to plaintext.
 */
export class TokenEncryptionError extends ConnectorError {
  override name = 'TokenEncryptionError';
  readonly code: TokenEncryptionErrorCode;

  constructor(message: string, options: { code: TokenEncryptionErrorCode; operation: string; cause?: unknown }) {
    super(message, { connector: 'token-store', operation: options.operation, retryable: false, cause: options.cause });
    this.code = options.code;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), code: this.code };
  }
}
