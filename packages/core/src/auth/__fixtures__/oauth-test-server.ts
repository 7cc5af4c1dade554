import { createHash, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny, real OAuth 2.0 authorization server on 127.0.0.1 for tests: refresh-token rotation with
 * replay detection (RFC 9700 4.14.2: presenting a used refresh token is `invalid_grant`, and by
 * default revokes the whole token family), client credentials, authorization code + PKCE, a
 * protected API at /api/me and a GitHub-App-style installation token endpoint.
 */
export interface OAuthTestServerOptions {
  clientId?: string;
  clientSecret?: string;
  /** Seconds; `null` omits `expires_in` from responses. Default 3600. */
  expiresIn?: number | null;
  /** Issue a new refresh token on every refresh. Default true. */
  rotate?: boolean;
  /** On reuse of a used refresh token, revoke every token of its family. Default true. */
  revokeFamilyOnReuse?: boolean;
  /** Delay before a token response, ms. */
  tokenDelayMs?: number;
  /** PEM public key that verifies GitHub-App JWTs at /app/installations/:id/access_tokens. */
  appPublicKeyPem?: string;
}

interface Family {
  id: number;
  revoked: boolean;
}

export interface ServerStats {
  tokenRequests: number;
  /** Refreshes that issued tokens. */
  refreshes: number;
  clientCredentials: number;
  codeExchanges: number;
  invalidGrants: number;
  /** Token requests whose client disconnected while held; nothing was committed. */
  abandoned: number;
  apiCalls: number;
  apiUnauthorized: number;
  installationTokens: number;
}

export interface OAuthTestServer {
  readonly origin: string;
  readonly tokenUrl: string;
  readonly stats: ServerStats;
  /** Every access token the API accepted, in order. */
  readonly apiTokens: string[];
  /** Ordered log of `issued:<rt>`, `api:<at>` entries, for ordering assertions. */
  readonly log: string[];
  options: Required<Omit<OAuthTestServerOptions, 'appPublicKeyPem'>> & { appPublicKeyPem?: string };
  /** Creates a token family as if a user had authorized; returns its first pair. */
  issuePair(options?: { expired?: boolean }): { accessToken: string; refreshToken: string };
  /** Registers an authorization code bound to a PKCE challenge. */
  issueCode(challenge: string, redirectUri: string): string;
  /** Makes the API reject every current access token (as after a provider-side revocation). */
  revokeAccessTokens(): void;
  /** The API answers 401 to everything. */
  apiAlwaysUnauthorized: boolean;
  /** The next token request(s) fail with this answer. */
  failNext(answer: { status: number; error?: string; description?: string; times?: number }): void;
  /** Holds refresh responses (after validation, before commit) until `release()`; a client that disconnects meanwhile commits nothing. */
  holdRefreshes(): void;
  release(): void;
  /** How many refresh requests are being held now. */
  readonly held: number;
  /** The token endpoint never answers (to test client timeouts). */
  hangTokenRequests: boolean;
  close(): Promise<void>;
}

export async function startOAuthTestServer(options: OAuthTestServerOptions = {}): Promise<OAuthTestServer> {
  const opts = {
    clientId: options.clientId ?? 'test-client',
    clientSecret: options.clientSecret ?? `cs_${randomBytes(12).toString('hex')}`,
    expiresIn: options.expiresIn === undefined ? 3600 : options.expiresIn,
    rotate: options.rotate ?? true,
    revokeFamilyOnReuse: options.revokeFamilyOnReuse ?? true,
    tokenDelayMs: options.tokenDelayMs ?? 0,
    ...(options.appPublicKeyPem ? { appPublicKeyPem: options.appPublicKeyPem } : {}),
  };
  const appKey: KeyObject | undefined = options.appPublicKeyPem ? createPublicKey(options.appPublicKeyPem) : undefined;
  const refreshTokens = new Map<string, { family: Family; used: boolean }>();
  const accessTokens = new Map<string, { family: Family | undefined; revoked: boolean }>();
  const codes = new Map<string, { challenge: string; redirectUri: string; used: boolean }>();
  const stats: ServerStats = { tokenRequests: 0, refreshes: 0, clientCredentials: 0, codeExchanges: 0, invalidGrants: 0, abandoned: 0, apiCalls: 0, apiUnauthorized: 0, installationTokens: 0 };
  const apiTokens: string[] = [];
  const log: string[] = [];
  let familySeq = 0;
  let failures: { status: number; error?: string; description?: string; times: number } | undefined;
  let holding = false;
  const heldQueue: Array<() => void> = [];
  const sockets = new Set<import('node:net').Socket>();

  const token = (kind: string) => `${kind}_${randomBytes(16).toString('hex')}`;
  const newPair = (family: Family | undefined, withRefresh: boolean) => {
    const accessToken = token('at');
    accessTokens.set(accessToken, { family, revoked: false });
    const pair: Record<string, unknown> = { access_token: accessToken, token_type: 'bearer' };
    if (opts.expiresIn !== null) pair.expires_in = opts.expiresIn;
    if (withRefresh && family) {
      const refreshToken = token('rt');
      refreshTokens.set(refreshToken, { family, used: false });
      pair.refresh_token = refreshToken;
      log.push(`issued:${refreshToken}`);
    }
    return pair;
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const oauthError = (res: ServerResponse, status: number, error: string, description: string) => {
    if (error === 'invalid_grant') stats.invalidGrants++;
    json(res, status, { error, error_description: description });
  };

  async function handleToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.tokenRequests++;
    const form = new URLSearchParams(await readBody(req));
    if (server.hangTokenRequests) return; // never answers
    if (opts.tokenDelayMs) await new Promise((r) => setTimeout(r, opts.tokenDelayMs));
    if (failures) {
      const f = failures;
      if (--f.times <= 0) failures = undefined;
      return json(res, f.status, f.error ? { error: f.error, ...(f.description ? { error_description: f.description } : {}) } : { message: 'unavailable' });
    }
    let clientId = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (basic) {
      const [user, pass] = Buffer.from(basic[1]!, 'base64').toString().split(':');
      clientId = decodeURIComponent(user ?? '');
      secret = decodeURIComponent(pass ?? '');
    }
    const grant = form.get('grant_type');
    const isPublicPkce = grant === 'authorization_code' && secret === null;
    if (clientId !== opts.clientId || (!isPublicPkce && secret !== opts.clientSecret)) {
      return oauthError(res, 401, 'invalid_client', 'client authentication failed');
    }
    if (grant === 'client_credentials') {
      stats.clientCredentials++;
      return json(res, 200, newPair(undefined, false));
    }
    if (grant === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (!code || code.used || code.challenge !== challenge || code.redirectUri !== form.get('redirect_uri')) {
        return oauthError(res, 400, 'invalid_grant', 'the code is invalid, used, or the verifier does not match');
      }
      code.used = true;
      stats.codeExchanges++;
      return json(res, 200, newPair({ id: ++familySeq, revoked: false }, true));
    }
    if (grant !== 'refresh_token') return oauthError(res, 400, 'unsupported_grant_type', `grant ${grant}`);
    const presented = form.get('refresh_token') ?? '';
    const check = () => {
      const entry = refreshTokens.get(presented);
      if (!entry || entry.family.revoked) return 'the refresh token is invalid or revoked';
      if (entry.used && opts.rotate) {
        if (opts.revokeFamilyOnReuse) revokeFamily(entry.family);
        return 'the refresh token was already used';
      }
      return undefined;
    };
    const problem = check();
    if (problem) return oauthError(res, 400, 'invalid_grant', problem);
    if (holding) {
      let gone = false;
      res.on('close', () => {
        if (!res.writableFinished) gone = true;
      });
      await new Promise<void>((resolve) => {
        const resume = () => resolve();
        heldQueue.push(resume);
        res.on('close', () => {
          const index = heldQueue.indexOf(resume);
          if (index >= 0) heldQueue.splice(index, 1);
          resolve();
        });
      });
      if (gone || res.destroyed) {
        stats.abandoned++;
        return;
      }
      const again = check();
      if (again) return oauthError(res, 400, 'invalid_grant', again);
    }
    const entry = refreshTokens.get(presented)!;
    if (opts.rotate) entry.used = true;
    stats.refreshes++;
    json(res, 200, newPair(entry.family, opts.rotate));
  }

  function revokeFamily(family: Family): void {
    family.revoked = true;
    for (const at of accessTokens.values()) if (at.family === family) at.revoked = true;
  }

  function handleApi(req: IncomingMessage, res: ServerResponse): void {
    stats.apiCalls++;
    const presented = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const entry = accessTokens.get(presented);
    if (server.apiAlwaysUnauthorized || !entry || entry.revoked || entry.family?.revoked) {
      stats.apiUnauthorized++;
      // Echoes the token it refused, as some providers do, to prove the client redacts it.
      return json(res, 401, { message: `bad credentials: ${presented}` });
    }
    apiTokens.push(presented);
    log.push(`api:${presented}`);
    json(res, 200, { login: 'octocat' });
  }

  function handleInstallationToken(req: IncomingMessage, res: ServerResponse): void {
    const jwt = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const [header, payload, signature] = jwt.split('.');
    const valid = appKey && header && payload && signature && verify('sha256', Buffer.from(`${header}.${payload}`), appKey, Buffer.from(signature, 'base64url'));
    if (!valid) return json(res, 401, { message: 'A JSON web token could not be decoded' });
    stats.installationTokens++;
    const accessToken = token('ghs');
    accessTokens.set(accessToken, { family: undefined, revoked: false });
    json(res, 201, { token: accessToken, expires_at: new Date(Date.now() + 3_600_000).toISOString() });
  }

  const http = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'POST' && path === '/token') return void handleToken(req, res).catch(() => json(res, 500, {}));
    if (path === '/api/me') return handleApi(req, res);
    if (req.method === 'POST' && /^\/app\/installations\/\d+\/access_tokens$/.test(path)) return handleInstallationToken(req, res);
    json(res, 404, { message: 'not found' });
  });
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  const server: OAuthTestServer = {
    origin,
    tokenUrl: `${origin}/token`,
    stats,
    apiTokens,
    log,
    options: opts,
    apiAlwaysUnauthorized: false,
    hangTokenRequests: false,
    issuePair({ expired = false } = {}) {
      const pair = newPair({ id: ++familySeq, revoked: false }, true);
      const accessToken = pair.access_token as string;
      if (expired) accessTokens.get(accessToken)!.revoked = true;
      return { accessToken, refreshToken: pair.refresh_token as string };
    },
    issueCode(challenge, redirectUri) {
      const code = token('code');
      codes.set(code, { challenge, redirectUri, used: false });
      return code;
    },
    revokeAccessTokens() {
      for (const at of accessTokens.values()) at.revoked = true;
    },
    failNext(answer) {
      failures = { ...answer, times: answer.times ?? 1 };
    },
    holdRefreshes() {
      holding = true;
    },
    release() {
      holding = false;
      for (const resume of heldQueue.splice(0)) resume();
    },
    get held() {
      return heldQueue.length;
    },
    async close() {
      server.release();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  return server;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}
