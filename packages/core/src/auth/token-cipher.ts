import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { TokenEncryptionError } from '../errors/token-encryption-error.ts';
import { parseTokenRecord, type TokenRecord } from './token-store.ts';

/** How a persistent token store encrypts records at rest. */
export interface TokenEncryptionOptions {
  /**
   * Names of environment variables holding 32-byte keys (base64, or 64 hex characters; make one
   * with `generateTokenKey()` or `openssl rand -base64 32`). The first encrypts every write; all of
   * them decrypt, so a rotation is: put the new key first, keep the old one second, run
   * `reencrypt()` on the store, then drop the old one.
   */
  keyEnv: string | readonly string[];
}

/** Encrypts and decrypts one stored record with AES-256-GCM; bound to the credential id it belongs to. */
export interface TokenCipher {
  /** Short fingerprints of the configured keys (not the keys), the first one writing. */
  readonly keyIds: readonly string[];
  encrypt(plaintext: string, credentialId: string): string;
  decrypt(stored: string, credentialId: string): string;
}

/** Prefix of an encrypted record; plain JSON records start with `{`. */
const PREFIX = 'enc:v1:';
const KEY_ID_BYTES = 6;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A fresh random 32-byte key, base64, for a token key variable. */
export function generateTokenKey(): string {
  return randomBytes(32).toString('base64');
}

function parseKey(name: string, operation: string): Buffer {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new TypeError(`token encryption: keyEnv must name environment variables such as 'CONNECTORS_TOKEN_KEY'; got ${JSON.stringify(name)}`);
  }
  const raw = process.env[name]?.trim();
  if (!raw) {
    throw new TokenEncryptionError(
      `Token encryption key missing: environment variable ${name} is ${process.env[name] === undefined ? 'not set' : 'empty'}. Set it to 32 random bytes in base64 (openssl rand -base64 32); tokens are never stored in clear instead.`,
      { code: 'missing-key', operation },
    );
  }
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : /^[A-Za-z0-9+/_-]+={0,2}$/.test(raw) ? Buffer.from(raw, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) {
    throw new TokenEncryptionError(
      `Token encryption key invalid: environment variable ${name} must hold 32 bytes as base64 (44 characters) or hex (64 characters); it decodes to ${key.length} bytes. Generate one with openssl rand -base64 32.`,
      { code: 'invalid-key', operation },
    );
  }
  return key;
}

function keyId(key: Buffer): string {
  // A fingerprint to pick the right key on read; a hash of the key, so it reveals nothing usable.
  return createHash('sha256').update('connectors-token-key-id\0').update(key).digest().subarray(0, KEY_ID_BYTES).toString('base64url');
}

function aad(credentialId: string): Buffer {
  // Binding the ciphertext to its credential id stops a record being copied onto another credential's row.
  return Buffer.from(`connectors-token\0${credentialId}`, 'utf8');
}

/**
 * AES-256-GCM with a random 96-bit IV per record (node:crypto; no dependency needed). Keys are
 * read from the environment once, here, so a missing or malformed key fails at start-up, not at
 * the first refresh. Stored form: `enc:v1:<keyId>:<iv>:<ciphertext>:<tag>` (base64url parts).
 */
export function tokenCipher(options: TokenEncryptionOptions): TokenCipher {
  const names = typeof options?.keyEnv === 'string' ? [options.keyEnv] : [...(options?.keyEnv ?? [])];
  if (names.length === 0) throw new TypeError("token encryption: give keyEnv, the name of the environment variable holding the key, e.g. { keyEnv: 'CONNECTORS_TOKEN_KEY' }");
  const keys = names.map((name) => {
    const key = parseKey(name, 'open');
    return { name, key, id: keyId(key) };
  });
  const byId = new Map(keys.map((k) => [k.id, k]));
  const writer = keys[0]!;
  return {
    keyIds: keys.map((k) => k.id),
    encrypt(plaintext, credentialId) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', writer.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(credentialId));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `${PREFIX}${writer.id}:${iv.toString('base64url')}:${body.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}`;
    },
    decrypt(stored, credentialId) {
      const parts = stored.startsWith(PREFIX) ? stored.slice(PREFIX.length).split(':') : [];
      if (parts.length !== 4) {
        throw new TokenEncryptionError(`The stored token record for "${credentialId}" is not in the encrypted format (enc:v1:...); delete it and authorize again.`, {
          code: 'tampered',
          operation: 'decrypt',
        });
      }
      const [id, iv, body, tag] = parts as [string, string, string, string];
      const key = byId.get(id);
      if (!key) {
        throw new TokenEncryptionError(
          `The token record for "${credentialId}" was encrypted with a key that is not configured (key id ${id}; configured: ${keys.map((k) => `${k.name}=${k.id}`).join(', ')}). While rotating, list the previous key's variable after the new one in keyEnv.`,
          { code: 'wrong-key', operation: 'decrypt' },
        );
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
        decipher.setAAD(aad(credentialId));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch (cause) {
        throw new TokenEncryptionError(
          `The token record for "${credentialId}" fails authentication with key ${key.name}: it was altered or belongs to another credential id. Delete it and authorize again.`,
          { code: 'tampered', operation: 'decrypt', cause },
        );
      }
    },
  };
}

/** Whether a stored record is in the encrypted format. */
export function isEncryptedRecord(text: string): boolean {
  return text.startsWith(PREFIX);
}

/** Whether a stored record is encrypted (`sealed`: `enc:v1:...` text) or the record's JSON in clear. */
export type TokenRecordKind = 'sealed' | 'clear';

/** A record as the codec encodes it, with its kind said rather than left to be read off the text. */
export interface EncodedTokenRecord {
  kind: TokenRecordKind;
  /** `enc:v1:...` when sealed, the record's JSON when clear. */
  text: string;
}

/** Turns records into stored text and back, encrypting when the store was given a key. Shared by the persistent stores. */
export interface TokenRecordCodec {
  /** Encodes a record, saying which kind it wrote (sealed when the store has a key). */
  seal(credentialId: string, record: TokenRecord): EncodedTokenRecord;
  /**
   * Decodes a record of a known kind. A sealed one needs the key; a clear one is refused when the
   * store has a key (it should have been encrypted), unless `allowPlaintext` (re-encryption).
   */
  open(credentialId: string, encoded: EncodedTokenRecord, options?: { allowPlaintext?: boolean }): TokenRecord;
  /**
   * For stores that keep only the text (SQLite, PostgreSQL): the text itself, whose kind is told by the
   * cipher's versioned prefix (`enc:v1:`; a JSON record starts with `{`).
   */
  encode(credentialId: string, record: TokenRecord): string;
  decode(credentialId: string, stored: string): TokenRecord;
  /** Re-encodes one stored text with the first key; plaintext records are accepted here (and only here). */
  reencode(credentialId: string, stored: string): string;
  readonly encrypted: boolean;
}

export function tokenRecordCodec(encryption: TokenEncryptionOptions | undefined, where: string): TokenRecordCodec {
  const cipher = encryption === undefined ? undefined : tokenCipher(encryption);
  const kindOf = (stored: string): TokenRecordKind => (isEncryptedRecord(stored) ? 'sealed' : 'clear');
  function seal(credentialId: string, record: TokenRecord): EncodedTokenRecord {
    const json = JSON.stringify(record);
    return cipher ? { kind: 'sealed', text: cipher.encrypt(json, credentialId) } : { kind: 'clear', text: json };
  }
  function open(credentialId: string, encoded: EncodedTokenRecord, options: { allowPlaintext?: boolean } = {}): TokenRecord {
    if (encoded.kind === 'sealed') {
      if (!cipher) {
        throw new TokenEncryptionError(`${where}: the token record for "${credentialId}" is encrypted, but this store has no \`encryption: { keyEnv }\`; configure the key it was written with.`, {
          code: 'encrypted-record',
          operation: 'get',
        });
      }
      return parseTokenRecord(cipher.decrypt(encoded.text, credentialId), where);
    }
    if (cipher && !options.allowPlaintext) {
      throw new TokenEncryptionError(
        `${where}: the token record for "${credentialId}" is stored in clear while encryption is configured; run the store's reencrypt() (or \`connectors-tokens reencrypt\`) once to encrypt existing records.`,
        { code: 'plaintext-record', operation: 'get' },
      );
    }
    return parseTokenRecord(encoded.text, where);
  }
  return {
    encrypted: cipher !== undefined,
    seal,
    open,
    encode: (credentialId, record) => seal(credentialId, record).text,
    decode: (credentialId, stored) => open(credentialId, { kind: kindOf(stored), text: stored }),
    reencode: (credentialId, stored) => seal(credentialId, open(credentialId, { kind: kindOf(stored), text: stored }, { allowPlaintext: true })).text,
  };
}

/** What a re-encryption pass did. */
export interface ReencryptResult {
  /** Records rewritten with the first key. */
  rewritten: number;
}
