import { afterEach, describe, expect, it } from 'vitest';
import { TokenEncryptionError } from '../errors/token-encryption-error.ts';
import { generateTokenKey, tokenCipher, tokenRecordCodec } from './token-cipher.ts';

const saved = { ...process.env };
afterEach(() => {
  for (const name of ['TK_NEW', 'TK_OLD', 'TK_OTHER', 'TK_BAD', 'TK_EMPTY']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

function code(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof TokenEncryptionError) return error.code;
    throw error;
  }
  return undefined;
}

describe('tokenCipher', () => {
  it('round-trips with AES-256-GCM, a fresh IV per record, bound to the credential id', () => {
    process.env.TK_NEW = generateTokenKey();
    const cipher = tokenCipher({ keyEnv: 'TK_NEW' });
    const a = cipher.encrypt('{"accessToken":"secret-at"}', 'user-1');
    const b = cipher.encrypt('{"accessToken":"secret-at"}', 'user-1');
    expect(a).toMatch(/^enc:v1:[\w-]+:[\w-]+:[\w-]+:[\w-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('secret-at');
    expect(cipher.decrypt(a, 'user-1')).toBe('{"accessToken":"secret-at"}');
    // Copied onto another credential's row, it no longer authenticates.
    expect(code(() => cipher.decrypt(a, 'user-2'))).toBe('tampered');
    const parts = a.split(':');
    parts[4] = Buffer.from('x'.repeat(20)).toString('base64url');
    expect(code(() => cipher.decrypt(parts.join(':'), 'user-1'))).toBe('tampered');
  });

  it('rotates: reads with any configured key, writes with the first', () => {
    process.env.TK_OLD = generateTokenKey();
    process.env.TK_NEW = Buffer.from(generateTokenKey(), 'base64').toString('hex'); // hex works too
    const old = tokenCipher({ keyEnv: 'TK_OLD' });
    const written = old.encrypt('payload', 'c');
    const both = tokenCipher({ keyEnv: ['TK_NEW', 'TK_OLD'] });
    expect(both.decrypt(written, 'c')).toBe('payload');
    const rewritten = both.encrypt('payload', 'c');
    expect(rewritten.split(':')[2]).toBe(both.keyIds[0]);
    expect(code(() => old.decrypt(rewritten, 'c'))).toBe('wrong-key');
    expect(() => old.decrypt(rewritten, 'c')).toThrow(/list the previous key's variable after the new one/);
  });

  it('refuses a missing, empty or malformed key, naming the variable but never its value', () => {
    delete process.env.TK_NEW;
    expect(code(() => tokenCipher({ keyEnv: 'TK_NEW' }))).toBe('missing-key');
    expect(() => tokenCipher({ keyEnv: 'TK_NEW' })).toThrow(/environment variable TK_NEW is not set/);
    process.env.TK_EMPTY = '  ';
    expect(() => tokenCipher({ keyEnv: 'TK_EMPTY' })).toThrow(/TK_EMPTY is empty/);
    process.env.TK_BAD = 'too-short-key-value';
    expect(code(() => tokenCipher({ keyEnv: 'TK_BAD' }))).toBe('invalid-key');
    expect(() => tokenCipher({ keyEnv: 'TK_BAD' })).not.toThrow(/too-short-key-value/);
    expect(() => tokenCipher({ keyEnv: [] })).toThrow(/give keyEnv/);
    expect(() => tokenCipher({ keyEnv: 'not a name' })).toThrow(/must name environment variables/);
  });
});

describe('tokenRecordCodec', () => {
  it('never falls back to plaintext either way', () => {
    process.env.TK_NEW = generateTokenKey();
    const record = { accessToken: 'at-1', refreshToken: 'rt-1', updatedAt: 1 };
    const encrypted = tokenRecordCodec({ keyEnv: 'TK_NEW' }, 'test');
    const plain = tokenRecordCodec(undefined, 'test');
    const stored = encrypted.encode('c', record);
    expect(encrypted.decode('c', stored)).toEqual(record);
    expect(code(() => plain.decode('c', stored))).toBe('encrypted-record');
    const clear = plain.encode('c', record);
    expect(code(() => encrypted.decode('c', clear))).toBe('plaintext-record');
    expect(() => encrypted.decode('c', clear)).toThrow(/reencrypt/);
    // The re-encrypt path is the one place a record in clear is accepted, and it comes out encrypted.
    const reencoded = encrypted.reencode('c', clear);
    expect(reencoded).not.toContain('at-1');
    expect(encrypted.decode('c', reencoded)).toEqual(record);
    process.env.TK_OTHER = generateTokenKey();
    expect(code(() => tokenRecordCodec({ keyEnv: 'TK_OTHER' }, 'test').decode('c', stored))).toBe('wrong-key');
  });
});
