import { createPrivateKey, type KeyObject, sign } from 'node:crypto';

/**
 * Signs a JWT with RS256 (RSASSA-PKCS1-v1_5 + SHA-256), e.g. a GitHub App's JWT
 * `{ iat: now - 60, exp: now + 540, iss: appId }`. node:crypto does the signing; a JWT library
 * would add a dependency for 10 lines of encoding.
 * @param privateKeyPem a PKCS#1 or PKCS#8 PEM; `\n` written as two characters (as env vars often hold it) is accepted.
 * @throws TypeError when the key is not an RSA private key (the key itself is never in the message).
 */
export function signJwtRs256(payload: Readonly<Record<string, unknown>>, privateKeyPem: string | KeyObject): string {
  let key: KeyObject;
  try {
    key = typeof privateKeyPem === 'string' ? createPrivateKey(privateKeyPem.includes('\\n') ? privateKeyPem.replaceAll('\\n', '\n') : privateKeyPem) : privateKeyPem;
  } catch {
    throw new TypeError('signJwtRs256: privateKeyPem is not a readable private key; pass the PEM text (-----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----)');
  }
  if (key.type !== 'private' || key.asymmetricKeyType !== 'rsa') {
    throw new TypeError(`signJwtRs256: RS256 needs an RSA private key; got ${key.type === 'private' ? `a ${key.asymmetricKeyType ?? 'non-RSA'} key` : `a ${key.type} key`}`);
  }
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}
