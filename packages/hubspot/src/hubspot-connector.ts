import {
  bearerAuth,
  defineConnector,
  type AuthStrategy,
  type CommonConnectorOptions,
  type Connector,
  type HttpClient,
  type HttpClientOptions,
  type RateBudget,
  type SharedRateLimiter,
} from '@connectors/core';
import { createAccountApi, type AccountApi } from './account/account-api.ts';
import { accountDetailsSchema } from './account/account-schemas.ts';
import { createAssociationsApi, type AssociationsApi } from './associations/associations-api.ts';
import { hubspotOAuth, type HubSpotOAuthOptions } from './auth/hubspot-oauth.ts';
import { companySchema, contactSchema, dealSchema, ticketSchema, type Company, type Contact, type Deal, type Ticket } from './crm/crm-object-schemas.ts';
import { createCrmObjectsApi, type CrmObjectsApi } from './crm/crm-objects-api.ts';
import { listPagination, SEARCH_MAX_PAGE, searchPagination } from './crm/crm-request.ts';
import { toHubSpotError } from './errors/hubspot-error.ts';
import { createPropertiesApi, type PropertiesApi } from './properties/properties-api.ts';
import { HUBSPOT_LIMITS, hubspotRateLimit, SEARCH_ROUTE } from './rate-limit/hubspot-rate-limit.ts';

export const HUBSPOT_BASE_URL = 'https://api.hubapi.com';
const USER_AGENT = 'connectors-hubspot/0.1';

/**
 * How to reach HubSpot. With neither `accessToken` nor `oauth`, a private app token is read from
 * `HUBSPOT_ACCESS_TOKEN` (on every call, so rotating it needs no restart). Common options
 * (`baseUrl`, `retry`, `timeout`, `onEvent`, `auth`, `rateLimit`...) apply too.
 */
export interface HubSpotOptions {
  /** A private app access token (`pat-na1-...`). */
  accessToken?: string;
  /** Read the private app token from this environment variable instead. Default `HUBSPOT_ACCESS_TOKEN`. */
  accessTokenEnv?: string;
  /** A public app's OAuth connection (30-minute access tokens, refreshed). The token URL defaults to `<baseUrl>/oauth/v1/token`. */
  oauth?: Omit<HubSpotOAuthOptions, 'tokenUrl'> & { tokenUrl?: string | URL };
  /**
   * The account's limits (HubSpot's figures depend on the subscription). Default Free/Starter:
   * 100 per rolling 10 s; search 5 per second.
   */
  limits?: { tenSecondly?: RateBudget; search?: RateBudget };
  /**
   * Shares the budgets across processes (every worker of an app draws from the same HubSpot account
   * limits): given a bucket name (`ten-secondly`, `search`), return a shared limiter, e.g.
   * `(bucket) => redisRateLimiter({ redis, key: \`hubspot:\${portalId}:\${bucket}\`, ...budget })`.
   */
  shared?: (bucket: 'ten-secondly' | 'search', budget: RateBudget) => SharedRateLimiter;
}

/** The typed surface of a HubSpot connector. */
export interface HubSpotApi {
  contacts: CrmObjectsApi<Contact>;
  companies: CrmObjectsApi<Company>;
  deals: CrmObjectsApi<Deal>;
  tickets: CrmObjectsApi<Ticket>;
  /** Any other object type (custom objects `p_...` or `2-123`, `line_items`, `products`) with your own record schema (`crmObjectSchema`, `properties.discover`). */
  objects<S extends import('@connectors/core').Schema>(objectType: string, schema: S): CrmObjectsApi<import('valibot').InferOutput<S & import('valibot').GenericSchema>>;
  associations: AssociationsApi;
  properties: PropertiesApi;
  account: AccountApi;
}

/**
 * A HubSpot connector instance: the typed surface plus `http`, `name`, `verifyCredentials()`, and
 * `request` / `paginate` for any other route with the same auth, limits, retries and events.
 */
export type HubSpot = Connector<HubSpotApi, 'results'>;

type Options = HubSpotOptions & CommonConnectorOptions;

// One strategy per options object, shared by the client and `account.tokenInfo`.
const strategies = new WeakMap<Options, AuthStrategy>();
// The account API of each instance, for the credentials check's second call.
const accounts = new WeakMap<Options, AccountApi>();

function authFor(options: Options): AuthStrategy {
  let auth = strategies.get(options);
  if (!auth) {
    if (options.auth) auth = options.auth;
    else if (options.oauth) {
      const { tokenUrl, ...rest } = options.oauth;
      auth = hubspotOAuth({ ...rest, tokenUrl: tokenUrl ?? `${(options.baseUrl ?? HUBSPOT_BASE_URL).replace(/\/+$/, '')}/oauth/v1/token` });
    } else {
      auth = bearerAuth(options.accessToken !== undefined ? { token: options.accessToken } : { env: options.accessTokenEnv ?? 'HUBSPOT_ACCESS_TOKEN' });
    }
    strategies.set(options, auth);
  }
  return auth;
}

/**
 * The HubSpot connector.
 * @example
 * import { hubspot } from '@connectors/hubspot';
 * const client = hubspot.create({ accessToken: process.env.HUBSPOT_ACCESS_TOKEN });
 * await client.verifyCredentials(); // { identity: 'hub 62515 (standard), scopes: oauth crm.objects.contacts.read', ... }
 * for await (const contact of client.contacts.list({ properties: ['email'] })) console.log(contact.properties.email);
 */
export const hubspot = defineConnector<Options, HubSpotApi, 'results'>({
  name: 'hubspot',
  client(options): Omit<HttpClientOptions, 'connector'> {
    const tenSecondly = options.limits?.tenSecondly ?? HUBSPOT_LIMITS.tenSecondly;
    const search = options.limits?.search ?? HUBSPOT_LIMITS.search;
    return {
      baseUrl: options.baseUrl ?? HUBSPOT_BASE_URL,
      auth: authFor(options),
      headers: { 'user-agent': USER_AGENT },
      // HubSpot's correlation id, also in every error body (`correlationId`), which errors prefer.
      requestIdHeaders: ['x-hubspot-correlation-id'],
      // A ConnectorError for every HubSpot body: AuthError for MISSING_SCOPES, RateLimitError, else HubSpotError.
      httpError: toHubSpotError,
      rateLimit: {
        parse: hubspotRateLimit,
        budget: tenSecondly,
        ...(options.shared ? { shared: options.shared('ten-secondly', tenSecondly) } : {}),
        // Search has its own, lower limit (5/s per account), on top of the general one.
        routes: { [SEARCH_ROUTE]: { budget: search, ...(options.shared ? { shared: options.shared('search', search) } : {}) } },
      },
      credentialsCheck: {
        path: '/account-info/v3/details',
        operation: 'verifyCredentials',
        schema: accountDetailsSchema,
        // The hub from the account details, the scopes from the token-info endpoint (a second call).
        identify: async (data) => {
          const details = data as { portalId: number; accountType?: string; timeZone: string };
          const hub = `hub ${details.portalId}${details.accountType ? ` (${details.accountType.toLowerCase()})` : ''}`;
          const account = accounts.get(options);
          if (!account) return hub;
          try {
            const { scopes } = await account.tokenInfo();
            return `${hub}, scopes: ${scopes.join(' ')}`;
          } catch (error) {
            return `${hub}, scopes unknown (${error instanceof Error ? error.name : 'error'} from the token-info endpoint)`;
          }
        },
      },
    };
  },
  api(http: HttpClient, options): HubSpotApi {
    const account = createAccountApi(http, () => authFor(options));
    accounts.set(options, account);
    return {
      contacts: createCrmObjectsApi(http, 'contacts', contactSchema),
      companies: createCrmObjectsApi(http, 'companies', companySchema),
      deals: createCrmObjectsApi(http, 'deals', dealSchema),
      tickets: createCrmObjectsApi(http, 'tickets', ticketSchema),
      objects: (objectType, schema) => createCrmObjectsApi(http, objectType, schema),
      associations: createAssociationsApi(http),
      properties: createPropertiesApi(http),
      account,
    };
  },
  // `hubspot.paginate({ path })` pages the HubSpot way: GET listings by `after`, search by `after` in the body.
  listings: {
    pagination: listPagination(100),
    items: 'results',
    routes: { [SEARCH_ROUTE]: { pagination: searchPagination(SEARCH_MAX_PAGE) } },
  },
});
