import { createHmac, randomBytes } from 'node:crypto';
import type { SandboxProvider, SandboxRequest, SandboxResponse, SandboxRouteContext, SandboxWebhookEvent } from '@connectors/testing/sandbox';
import { shopifyScheme } from '@connectors/webhooks';
import { execute, GraphQLError, Kind, parse, validate, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import appUninstalled from '../webhooks/__fixtures__/app-uninstalled.json' with { type: 'json' };
import customersDataRequest from '../webhooks/__fixtures__/customers-data-request.json' with { type: 'json' };
import customersRedact from '../webhooks/__fixtures__/customers-redact.json' with { type: 'json' };
import ordersCreate from '../webhooks/__fixtures__/orders-create.json' with { type: 'json' };
import ordersUpdated from '../webhooks/__fixtures__/orders-updated.json' with { type: 'json' };
import productsUpdate from '../webhooks/__fixtures__/products-update.json' with { type: 'json' };
import shopRedact from '../webhooks/__fixtures__/shop-redact.json' with { type: 'json' };
import { bulkFile, cancelBulk, currentBulk, findBulk, runBulkQuery, settleBulk, type BulkRecord } from './bulk-runner.ts';
import { refill, refund, take, throttleStatus, type BucketConfig, type BucketState } from './leaky-bucket.ts';
import { actualCost, requestedCost, type CostInput } from './query-cost.ts';
import { mutations, views, type SandboxStore } from './sandbox-resolvers.ts';
import { sandboxSchema } from './sandbox-schema.ts';
import { LOCATIONS, seedCustomers, seedOrders, seedProducts, type Row } from './seed-data.ts';

/** An Admin API access token every sandbox shop accepts (a placeholder: it works nowhere else). */
export const SHOPIFY_SANDBOX_ACCESS_TOKEN = 'shpat_sandbox_local_token_0000000000';
/** The sandbox app's client id (API key). */
export const SHOPIFY_SANDBOX_CLIENT_ID = 'sandbox-client-id';
/** The sandbox app's client secret: signs webhooks and OAuth callbacks, as Shopify's does. */
export const SHOPIFY_SANDBOX_CLIENT_SECRET = 'shpss_sandbox_local_secret';
/** The shop the examples use (any handle works: each gets its own bucket). */
export const SHOPIFY_SANDBOX_SHOP = 'sandbox-store';

/** API versions the sandbox serves; the oldest is deprecated; anything older falls forward to it. */
const SUPPORTED_VERSIONS = ['2025-10', '2026-01', '2026-04', '2026-07', '2026-10'];
const DEPRECATED_VERSIONS = new Set(['2025-10']);
const DEPRECATION_REASON = 'https://shopify.dev/api/usage/versioning#deprecation-practices';

export interface ShopifySandboxOptions {
  /** Each shop's cost bucket. Default 1,000 points restoring 50 per second (Shopify's documented bucket before plan-based limits). */
  bucket?: BucketConfig;
  /** Lifetime of OAuth access tokens with `expiring: '1'`. Default 3600 s, as Shopify's. */
  accessTokenTtlSeconds?: number;
  /** How long a bulk operation runs (sandbox clock). Default 300 ms. */
  bulkDurationMs?: number;
  /** Products seeded (each with 3 variants). Default 60. */
  products?: number;
  /** Orders seeded. Default 80. */
  orders?: number;
}

/** What the Shopify sandbox counted since it started (all sandboxes this provider serves). */
export interface ShopifySandboxStats {
  /** GraphQL requests that ran (charged to a bucket). */
  queries: number;
  /** Requests refused with THROTTLED. */
  throttled: number;
  /** THROTTLED answers per shop. */
  throttledByShop: Record<string, number>;
  /** Requests refused with MAX_COST_EXCEEDED. */
  maxCostExceeded: number;
  /** Points charged (actual cost), per shop. */
  points: Record<string, number>;
  /** Refresh-token grants answered. */
  refreshes: number;
}

/** The provider plus its counters. */
export interface ShopifySandboxProvider extends SandboxProvider {
  stats(): ShopifySandboxStats;
}

type Tokens = { accessToken: string; shop: string; expiresAt: number | undefined; refreshToken?: string; scope: string };

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): SandboxResponse => ({ status, headers, body });
const shopDomain = (shop: string) => (shop.endsWith('.myshopify.com') ? shop : `${shop}.myshopify.com`);

function buckets(context: SandboxRouteContext): Record<string, BucketState> {
  return ((context.data['buckets'] ??= [{}])[0] as Record<string, BucketState>);
}

function tokens(context: SandboxRouteContext): Tokens[] {
  return (context.data['tokens'] ??= []) as Tokens[];
}

/** A token the request may use for this shop: the fixed sandbox token, or an unexpired OAuth token of the shop. */
function authenticate(request: SandboxRequest, context: SandboxRouteContext, shop: string): boolean {
  const token = request.headers['x-shopify-access-token'];
  if (!token) return false;
  if (token === SHOPIFY_SANDBOX_ACCESS_TOKEN) return true;
  const record = tokens(context).find((t) => t.accessToken === token);
  return !!record && record.shop === shop && (record.expiresAt === undefined || context.now() < record.expiresAt);
}

function unauthorized(): SandboxResponse {
  // Shopify's answer to a missing, wrong or expired token.
  return json({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' }, 401);
}

function versionHeaders(version: string): { served: string; headers: Record<string, string> } | undefined {
  if (version === 'unstable') return { served: version, headers: { 'x-shopify-api-version': 'unstable' } };
  if (!/^\d{4}-(01|04|07|10)$/.test(version)) return undefined;
  const served = SUPPORTED_VERSIONS.includes(version) ? version : version < SUPPORTED_VERSIONS[0]! ? SUPPORTED_VERSIONS[0]! : SUPPORTED_VERSIONS.at(-1)!;
  const headers: Record<string, string> = { 'x-shopify-api-version': served };
  if (DEPRECATED_VERSIONS.has(served) || served !== version) headers['x-shopify-api-deprecated-reason'] = DEPRECATION_REASON;
  return { served, headers };
}

function graphqlErrorJson(error: GraphQLError) {
  const out: Row = { message: error.message };
  if (error.locations) out['locations'] = error.locations;
  if (error.path) out['path'] = error.path;
  if (error.extensions && Object.keys(error.extensions).length) out['extensions'] = error.extensions;
  return out;
}

function handleGraphql(options: Required<ShopifySandboxOptions>, stats: ShopifySandboxStats) {
  return async (request: SandboxRequest, context: SandboxRouteContext): Promise<SandboxResponse> => {
    const shop = request.params['shop']!;
    const version = versionHeaders(request.params['version']!);
    if (!version) return json({ errors: 'Not Found' }, 404);
    if (!authenticate(request, context, shop)) return unauthorized();
    const body = request.body as { query?: unknown; variables?: unknown; operationName?: unknown } | undefined;
    if (!body || typeof body !== 'object' || typeof body.query !== 'string') {
      return json({ errors: { query: 'Required parameter missing or invalid' } }, 400, version.headers);
    }
    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch (error) {
      return json({ errors: [graphqlErrorJson(error as GraphQLError)] }, 200, version.headers);
    }
    const invalid = validate(sandboxSchema(), document);
    if (invalid.length) return json({ errors: invalid.map(graphqlErrorJson) }, 200, version.headers);
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const operation = typeof body.operationName === 'string' ? operations.find((o) => o.name?.value === body.operationName) : operations[0];
    if (!operation) return json({ errors: [{ message: `No operation named ${String(body.operationName)}` }] }, 200, version.headers);
    const fragments = Object.fromEntries(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
    const variables = (body.variables && typeof body.variables === 'object' ? body.variables : {}) as Record<string, unknown>;
    const costInput: CostInput = { schema: sandboxSchema(), operation, fragments, variables };

    // The leaky bucket: charge the requested cost up front, refuse with THROTTLED when the bucket
    // lacks it, refund the difference to the actual cost after the query ran.
    const requested = requestedCost(costInput);
    const bucket = (buckets(context)[shop] ??= { available: options.bucket.maximum, updatedAt: context.now() });
    const cost = (actual: number | null) => ({ requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: throttleStatus(bucket, options.bucket) });
    if (requested > options.bucket.maximum) {
      stats.maxCostExceeded++;
      refill(bucket, options.bucket, context.now());
      return json({
        errors: [{ message: `Query cost is ${requested}, which exceeds the single query max cost limit (${options.bucket.maximum}).`, extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: options.bucket.maximum, documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
        extensions: { cost: cost(null) },
      }, 200, version.headers);
    }
    if (!take(bucket, options.bucket, requested, context.now())) {
      stats.throttled++;
      stats.throttledByShop[shop] = (stats.throttledByShop[shop] ?? 0) + 1;
      return json({ errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }], extensions: { cost: cost(null) } }, 200, version.headers);
    }

    const store: SandboxStore = { data: context.data, shop, now: context.now() };
    const view = views(store);
    const fileBase = `${request.url.origin}${request.url.pathname.replace(/\/admin\/api\/.*$/, '')}`;
    const fileUrl = (record: BulkRecord) => {
      const n = record.id.split('/').pop()!;
      const signature = createHmac('sha256', SHOPIFY_SANDBOX_CLIENT_SECRET).update(`${shop}:${n}`).digest('hex').slice(0, 32);
      return `${fileBase}/bulk-results/${n}.jsonl?signature=${signature}`;
    };
    const settle = (record: BulkRecord | undefined) => (record ? settleBulk(store, record, view.query, fileUrl) : null);
    const rootValue: Row = {
      ...view.query,
      shop: () => ({
        __typename: 'Shop',
        id: `gid://shopify/Shop/${[...shop].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_000_007, 7)}`,
        name: `Sandbox Store (${shop})`,
        email: `owner@${shopDomain(shop)}`,
        myshopifyDomain: shopDomain(shop),
        currencyCode: 'USD',
        ianaTimezone: 'America/New_York',
        plan: { partnerDevelopment: true, shopifyPlus: false, publicDisplayName: 'Development' },
      }),
      node: ({ id }: { id: string }) => (String(id).startsWith('gid://shopify/BulkOperation/') ? settle(findBulk(store, String(id))) : view.nodeById(String(id))),
      bulkOperation: ({ id }: { id: string }) => settle(findBulk(store, String(id))),
      currentBulkOperation: () => settle(currentBulk(store)),
      ...mutations(store, view),
      bulkOperationRunQuery: ({ query }: { query: string }) => runBulkQuery(store, query, options.bulkDurationMs),
      bulkOperationCancel: ({ id }: { id: string }) => cancelBulk(store, id),
    };
    const result = await execute({ schema: sandboxSchema(), document, operationName: operation.name?.value ?? null, rootValue, variableValues: variables, contextValue: { bulk: false } });
    const actual = actualCost(costInput, result.data ?? null);
    refund(bucket, options.bucket, requested - actual);
    stats.queries++;
    stats.points[shop] = (stats.points[shop] ?? 0) + actual;
    const answer: Row = {};
    if (result.errors?.length) answer['errors'] = result.errors.map(graphqlErrorJson);
    answer['data'] = result.data ?? null;
    answer['extensions'] = { cost: cost(actual) };
    return json(answer, 200, version.headers);
  };
}

function readParams(request: SandboxRequest): Record<string, string> {
  const fromBody = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
  const out: Record<string, string> = {};
  for (const [key, value] of request.query) out[key] = value;
  for (const [key, value] of Object.entries(fromBody)) if (value !== undefined && value !== null) out[key] = String(value);
  return out;
}

function issue(context: SandboxRouteContext, shop: string, expiring: boolean, ttlSeconds: number, scope: string): Row {
  const accessToken = `shpat_${randomBytes(16).toString('hex')}`;
  const record: Tokens = { accessToken, shop, expiresAt: expiring ? context.now() + ttlSeconds * 1000 : undefined, scope };
  const body: Row = { access_token: accessToken, scope };
  if (expiring) {
    record.refreshToken = `shprt_${randomBytes(16).toString('hex')}`;
    Object.assign(body, { expires_in: ttlSeconds, refresh_token: record.refreshToken, refresh_token_expires_in: 7_776_000 });
  }
  tokens(context).push(record);
  return body;
}

/**
 * `POST /admin/oauth/access_token`: the authorization code (from the sandbox's `/admin/oauth/authorize`)
 * or, for expiring tokens, a refresh token. JSON (as `@shopify/shopify-api` sends) or form bodies.
 * A refresh token works once: Shopify replaces it on every refresh.
 */
function handleToken(options: Required<ShopifySandboxOptions>, stats: ShopifySandboxStats) {
  return (request: SandboxRequest, context: SandboxRouteContext): SandboxResponse => {
    const shop = request.params['shop']!;
    const params = readParams(request);
    if (params['client_id'] !== SHOPIFY_SANDBOX_CLIENT_ID || params['client_secret'] !== SHOPIFY_SANDBOX_CLIENT_SECRET) {
      return json({ error: 'invalid_client', error_description: 'Client authentication failed: unknown client_id or wrong client_secret' }, 401);
    }
    if (params['grant_type'] === 'refresh_token') {
      const record = tokens(context).find((t) => t.refreshToken !== undefined && t.refreshToken === params['refresh_token'] && t.shop === shop);
      if (!record) return json({ error: 'invalid_grant', error_description: 'The refresh token is invalid, expired or was already used' }, 400);
      record.refreshToken = undefined;
      stats.refreshes++;
      return json(issue(context, shop, true, options.accessTokenTtlSeconds, record.scope));
    }
    const codes = (context.data['oauth_codes'] ??= []) as { code: string; shop: string; scope: string }[];
    const at = codes.findIndex((c) => c.code === params['code'] && c.shop === shop);
    if (at < 0) return json({ error: 'invalid_request', error_description: 'The authorization code was not found or was already used' }, 400);
    const [code] = codes.splice(at, 1);
    return json(issue(context, shop, params['expiring'] === '1', options.accessTokenTtlSeconds, code!.scope));
  };
}

/**
 * `GET /admin/oauth/authorize`: the merchant approves at once; redirects to `redirect_uri` with
 * `code`, `shop`, `state`, `timestamp` and the `hmac` Shopify signs callbacks with.
 */
function handleAuthorize(request: SandboxRequest, context: SandboxRouteContext): SandboxResponse {
  const shop = request.params['shop']!;
  const redirect = request.query.get('redirect_uri');
  if (request.query.get('client_id') !== SHOPIFY_SANDBOX_CLIENT_ID || !redirect) return json({ errors: 'Oauth error invalid_request: The redirect_uri and client_id are required' }, 400);
  const code = randomBytes(12).toString('hex');
  ((context.data['oauth_codes'] ??= []) as { code: string; shop: string; scope: string }[]).push({ code, shop, scope: request.query.get('scope') ?? '' });
  const params = new URLSearchParams({ code, shop: shopDomain(shop), state: request.query.get('state') ?? '', timestamp: String(Math.floor(context.now() / 1000)) });
  const message = [...params.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join('&');
  params.set('hmac', createHmac('sha256', SHOPIFY_SANDBOX_CLIENT_SECRET).update(message).digest('hex'));
  const location = new URL(redirect);
  for (const [key, value] of params) location.searchParams.set(key, value);
  return { status: 302, headers: { location: location.toString() }, body: '' };
}

/** The JSONL result of a bulk operation, with `Range` support (as the signed storage URL has). */
function handleBulkFile(request: SandboxRequest, context: SandboxRouteContext): SandboxResponse {
  const shop = request.params['shop']!;
  const n = request.params['file']!.replace(/\.jsonl$/, '');
  const expected = createHmac('sha256', SHOPIFY_SANDBOX_CLIENT_SECRET).update(`${shop}:${n}`).digest('hex').slice(0, 32);
  if (request.query.get('signature') !== expected) return { status: 403, body: '<Error><Code>AccessDenied</Code><Message>Invalid signature</Message></Error>', headers: { 'content-type': 'application/xml' } };
  const content = bulkFile({ data: context.data, shop, now: context.now() }, `gid://shopify/BulkOperation/${n}`);
  if (content === undefined) return { status: 404, body: '<Error><Code>NoSuchKey</Code></Error>', headers: { 'content-type': 'application/xml' } };
  const bytes = Buffer.from(content);
  const range = /^bytes=(\d+)-$/.exec(request.headers['range'] ?? '');
  if (range) {
    const from = Number(range[1]);
    if (from >= bytes.length) return { status: 416, headers: { 'content-range': `bytes */${bytes.length}` }, body: '' };
    return { status: 206, headers: { 'content-type': 'application/jsonl', 'content-range': `bytes ${from}-${bytes.length - 1}/${bytes.length}` }, body: bytes.subarray(from).toString('utf8') };
  }
  return { status: 200, headers: { 'content-type': 'application/jsonl' }, body: content };
}

/**
 * Shopify's GraphQL Admin API for the testing kit's sandbox
 * (`startSandbox({ providers: [createShopifySandboxProvider()] })`), answered by a real GraphQL
 * executor over a seeded store (products with variants and inventory at two locations, orders,
 * customers) with Shopify's cost accounting: a leaky bucket per shop charged the requested cost,
 * refunded to the actual cost, `THROTTLED` (HTTP 200) when it runs dry and `MAX_COST_EXCEEDED`
 * over 1,000 points. Also: `X-Shopify-Access-Token` auth; OAuth with expiring offline tokens and
 * single-use refresh tokens; API versions with deprecation headers; bulk operations with a JSONL
 * file served with Range support; `userErrors` on invalid mutations; webhooks signed with `shopifyScheme`.
 *
 * Each shop is served under `<sandbox url>/shopify/<shop>`: pass `baseUrl: shopifySandboxUrl(sandbox, 'my-shop')`.
 */
export function createShopifySandboxProvider(options: ShopifySandboxOptions = {}): ShopifySandboxProvider {
  const resolved: Required<ShopifySandboxOptions> = {
    bucket: options.bucket ?? { maximum: 1000, restoreRate: 50 },
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
    bulkDurationMs: options.bulkDurationMs ?? 300,
    products: options.products ?? 60,
    orders: options.orders ?? 80,
  };
  const products = seedProducts(resolved.products);
  const customers = seedCustomers();
  const stats: ShopifySandboxStats = { queries: 0, throttled: 0, throttledByShop: {}, maxCostExceeded: 0, points: {}, refreshes: 0 };
  return {
    name: 'shopify',
    stats: () => structuredClone(stats),
    auth: { kind: 'none' },
    data: { products, customers, orders: seedOrders(products, customers, resolved.orders), locations: LOCATIONS },
    webhooks: {
      scheme: shopifyScheme,
      secret: SHOPIFY_SANDBOX_CLIENT_SECRET,
      headers: (_delivery, event) => ({
        'X-Shopify-Shop-Domain': shopDomain(SHOPIFY_SANDBOX_SHOP),
        'X-Shopify-API-Version': '2026-10',
        'X-Shopify-Triggered-At': new Date().toISOString(),
        ...(event.type ? { 'X-Shopify-Topic': event.type } : {}),
      }),
    },
    routes: [
      { method: 'POST', path: '/:shop/admin/api/:version/graphql.json', handler: handleGraphql(resolved, stats) },
      { method: 'POST', path: '/:shop/admin/oauth/access_token', handler: handleToken(resolved, stats) },
      { method: 'GET', path: '/:shop/admin/oauth/authorize', handler: handleAuthorize },
      { method: 'GET', path: '/:shop/bulk-results/:file', handler: handleBulkFile },
    ],
  };
}

/** The default sandbox provider (1,000-point buckets restoring 50/s, 60-minute tokens). */
export const shopifySandboxProvider: ShopifySandboxProvider = createShopifySandboxProvider();

/** The base URL of one sandbox shop, for `shopify.create({ shop, baseUrl })`. */
export function shopifySandboxUrl(sandbox: { urlFor(provider: string): string }, shop: string = SHOPIFY_SANDBOX_SHOP): string {
  return `${sandbox.urlFor('shopify')}/${shop.replace(/\.myshopify\.com$/, '')}`;
}

/** Sample deliveries for `sandbox.sendWebhooks({ provider: 'shopify', events: shopifySandboxWebhookEvents(), url })`: order and product topics, app/uninstalled and the three compliance topics. */
export function shopifySandboxWebhookEvents(): SandboxWebhookEvent[] {
  const events: [string, unknown, string][] = [
    ['orders/create', ordersCreate, 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043'],
    ['orders/updated', ordersUpdated, '6f2d1c4a-9b0e-4c1f-8d3a-2e5b7c9d0a11'],
    ['products/update', productsUpdate, '0a8f7e6d-5c4b-4a39-8281-7f6e5d4c3b2a'],
    ['app/uninstalled', appUninstalled, '9e8d7c6b-5a49-4837-a625-1f0e9d8c7b6a'],
    ['customers/data_request', customersDataRequest, '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'],
    ['customers/redact', customersRedact, '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e'],
    ['shop/redact', shopRedact, '3c4d5e6f-7a8b-4c9d-0e1f-2a3b4c5d6e7f'],
  ];
  return events.map(([type, payload, id]) => ({ id, type, payload }));
}
