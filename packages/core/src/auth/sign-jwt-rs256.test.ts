import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signJwtRs256 } from './sign-jwt-rs256.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;

describe('signJwtRs256', () => {
  it('produces a JWT whose RS256 signature verifies with the public key', () => {
    const jwt = signJwtRs256({ iat: 1_700_000_000, exp: 1_700_000_540, iss: '12345' }, pem);
    const [header, payload, signature] = jwt.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toEqual({ iat: 1_700_000_000, exp: 1_700_000_540, iss: '12345' });
    expect(verify('sha256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature!, 'base64url'))).toBe(true);
  });

  it('accepts a PKCS#8 PEM and a PEM whose newlines arrive as \\n (env vars)', () => {
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const flat = pkcs8.replaceAll('\n', '\\n');
    const jwt = signJwtRs256({ iss: 'x' }, flat);
    const [h, p, s] = jwt.split('.');
    expect(verify('sha256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s!, 'base64url'))).toBe(true);
  });

  it('refuses a non-RSA or unreadable key without echoing it', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(() => signJwtRs256({}, ec)).toThrow('RS256 needs an RSA private key; got a ec key');
    const garbage = '-----BEGIN RSA PRIVATE KEY-----\nnot-a-key-secret-material\n-----END RSA PRIVATE KEY-----';
    expect(() => signJwtRs256({}, garbage)).toThrow(/not a readable private key/);
    try {
      signJwtRs256({}, garbage);
    } catch (error) {
      expect(String(error)).not.toContain('not-a-key-secret-material');
    }
  });
});
