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
  retry?: RetryOptions;
  timeout?: HttpClientOptions['timeout'];
  onEvent?: EventListener | readonly EventListener[];
  middleware?: readonly AttemptMiddleware[];
  fetch?: typeof globalThis.fetch;
  clock?: Clock;
  random?: () => number;
  /** Merged over the connector's own rate-limit rules (which keep their header parser); `false` turns limiting off. */
  rateLimit?: HttpClientOptions['rateLimit'];
  /** Response validation, e.g. `{ drift: 'strict' }` in CI. */
  validation?: HttpClientOptions['validation'];
  /** Tunes the per-host circuit breaker, or `false` to turn it off (e.g. behind your own breaker). */
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
}

export type Connector<TApi, P extends string = ''> = ConnectorInstance<P> & TApi;

/**
 * Turns a definition into a factory: `const github = defineConnector({...}); const gh = github.create(opts)`.
 * Keeping definitions declarative is what lets the conformance suite and the sandbox drive any connector.
 */
export function defineConnector<TOptions, TApi, P extends string = ''>(definition: ConnectorDefinition<TOptions, TApi, P>) {
  return {
    name: definition.name,
    definition,
    create(options: TOptions & CommonConnectorOptions): Connector<TApi, P> {
      const base = definition.client(options);
      const common: CommonConnectorOptions = options;
      const http = createHttpClient({
        ...base,
        connector: definition.name,
        ...pick(common, ['baseUrl', 'auth', 'fetch', 'clock', 'random', 'onEvent', 'validation', 'circuitBreaker']),
        ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit === false || base.rateLimit === false ? options.rateLimit : { ...base.rateLimit, ...options.rateLimit } }),
        retry: { ...base.retry, ...options.retry },
        timeout: { ...base.timeout, ...options.timeout },
        middleware: [...(base.middleware ?? []), ...(options.middleware ?? [])],
        ...(definition.listings && !base.listings ? { listings: definition.listings } : {}),
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

function pick<K extends keyof CommonConnectorOptions>(source: CommonConnectorOptions, keys: readonly K[]): Partial<Pick<CommonConnectorOptions, K>> {
  const out: Partial<Pick<CommonConnectorOptions, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
