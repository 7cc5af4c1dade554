import { randomBytes } from 'node:crypto';
import type { SandboxAuth } from './sandbox-provider.ts';

type OAuthConfig = Extract<SandboxAuth, { kind: 'oauth2' }>;

/** Tokens handed out to a test: seed a client with them. */
export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms. */
  expiresAt: number;
  expiresIn: number;
}

export interface TokenEndpointAnswer {
  status: number;
  body: Record<string, unknown>;
  /** What happened, for stats. */
  outcome: 'issued' | 'refreshed' | 'invalid_grant' | 'reuse_detected' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_request';
}

interface RefreshRecord {
  family: number;
  state: 'active' | 'used' | 'revoked';
}

interface AccessRecord {
  family: number;
  expiresAt: number;
  revoked: boolean;
  principal: string;
  /** Successful checks so far. */
  uses: number;
}

/**
 * The OAuth 2.0 token endpoint of one sandbox provider. Refresh tokens rotate: each refresh returns
 * a new one and spends the old one. Presenting a spent refresh token is treated as replay (RFC 9700
 * 4.14.2): the answer is `invalid_grant` and the whole token family is revoked, as real providers
 * do, which is exactly what a client that loses a rotated refresh token runs into.
 */
export class OAuthServer {
  readonly #config: OAuthConfig;
  readonly #now: () => number;
  readonly #refresh = new Map<string, RefreshRecord>();
  readonly #access = new Map<string, AccessRecord>();
  #families = 0;
  #counter = 0;

  constructor(config: OAuthConfig, now: () => number) {
    this.#config = config;
    this.#now = now;
    const ttl = this.ttlSeconds;
    if (!Number.isFinite(ttl) || ttl <= 0) throw new TypeError(`sandbox oauth2: accessTokenTtlSeconds must be > 0; got ${String(config.accessTokenTtlSeconds)}`);
    for (const token of config.refreshTokens ?? []) this.#refresh.set(token, { family: ++this.#families, state: 'active' });
    for (const token of config.accessTokens ?? []) {
      this.#access.set(token, { family: ++this.#families, expiresAt: now() + ttl * 1000, revoked: false, principal: 'seeded', uses: 0 });
    }
  }

  get tokenPath(): string {
    return this.#config.tokenPath ?? '/oauth/token';
  }

  get ttlSeconds(): number {
    return this.#config.accessTokenTtlSeconds ?? 3600;
  }

  /** Mints a fresh token pair in a new family (what an authorization-code exchange would give). */
  issue(principal = 'sandbox-user'): IssuedTokens {
    return this.#mint(++this.#families, principal, true) as IssuedTokens;
  }

  /** Checks a bearer access token; `firstUse` tells whether it had never been accepted before. */
  check(token: string): { ok: true; principal: string; firstUse: boolean } | { ok: false; reason: 'unknown' | 'expired' | 'revoked' } {
    const record = this.#access.get(token);
    if (!record) return { ok: false, reason: 'unknown' };
    if (record.revoked) return { ok: false, reason: 'revoked' };
    if (this.#now() >= record.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, principal: record.principal, firstUse: record.uses++ === 0 };
  }

  /** Ends an access token early (the `tokenExpiry` fault). */
  expire(token: string): void {
    const record = this.#access.get(token);
    if (record) record.revoked = true;
  }

  /** Handles a POST to the token endpoint. `params` is the form (or JSON) body. */
  handle(params: Record<string, string>, authorization: string | undefined): TokenEndpointAnswer {
    const client = this.#client(params, authorization);
    if (client === false) return { status: 401, outcome: 'invalid_client', body: { error: 'invalid_client', error_description: 'unknown client or wrong client secret' } };
    switch (params.grant_type) {
      case 'refresh_token':
        return this.#refreshGrant(params.refresh_token);
      case 'client_credentials': {
        const tokens = this.#mint(++this.#families, client ?? 'client', false);
        return { status: 200, outcome: 'issued', body: tokenBody(tokens) };
      }
      case undefined:
      case '':
        return { status: 400, outcome: 'invalid_request', body: { error: 'invalid_request', error_description: 'grant_type is required' } };
      default:
        return { status: 400, outcome: 'unsupported_grant_type', body: { error: 'unsupported_grant_type', error_description: `grant_type ${params.grant_type} is not supported by the sandbox (use refresh_token or client_credentials)` } };
    }
  }

  #refreshGrant(token: string | undefined): TokenEndpointAnswer {
    if (!token) return { status: 400, outcome: 'invalid_request', body: { error: 'invalid_request', error_description: 'refresh_token is required' } };
    const record = this.#refresh.get(token);
    if (!record || record.state === 'revoked') {
      return { status: 400, outcome: 'invalid_grant', body: { error: 'invalid_grant', error_description: 'The refresh token is invalid or was revoked.' } };
    }
    if (record.state === 'used') {
      this.#revokeFamily(record.family);
      return {
        status: 400, outcome: 'reuse_detected',
        body: { error: 'invalid_grant', error_description: 'The refresh token was already used; every token issued from it has been revoked. Persist the rotated refresh token before using it.' },
      };
    }
    record.state = 'used';
    const principal = [...this.#access.values()].find((a) => a.family === record.family)?.principal ?? 'sandbox-user';
    return { status: 200, outcome: 'refreshed', body: tokenBody(this.#mint(record.family, principal, true)) };
  }

  #mint(family: number, principal: string, withRefresh: boolean): IssuedTokens | Omit<IssuedTokens, 'refreshToken'> {
    const n = ++this.#counter;
    const accessToken = `sbx_at_${n}_${randomBytes(9).toString('base64url')}`;
    const expiresAt = this.#now() + this.ttlSeconds * 1000;
    this.#access.set(accessToken, { family, expiresAt, revoked: false, principal, uses: 0 });
    const base = { accessToken, expiresAt, expiresIn: this.ttlSeconds };
    if (!withRefresh) return base;
    const refreshToken = `sbx_rt_${n}_${randomBytes(12).toString('base64url')}`;
    this.#refresh.set(refreshToken, { family, state: 'active' });
    return { ...base, refreshToken };
  }

  #revokeFamily(family: number): void {
    for (const record of this.#refresh.values()) if (record.family === family) record.state = 'revoked';
    for (const record of this.#access.values()) if (record.family === family) record.revoked = true;
  }

  /** undefined: no clients configured; false: rejected; else the client id. */
  #client(params: Record<string, string>, authorization: string | undefined): string | false | undefined {
    let id = params.client_id;
    let secret = params.client_secret;
    const basic = authorization?.match(/^Basic\s+(.+)$/i);
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      id = decodeURIComponent(colon < 0 ? decoded : decoded.slice(0, colon));
      secret = colon < 0 ? '' : decodeURIComponent(decoded.slice(colon + 1));
    }
    const clients = this.#config.clients;
    if (!clients?.length) return id;
    return clients.some((c) => c.clientId === id && c.clientSecret === secret) ? id! : false;
  }
}

function tokenBody(tokens: IssuedTokens | Omit<IssuedTokens, 'refreshToken'>): Record<string, unknown> {
  return {
    access_token: tokens.accessToken,
    token_type: 'bearer',
    expires_in: tokens.expiresIn,
    ...('refreshToken' in tokens ? { refresh_token: tokens.refreshToken } : {}),
  };
}
