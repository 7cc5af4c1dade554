import type { ResponseSource } from '../fixtures/fixture.ts';
import type { SignedWebhook, WebhookSigner } from '../webhooks/sign-webhook.ts';

/** A request as a route handler sees it. */
export interface SandboxRequest {
  method: string;
  /** Path inside the provider (without the `/<provider>` prefix), e.g. `/repos/octo/hello/issues`. */
  path: string;
  /** Values of the route's `:params`. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Parsed JSON or form body (an object), the raw text otherwise, undefined when empty. */
  body: unknown;
  rawBody: string;
  /** The full public URL called, e.g. `http://127.0.0.1:4010/github/user?x=1`. */
  url: URL;
}

/** What a handler returns. Objects are sent as JSON, strings as they are. */
export interface SandboxResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** What a handler can use besides the request. */
export interface SandboxRouteContext {
  /** The provider's seeded collections; handlers may change them (state lives as long as the sandbox). */
  data: Record<string, unknown[]>;
  /** Answers a list the way this provider paginates (Link headers, cursor envelope...). */
  paginate(items: readonly unknown[], request: SandboxRequest): SandboxResponse;
  /** A provider-shaped error answer. */
  error(status: number, message: string): SandboxResponse;
  /** Who the request authenticated as (token, username or client id), when auth is checked. */
  principal: string | undefined;
  /** The sandbox's clock (epoch ms). */
  now(): number;
  /** A deterministic random number in [0, 1) from the sandbox's seeded generator. */
  random(): number;
}

/**
 * One route. Give exactly one of `handler`, `fixture` or `collection`:
 * - `fixture`: always answers with a recorded response (the quickest way from `__fixtures__`);
 * - `collection`: serves a seeded collection: `list` (paginated, the default for GET), `get`
 *   (the item whose `key` field equals the `:key` path param) or `create` (POST appends the body);
 * - `handler`: anything else.
 */
export interface SandboxRoute {
  method: string;
  /** Path with `:params`, e.g. `/repos/:owner/:repo/issues`. A trailing `*` matches the rest. */
  path: string;
  handler?: (request: SandboxRequest, context: SandboxRouteContext) => SandboxResponse | Promise<SandboxResponse>;
  fixture?: ResponseSource;
  collection?: string;
  action?: 'list' | 'get' | 'create';
  /** Field (and path param) that identifies an item for `get`. Default `id`. */
  key?: string;
  /** Keeps only matching items for `list` (e.g. issues of the repo in the path). */
  filter?: (item: unknown, request: SandboxRequest) => boolean;
  /** Set false for public routes. Default true when the provider has auth. */
  auth?: boolean;
  /**
   * Set false to exempt the route from injected faults, as the built-in OAuth token endpoint is (e.g.
   * a provider's own token endpoint, such as Slack's `oauth.v2.access`). Default true.
   */
  faults?: boolean;
}

/** How the provider checks credentials. */
export type SandboxAuth =
  | { kind: 'none' }
  | {
      kind: 'bearer';
      /** Accepted tokens. */
      tokens: readonly string[];
      /** Accepted authorization schemes. Default `Bearer` and `token` (GitHub's). */
      schemes?: readonly string[];
    }
  | {
      kind: 'basic';
      /** Accepted credentials; a missing password accepts any (Stripe sends the key as the username). */
      credentials: readonly { username: string; password?: string }[];
      /** Also accept `Authorization: Bearer <username>` (Stripe does). Default false. */
      bearerUsername?: boolean;
    }
  | {
      kind: 'oauth2';
      /** Registered clients; when given, the token endpoint checks client id and secret (body or Basic). */
      clients?: readonly { clientId: string; clientSecret: string }[];
      /** Token endpoint path inside the provider. Default `/oauth/token`. */
      tokenPath?: string;
      /** Access token lifetime. Default 3600 s. */
      accessTokenTtlSeconds?: number;
      /** Refresh tokens valid from the start (give one to the client under test). */
      refreshTokens?: readonly string[];
      /** Access tokens valid from the start, until `accessTokenTtlSeconds` after the sandbox starts. */
      accessTokens?: readonly string[];
    };

/** How lists are paginated. */
export type SandboxPagination =
  | {
      /** GitHub style: `?page=2&per_page=30`, a bare array, `Link: <...>; rel="next"`. */
      style: 'link';
      pageParam?: string;
      sizeParam?: string;
      defaultSize?: number;
      maxSize?: number;
    }
  | {
      /** Stripe style: `?limit=10&starting_after=<id>`, `{ object: 'list', data, has_more, url }`. */
      style: 'cursor';
      cursorParam?: string;
      sizeParam?: string;
      /** Field of an item used as the cursor. Default `id`. */
      idField?: string;
      defaultSize?: number;
      maxSize?: number;
      /** Builds the list body. Default Stripe's envelope. */
      envelope?: (page: { items: readonly unknown[]; hasMore: boolean; url: string }) => unknown;
    };

/** A fixed window per credential. */
export interface SandboxRateLimit {
  limit: number;
  windowMs: number;
  /** Which headers report it. `github`: `x-ratelimit-*`; `ietf`: `RateLimit`/`RateLimit-Policy`. Default `github`. */
  headers?: 'github' | 'ietf' | 'none';
  /** Status when exceeded. Default 429 (GitHub answers 403 for its primary limit). */
  status?: number;
}

/** How the provider signs webhooks, for `sandbox.sendWebhooks`. */
export interface SandboxWebhooks {
  scheme: WebhookSigner;
  secret: string;
  /** Extra headers per delivery (e.g. `X-GitHub-Event`). */
  headers?: (delivery: SignedWebhook, event: { type?: string; payload: unknown }) => Record<string, string>;
}

/**
 * A provider the sandbox can serve, filled by a connector package from its fixtures
 * (`githubSandboxProvider`, `stripeSandboxProvider`).
 */
export interface SandboxProvider {
  /** URL prefix: the provider is served at `<sandbox url>/<name>`. Letters, digits, `-` and `_`. */
  name: string;
  auth?: SandboxAuth;
  routes: readonly SandboxRoute[];
  pagination?: SandboxPagination;
  rateLimit?: SandboxRateLimit;
  /** Seeded collections (copied at start, so runs do not leak into each other). */
  data?: Record<string, readonly unknown[]>;
  /** Shapes error bodies like the provider does. Default `{ message }`. */
  errorBody?: (status: number, message: string) => unknown;
  webhooks?: SandboxWebhooks;
}

/** Fault injection rates, each a probability in [0, 1] per API request (the OAuth token endpoint is exempt). */
export interface SandboxFaults {
  /** Extra 429s with `Retry-After`. */
  rateLimit?: number | { rate: number; retryAfterSeconds?: number };
  /** 5xx answers; a burst makes the next `burst - 1` requests fail too. */
  serverError?: number | { rate: number; burst?: number; status?: number };
  /** Added latency. */
  latency?: { rate: number; ms: number };
  /** The connection is reset before any answer. */
  reset?: number;
  /**
   * A valid OAuth access token is revoked as if it expired (401 `invalid_token`); the client must
   * refresh. Never on a token's first use, so a fresh token always works once.
   */
  tokenExpiry?: number;
  /**
   * Faults at set points, on top of the rates: each is injected at the provider's `request`-th API
   * request (1-based, counted since the sandbox started, the token endpoint excluded), or at the
   * first one after it where it can apply (a route exempt from faults, a 5xx burst in progress, or
   * for `tokenExpiry` a token on its first use or a route without auth, make it wait). Counted in
   * `stats().faults` like the drawn ones.
   */
  planned?: readonly SandboxPlannedFault[];
}

/** One fault the sandbox injects at a set point (see `SandboxFaults.planned`). */
export interface SandboxPlannedFault {
  provider: string;
  /** The provider's API request it falls on, 1-based. */
  request: number;
  fault: 'rateLimit' | 'serverError' | 'tokenExpiry';
}
