import type { SecretInput } from './api-key-auth.ts';
import { EnvSecret } from './env-secret.ts';
import { type RotatableAuth, type StaticCredentialOptions, staticCredentialAuth } from './static-credential-auth.ts';

export type BearerAuthOptions = SecretInput<'token'> & StaticCredentialOptions;

/**
 * Sends `Authorization: Bearer <token>` with a long-lived token (a personal access token, a service key).
 * For tokens that expire and must be refreshed use `oauth2Auth` or `tokenProviderAuth`.
 * @example bearerAuth({ env: 'GITHUB_TOKEN' })
 */
export function bearerAuth(options: BearerAuthOptions): RotatableAuth {
  const factory = 'bearerAuth';
  const secret = new EnvSecret('token', { value: options.token, env: options.env }, factory);
  return staticCredentialAuth({
    kind: 'bearer',
    factory,
    secret,
    options,
    apply(request, value) {
      const sent = `Bearer ${value}`;
      request.headers.set('authorization', sent);
      return sent;
    },
    sent: (request) => request.headers.get('authorization'),
  });
}
