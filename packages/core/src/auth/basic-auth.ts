import type { SecretInput } from './api-key-auth.ts';
import { EnvSecret } from './env-secret.ts';
import { type RotatableAuth, type StaticCredentialOptions, staticCredentialAuth } from './static-credential-auth.ts';

export type BasicAuthOptions = { username: string } & SecretInput<'password'> & StaticCredentialOptions;

/**
 * HTTP Basic authentication. The password (often an API key, as with Stripe or Twilio) may come
 * from an environment variable; `rotate(newPassword)` swaps it at runtime.
 * @example basicAuth({ username: 'AC123', env: 'TWILIO_AUTH_TOKEN' })
 */
export function basicAuth(options: BasicAuthOptions): RotatableAuth {
  const factory = 'basicAuth';
  if (typeof options.username !== 'string') throw new TypeError(`${factory}: \`username\` must be a string (it may be empty)`);
  if (options.username.includes(':')) throw new TypeError(`${factory}: \`username\` cannot contain ':' (RFC 7617)`);
  const secret = new EnvSecret('password', { value: options.password, env: options.env }, factory);
  const encode = (password: string) => Buffer.from(`${options.username}:${password}`, 'utf8').toString('base64');
  return staticCredentialAuth({
    kind: 'basic',
    factory,
    secret,
    options,
    apply(request, value) {
      const sent = `Basic ${encode(value)}`;
      request.headers.set('authorization', sent);
      return sent;
    },
    sent: (request) => request.headers.get('authorization'),
    derived: (value) => [encode(value)],
  });
}
