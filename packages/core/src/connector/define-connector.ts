import type { AuthStrategy } from '../auth/auth-strategy.ts';
import type { Clock } from '../internal/clock.ts';
import {
  createHttpClient,
  type AttemptMiddleware,
  type HttpClient,
  type HttpClientOptions,
  type VerifiedCredentials,
} from '../http/create-http-client.ts';
import type { EventListener } from '../http/events.ts';
import type { RequestOptions, ResponseData } from '../http/create-http-client.ts';
import type { Paginated, PaginateOptions } from '../pagination/paginate.ts';
import type { Listings } from '../pagination/listings.ts';
import type { RateLimitOptions } from '../rate-limit/route-budgets.ts';
import type { ItemAt } from '../pagination/read-path.ts';
import type { RetryOptions } from '../retry/retry-policy.ts';
import type { Schema } from '../validation/validate.ts';

/**
 * Options every connector accepts on top of its own. They let apps (and the conformance suite and
 * the sandbox) point any connector at another host, inject a transport or a clock, and listen to it.
 */
export interface CommonConnectorOptions {
  /** Overrides the provider's base URL (a sandbox, a proxy, GitHub Enterprise...). */
  baseUrl?: string;
  /** Replaces the connector's default credentials (e.g. a token from your own store). */
  auth?: AuthStrategy;
  /**
   * Merged over the connector's retry rules, field by field: `budget` field by field too (`false`
   * turns it off), `retryableStatuses` as a whole, and a `classify` of yours runs first, the
   * connector's (e.g. Stripe's `Stripe-Should-Retry`) when yours returns undefined.
   */
  retry?: RetryOptions;
  /** Merged over the connector's timeouts, field by field. */
  timeout?: HttpClientOptions['timeout'];
  /** Listens as well as the connector's own listeners (both hear every event). */
  onEvent?: EventListener | readonly EventListener[];
  /** Runs after (inside) the connector's own middleware. */
  middleware?: readonly AttemptMiddleware[];
  fetch?: typeof globalThis.fetch;
  clock?: Clock;
  random?: () => number;
  /**
   * Merged over the connector's own rate-limit rules, field by field (they keep their header parser
   * unless you pass `parse`). `routes` are merged by key: your entry for a route replaces the
   * connector's entry for that route as a whole, and the connector's other routes (Slack's method
   * tiers, HubSpot's search budget) stay; pass `{}` for a route to lift its limits. `false` turns
   * limiting off.
   */
  rateLimit?: HttpClientOptions['rateLimit'];
  /** Response validation, e.g. `{ drift: 'strict' }` in CI; merged over the connector's. */
  validation?: HttpClientOptions['validation'];
  /** Tunes the per-host circuit breaker (merged over the connector's settings), or `false` to turn it off (e.g. behind your own breaker). */
  circuitBreaker?: HttpClientOptions['circuitBreaker'];
}

/**
 * What every connector instance exposes, whatever else it adds: `request` and `paginate` reach any
 * route its typed surface lacks, with the same auth, version pin, retries, rate limits and events.
 * `P` is where the provider's listings keep their items (`data` for Stripe; `''`: the body is the list).
 */
export interface ConnectorInstance<P extends string = string> {
  readonly name: string;
  /** The pipeline underneath. */
  readonly http: HttpClient;
  verifyCredentials(): Promise<VerifiedCredentials>;
  /** Any other route: `connector.request({ path: '/things/{id}', params: { id }, schema })`. */
  request<S extends Schema | undefined = undefined>(options: RequestOptions<S>): Promise<ResponseData<S>>;
  /**
   * Any other listing, paged the provider's way (the definition's `listings`, per route where it
   * says so) unless `pagination` or `items` say otherwise:
   * `for await (const thing of connector.paginate({ path: '/things' }))`.
   */
  paginate<S extends Schema | undefined = undefined, Q extends string = P>(options: PaginateOptions<S, Q>): Paginated<ItemAt<ResponseData<S>, Q>, ResponseData<S>>;
}

/** The static description of a connector: defaults for its client, plus how to build its typed surface. */
export interface ConnectorDefinition<TOptions, TApi, P extends string = ''> {
  name: string;
  /**
   * Client options derived from the connector's own options (auth, version pin, credentials check,
   * rate-limit rules...). Common options given by the caller win over these.
   */
  client(options: TOptions): Omit<HttpClientOptions, 'connector'>;
  /** The typed operations, built on the client. */
  api(http: HttpClient, options: TOptions): TApi;
  /**
   * How the provider's listings page and where their items are, with overrides per route or
   * operation (`routes`): the default of the instance's `paginate` and of `http.paginate`.
   */
  listings?: Listings<P>;
  /**
   * The provider's public status page (an Atlassian Statuspage with `/api/v2/summary.json`), e.g.
   * `https://www.githubstatus.com`; watched by `@connectors/observability`'s provider-status watcher.
   */
  statusPage?: string;
}

export type Connector<TApi, P extends string = ''> = ConnectorInstance<P> & TApi;

/**
 * Turns a definition into a factory: `const github = defineConnector({...}); const gh = github.create(opts)`.
 * Keeping definitions declarative is what lets the conformance suite and the sandbox drive any connector.
 *
 * How `create(options)` combines the caller's common options with the definition's client options:
 * scalars (`baseUrl`, `auth`, `fetch`, `clock`, `random`) replace; nested options merge, the caller's
 * value winning field by field, so overriding one setting never drops the connector's others:
 * - `rateLimit`: field by field; `routes` by key (the caller's entry for a route wins as a whole, the
 *   connector's other routes stay); a budget (`budget`, a route's `budget`) is replaced as a whole;
 *   `false` from either side turns limiting off, unless the caller gives rules of its own.
 * - `retry`: field by field; `budget` field by field (`false` turns it off); `retryableStatuses` as a
 *   whole; the caller's `classify` runs first and falls back to the connector's.
 * - `timeout`, `validation`, `circuitBreaker` (unless `false`): field by field.
 * - `onEvent` and `middleware`: the connector's and the caller's, both (the connector's first).
 * - `listings`: the definition's `listings`, overridden by listings the definition's `client()`
 *   returns, field by field and `routes` by key.
 */
export function defineConnector<TOptions, TApi, P extends string = ''>(definition: ConnectorDefinition<TOptions, TApi, P>) {
  return {
    name: definition.name,
    definition,
    create(options: TOptions & CommonConnectorOptions): Connector<TApi, P> {
      const base = definition.client(options);
      const common: CommonConnectorOptions = options;
      const onEvent = [...listenersOf(base.onEvent), ...listenersOf(common.onEvent)];
      const listings = mergeListings(definition.listings, base.listings);
      const rateLimit = mergeRateLimit(base.rateLimit, common.rateLimit);
      const circuitBreaker = mergeCircuitBreaker(base.circuitBreaker, common.circuitBreaker);
      const http = createHttpClient({
        ...base,
        connector: definition.name,
        ...pick(common, ['baseUrl', 'auth', 'fetch', 'clock', 'random']),
        ...(onEvent.length ? { onEvent } : {}),
        ...(base.validation || common.validation ? { validation: { ...base.validation, ...common.validation } } : {}),
        ...(circuitBreaker !== undefined ? { circuitBreaker } : {}),
        ...(rateLimit !== undefined ? { rateLimit } : {}),
        retry: mergeRetry(base.retry, common.retry),
        timeout: { ...base.timeout, ...common.timeout },
        middleware: [...(base.middleware ?? []), ...(common.middleware ?? [])],
        ...(listings ? { listings } : {}),
      });
      const api = definition.api(http, options);
      const instance: ConnectorInstance<P> = {
        name: definition.name,
        http,
        verifyCredentials: () => http.verifyCredentials(),
        request: (request) => http.request(request),
        paginate<S extends Schema | undefined = undefined, Q extends string = P>(listing: PaginateOptions<S, Q>) {
          if (!listing.pagination && !http.listings?.pagination && !http.listings?.routes) {
            throw new TypeError(`${definition.name}.paginate: this connector declares no default pagination; pass \`pagination\`, e.g. cursorPagination({ ... })`);
          }
          return http.paginate<S, Q>(listing);
        },
      };
      // A connector's api may bring its own request/paginate (with extra options); name, http and
      // verifyCredentials are always the instance's.
      const { request, paginate, ...fixed } = instance;
      return Object.assign(Object.create(null) as object, { request, paginate }, api, fixed) as Connector<TApi, P>;
    },
  };
}

function listenersOf(listener: EventListener | readonly EventListener[] | undefined): readonly EventListener[] {
  if (!listener) return [];
  return typeof listener === 'function' ? [listener] : listener;
}

/** The caller's rate-limit options over the connector's: field by field, `routes` by key. */
function mergeRateLimit(base: HttpClientOptions['rateLimit'], own: HttpClientOptions['rateLimit']): HttpClientOptions['rateLimit'] {
  if (own === undefined) return base;
  if (own === false || base === false || base === undefined) return own;
  const routes = base.routes || own.routes ? { ...base.routes, ...own.routes } : undefined;
  const merged: RateLimitOptions = { ...base, ...own };
  if (routes) merged.routes = routes;
  else delete merged.routes;
  return merged;
}

/** The caller's retry options over the connector's: field by field, `budget` too, `classify` chained (the caller's first). */
function mergeRetry(base: RetryOptions | undefined, own: RetryOptions | undefined): RetryOptions {
  const merged: RetryOptions = { ...base, ...own };
  if (base?.budget !== undefined && own?.budget !== undefined) {
    merged.budget = own.budget === false || base.budget === false ? own.budget : { ...base.budget, ...own.budget };
  }
  const first = own?.classify;
  const fallback = base?.classify;
  if (first && fallback && first !== fallback) merged.classify = (response) => first(response) ?? fallback(response);
  return merged;
}

function mergeCircuitBreaker(base: HttpClientOptions['circuitBreaker'], own: HttpClientOptions['circuitBreaker']): HttpClientOptions['circuitBreaker'] {
  if (own === undefined) return base;
  if (own === false || base === false || base === undefined) return own;
  return { ...base, ...own };
}

/** The listings `client()` returns over the definition's: field by field, `routes` by key. */
function mergeListings<P extends string>(definition: Listings<P> | undefined, client: Listings | undefined): Listings | undefined {
  if (!definition || !client) return client ?? definition;
  const routes = definition.routes || client.routes ? { ...definition.routes, ...client.routes } : undefined;
  return { ...definition, ...client, ...(routes ? { routes } : {}) };
}

function pick<K extends keyof CommonConnectorOptions>(source: CommonConnectorOptions, keys: readonly K[]): Partial<Pick<CommonConnectorOptions, K>> {
  const out: Partial<Pick<CommonConnectorOptions, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
