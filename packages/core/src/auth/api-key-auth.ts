import { EnvSecret } from './env-secret.ts';
import { type RotatableAuth, type StaticCredentialOptions, staticCredentialAuth } from './static-credential-auth.ts';

/** Where the key goes: a header (`X-Api-Key`, `Authorization`) or a query parameter. */
export type ApiKeyPlacement = { header: string; query?: never } | { query: string; header?: never };
/** The key itself, or the name of the environment variable that holds it (read on every call). */
export type SecretInput<K extends string> = ({ [P in K]: string } & { env?: never }) | ({ env: string } & { [P in K]?: never });

export type ApiKeyAuthOptions = ApiKeyPlacement &
  SecretInput<'value'> &
  StaticCredentialOptions & {
    /** Text before the key in the header, e.g. `Token ` for `Authorization: Token <key>`. */
    prefix?: string;
  };

/**
 * Sends an API key in a header or query parameter.
 * @example apiKeyAuth({ header: 'X-Api-Key', env: 'ACME_API_KEY', expiresAt: '2026-12-31' })
 * @throws AuthError (code `missing`) at client creation when the variable is unset or empty.
 */
export function apiKeyAuth(options: ApiKeyAuthOptions): RotatableAuth {
  const factory = 'apiKeyAuth';
  const { header, query } = options;
  if ((header === undefined) === (query === undefined)) {
    throw new TypeError(`${factory}: say where the key goes with exactly one of \`header\` (e.g. 'X-Api-Key') or \`query\` (e.g. 'api_key')`);
  }
  const prefix = options.prefix ?? '';
  const secret = new EnvSecret('API key', options, factory);
  return staticCredentialAuth({
    kind: 'api-key',
    factory,
    secret,
    options,
    ...(query !== undefined ? { sensitiveQueryParams: [query] } : {}),
    apply(request, value) {
      if (header !== undefined) request.headers.set(header, prefix + value);
      else request.url.searchParams.set(query!, value);
      return prefix + value;
    },
    sent: (request) => (header !== undefined ? request.headers.get(header) : null),
  });
}
