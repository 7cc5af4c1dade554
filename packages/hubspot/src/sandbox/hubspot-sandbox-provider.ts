import type { SandboxProvider, SandboxRequest, SandboxResponse, SandboxRoute, SandboxRouteContext, SandboxWebhookEvent } from '@connectors/testing/sandbox';
import { hubspotV3Scheme } from '@connectors/webhooks';
import { correlationId, type LimitState, rateLimited, RollingWindow } from './sandbox-limits.ts';
import { runSearch, type SandboxRecord } from './sandbox-search.ts';

/** The sandbox app's OAuth client (a placeholder: it works nowhere else). */
export const HUBSPOT_SANDBOX_CLIENT_ID = 'sandbox-client-id';
/** The sandbox app's client secret; it also signs the sandbox's webhooks (HubSpot signs v3 webhooks with the app's client secret). */
export const HUBSPOT_SANDBOX_CLIENT_SECRET = 'sandbox-client-secret';
/** A refresh token the OAuth sandbox accepts from the start. */
export const HUBSPOT_SANDBOX_REFRESH_TOKEN = 'na1-sbx-refresh-0000-0000-000000000000';
/** A private app token the private-app sandbox accepts. */
export const HUBSPOT_SANDBOX_PRIVATE_APP_TOKEN = 'pat-na1-00000000-0000-4000-8000-000000000000';
/** The sandbox portal (hub) id. */
export const HUBSPOT_SANDBOX_PORTAL_ID = 62515;
/** Every scope the sandbox's tokens have unless `scopes` says otherwise. */
export const HUBSPOT_SANDBOX_SCOPES = [
  'oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.companies.read', 'crm.objects.companies.write',
  'crm.objects.deals.read', 'crm.objects.deals.write', 'tickets', 'crm.schemas.contacts.read', 'crm.schemas.deals.read', 'crm.schemas.companies.read',
] as const;

export interface HubSpotSandboxOptions {
  /** `oauth` (default): 30-minute access tokens from `/oauth/v1/token`; `private-app`: the fixed `HUBSPOT_SANDBOX_PRIVATE_APP_TOKEN`. */
  auth?: 'oauth' | 'private-app';
  /** URL prefix in the sandbox. Default `hubspot`. */
  name?: string;
  /** OAuth access token lifetime. Default 1800 s (HubSpot's). */
  tokenTtlSeconds?: number;
  /** Rolling ten-secondly limit. Default 100 per 10 s (Free/Starter). */
  tenSecondly?: { max: number; intervalMs: number };
  /** Search limit. Default 5 per second. */
  search?: { max: number; intervalMs: number };
  daily?: number;
  /** Seeded records. Default 250 contacts, 40 companies, 120 deals, 30 tickets. */
  seed?: { contacts?: number; companies?: number; deals?: number; tickets?: number; contactsPerTimestamp?: number };
  /** Scopes the tokens have; calls that need another answer 403 MISSING_SCOPES. */
  scopes?: readonly string[];
}

type Json = Record<string, unknown>;
const BASE_MS = Date.parse('2025-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const OBJECT_TYPES = ['contacts', 'companies', 'deals', 'tickets'] as const;
type ObjectType = (typeof OBJECT_TYPES)[number];
const MODIFIED: Record<ObjectType, string> = { contacts: 'lastmodifieddate', companies: 'hs_lastmodifieddate', deals: 'hs_lastmodifieddate', tickets: 'hs_lastmodifieddate' };
const DEFAULTS: Record<ObjectType, string[]> = {
  contacts: ['firstname', 'lastname', 'email', 'createdate', 'lastmodifieddate', 'hs_object_id'],
  companies: ['name', 'domain', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  deals: ['dealname', 'amount', 'closedate', 'pipeline', 'dealstage', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  tickets: ['subject', 'content', 'hs_pipeline', 'hs_pipeline_stage', 'hs_ticket_priority', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
};
const SCOPE: Record<ObjectType, { read: string; write: string }> = {
  contacts: { read: 'crm.objects.contacts.read', write: 'crm.objects.contacts.write' },
  companies: { read: 'crm.objects.companies.read', write: 'crm.objects.companies.write' },
  deals: { read: 'crm.objects.deals.read', write: 'crm.objects.deals.write' },
  tickets: { read: 'tickets', write: 'tickets' },
};
const ID_BASE: Record<ObjectType, number> = { contacts: 100_000, companies: 200_000, deals: 300_000, tickets: 400_000 };

function record(type: ObjectType, n: number, modifiedMs: number, properties: Record<string, string | null>): SandboxRecord {
  const id = String(ID_BASE[type] + n);
  const created = BASE_MS + n * 1000;
  return { id, createdAt: iso(created), updatedAt: iso(modifiedMs), archived: false, properties: { ...properties, createdate: iso(created), [MODIFIED[type]]: iso(modifiedMs), hs_object_id: id } };
}

function seed(options: HubSpotSandboxOptions): Record<ObjectType, SandboxRecord[]> {
  const s = options.seed ?? {};
  const per = Math.max(1, s.contactsPerTimestamp ?? 3);
  const stages = ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'closedwon', 'closedlost'];
  return {
    // Several contacts share each timestamp, as bulk imports do: re-slicing must not skip or repeat them.
    contacts: Array.from({ length: s.contacts ?? 250 }, (_, i) => record('contacts', i + 1, BASE_MS + Math.floor(i / per) * 60_000, {
      email: `contact${i + 1}@example.com`, firstname: `Contact`, lastname: `No. ${i + 1}`, phone: null, company: `Company ${(i % 40) + 1}`,
      lifecyclestage: i % 4 === 0 ? 'customer' : 'lead', plan: i % 3 === 0 ? 'pro' : 'free',
    })),
    companies: Array.from({ length: s.companies ?? 40 }, (_, i) => record('companies', i + 1, BASE_MS + i * 90_000, { name: `Company ${i + 1}`, domain: `company${i + 1}.example.com`, industry: 'COMPUTER_SOFTWARE', city: 'Cambridge' })),
    deals: Array.from({ length: s.deals ?? 120 }, (_, i) => record('deals', i + 1, BASE_MS + i * 45_000, {
      dealname: `Deal ${i + 1}`, amount: String(1000 + i * 250), closedate: iso(BASE_MS + 30 * 86_400_000 + i * 3_600_000), pipeline: 'default', dealstage: stages[i % stages.length]!,
    })),
    tickets: Array.from({ length: s.tickets ?? 30 }, (_, i) => record('tickets', i + 1, BASE_MS + i * 120_000, { subject: `Ticket ${i + 1}`, content: 'Cannot log in', hs_pipeline: '0', hs_pipeline_stage: '1', hs_ticket_priority: i % 2 ? 'HIGH' : 'LOW' })),
  };
}

interface State {
  limits: LimitState;
  records: Record<ObjectType, SandboxRecord[]>;
  associations: Map<string, Set<string>>;
  nextId: number;
}

function stateOf(context: SandboxRouteContext, options: Required<Pick<HubSpotSandboxOptions, 'tenSecondly' | 'search' | 'daily'>>): State {
  const holder = (context.data['__state'] ??= []) as State[];
  if (!holder[0]) {
    const records = context.data as unknown as Record<ObjectType, SandboxRecord[]>;
    const associations = new Map<string, Set<string>>();
    // Each deal is linked to a contact and a company, both ways.
    for (const [i, deal] of records.deals.entries()) {
      const contact = records.contacts[i % Math.max(1, records.contacts.length)];
      const company = records.companies[i % Math.max(1, records.companies.length)];
      if (contact) link(associations, 'deals', deal.id, 'contacts', contact.id);
      if (company) link(associations, 'deals', deal.id, 'companies', company.id);
    }
    holder[0] = {
      limits: { tenSecondly: new RollingWindow(options.tenSecondly.max, options.tenSecondly.intervalMs), search: new RollingWindow(options.search.max, options.search.intervalMs), daily: { max: options.daily, used: 0 }, correlation: 0, refused: {} },
      records, associations, nextId: 900_000,
    };
  }
  return holder[0];
}

function link(map: Map<string, Set<string>>, from: string, fromId: string, to: string, toId: string): void {
  (map.get(`${from}:${fromId}:${to}`) ?? map.set(`${from}:${fromId}:${to}`, new Set()).get(`${from}:${fromId}:${to}`)!).add(toId);
  (map.get(`${to}:${toId}:${from}`) ?? map.set(`${to}:${toId}:${from}`, new Set()).get(`${to}:${toId}:${from}`)!).add(fromId);
}

function error(state: State, status: number, category: string, message: string, extra: Json = {}): SandboxResponse {
  const id = correlationId(state.limits);
  return { status, headers: { 'x-hubspot-correlation-id': id }, body: { status: 'error', message, correlationId: id, category, ...extra } };
}

function objectType(state: State, request: SandboxRequest): ObjectType | SandboxResponse {
  const type = request.params['objectType'] as ObjectType;
  return OBJECT_TYPES.includes(type) ? type : error(state, 400, 'VALIDATION_ERROR', `Unable to infer object type from: ${request.params['objectType']}`);
}

function project(r: SandboxRecord, type: ObjectType, wanted: readonly string[] | undefined): Json {
  const names = wanted?.length ? wanted : DEFAULTS[type];
  const properties: Record<string, string | null> = {};
  for (const name of names) if (name in r.properties) properties[name] = r.properties[name]!;
  return { id: r.id, properties, createdAt: r.createdAt, updatedAt: r.updatedAt, archived: r.archived };
}

function propertyList(value: string | null): string[] | undefined {
  return value ? value.split(',').map((p) => p.trim()).filter(Boolean) : undefined;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Validates property values as HubSpot does for the few rules the sandbox knows (email format, numeric amount). */
function invalid(type: ObjectType, properties: Json): { message: string; in: string } | undefined {
  if (type === 'contacts' && properties['email'] !== undefined && properties['email'] !== null && !EMAIL.test(String(properties['email']))) {
    return { in: 'email', message: `Email address ${String(properties['email'])} is invalid` };
  }
  if (type === 'deals' && properties['amount'] !== undefined && properties['amount'] !== null && properties['amount'] !== '' && !Number.isFinite(Number(properties['amount']))) {
    return { in: 'amount', message: `${String(properties['amount'])} was not a valid number.` };
  }
  return undefined;
}

function write(state: State, type: ObjectType, target: SandboxRecord | undefined, properties: Json, now: number): SandboxRecord {
  const values = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, v === null ? null : String(v)]));
  if (target) {
    Object.assign(target.properties, values, { [MODIFIED[type]]: iso(now) });
    target.updatedAt = iso(now);
    return target;
  }
  const created = record(type, ++state.nextId - ID_BASE[type], now, values);
  state.records[type].push(created);
  return created;
}

const findBy = (state: State, type: ObjectType, id: string, idProperty?: string | null) =>
  state.records[type].find((r) => !r.archived && (idProperty ? r.properties[idProperty] === id : r.id === id));

function batchAnswer(results: Json[], errors: Json[], now: number): SandboxResponse {
  const body = { status: 'COMPLETE', results, requestedAt: iso(now), startedAt: iso(now), completedAt: iso(now), ...(errors.length ? { numErrors: errors.length, errors } : {}) };
  return { status: errors.length ? 207 : 200, body };
}

function batch(state: State, request: SandboxRequest, context: SandboxRouteContext): SandboxResponse {
  const type = objectType(state, request);
  if (typeof type !== 'string') return type;
  const action = request.params['action'];
  const body = (request.body ?? {}) as Json;
  const inputs = Array.isArray(body['inputs']) ? (body['inputs'] as Json[]) : undefined;
  if (!inputs) return error(state, 400, 'VALIDATION_ERROR', 'Invalid input JSON: inputs is required');
  if (inputs.length > 100) return error(state, 400, 'VALIDATION_ERROR', `Batch input limit exceeded: ${inputs.length} inputs, at most 100 are allowed`);
  const now = context.now();
  const results: Json[] = [];
  const errors: Json[] = [];
  const fail = (input: Json, category: string, message: string, extra: Json = {}) =>
    errors.push({ status: 'error', category, message, context: { ...(input['objectWriteTraceId'] ? { objectWriteTraceId: [String(input['objectWriteTraceId'])] } : {}), ...extra } });
  const trace = (input: Json, out: Json) => (input['objectWriteTraceId'] ? { ...out, objectWriteTraceId: String(input['objectWriteTraceId']) } : out);
  switch (action) {
    case 'read': {
      const wanted = Array.isArray(body['properties']) ? (body['properties'] as string[]) : undefined;
      const missing: string[] = [];
      for (const input of inputs) {
        const found = findBy(state, type, String(input['id']), body['idProperty'] as string | undefined);
        if (found) results.push(project(found, type, wanted));
        else missing.push(String(input['id']));
      }
      if (missing.length) errors.push({ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Could not get some records.', context: { ids: missing } });
      return batchAnswer(results, errors, now);
    }
    case 'create':
    case 'update':
    case 'upsert': {
      for (const input of inputs) {
        const properties = (input['properties'] ?? {}) as Json;
        const keyed = action === 'upsert' && input['idProperty'] ? { ...properties, [String(input['idProperty'])]: input['id'] } : properties;
        const problem = invalid(type, keyed);
        if (problem) {
          fail(input, 'VALIDATION_ERROR', `Property values were not valid: ${problem.message}`, action === 'create' ? {} : { ids: [String(input['id'])] });
          continue;
        }
        if (action === 'create') {
          if (type === 'contacts' && properties['email'] && findBy(state, type, String(properties['email']), 'email')) {
            fail(input, 'CONFLICT', `Contact already exists. Existing ID: ${findBy(state, type, String(properties['email']), 'email')!.id}`);
            continue;
          }
          results.push(trace(input, project(write(state, type, undefined, properties, now), type, Object.keys(properties))));
          continue;
        }
        const idProperty = input['idProperty'] as string | undefined;
        const target = findBy(state, type, String(input['id']), idProperty);
        if (action === 'update' && !target) {
          fail(input, 'OBJECT_NOT_FOUND', `Object ${String(input['id'])} not found`, { ids: [String(input['id'])] });
          continue;
        }
        if (action === 'upsert' && !idProperty) {
          fail(input, 'VALIDATION_ERROR', 'idProperty is required for upsert');
          continue;
        }
        const values = !target && idProperty ? { ...properties, [idProperty]: String(input['id']) } : properties;
        const written = write(state, type, target, values, now);
        results.push(trace(input, { ...project(written, type, Object.keys(values)), ...(action === 'upsert' ? { new: !target } : {}) }));
      }
      return batchAnswer(results, errors, now);
    }
    case 'archive': {
      for (const input of inputs) {
        const found = findBy(state, type, String(input['id']));
        if (found) Object.assign(found, { archived: true, updatedAt: iso(now) });
      }
      return { status: 204 };
    }
    default:
      return error(state, 404, 'OBJECT_NOT_FOUND', `Unknown batch action ${String(action)}`);
  }
}

function search(state: State, request: SandboxRequest, type: ObjectType): SandboxResponse {
  const body = (request.body ?? {}) as Json;
  const limit = Number(body['limit'] ?? 10);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) return error(state, 400, 'VALIDATION_ERROR', `limit must be between 1 and 200; got ${String(body['limit'])}`);
  const after = Number(body['after'] ?? 0);
  // HubSpot: "the search endpoints ... page through up to 10,000 results"; asking past that is a 400.
  if (!Number.isInteger(after) || after < 0 || after + limit > 10_000) {
    return error(state, 400, 'VALIDATION_ERROR', `There was a problem with the request: paging past 10,000 results is not supported (after=${String(body['after'])}, limit=${limit})`);
  }
  let found: SandboxRecord[];
  try {
    found = runSearch(state.records[type], body);
  } catch (e) {
    return error(state, 400, 'VALIDATION_ERROR', (e as Error).message);
  }
  const page = found.slice(after, after + limit);
  const next = after + limit < found.length ? String(after + limit) : undefined;
  const wanted = Array.isArray(body['properties']) ? (body['properties'] as string[]) : undefined;
  return { body: { total: found.length, results: page.map((r) => project(r, type, wanted)), ...(next ? { paging: { next: { after: next } } } : {}) } };
}

function list(state: State, request: SandboxRequest, type: ObjectType): SandboxResponse {
  const limit = Math.min(100, Math.max(1, Number(request.query.get('limit') ?? 10) || 10));
  const archived = request.query.get('archived') === 'true';
  const all = state.records[type].filter((r) => r.archived === archived);
  const after = request.query.get('after');
  const start = after ? all.findIndex((r) => Number(r.id) > Number(after)) : 0;
  const page = start < 0 ? [] : all.slice(start, start + limit);
  const more = start >= 0 && start + limit < all.length;
  const wanted = propertyList(request.query.get('properties'));
  const withAssociations = propertyList(request.query.get('associations'));
  return {
    body: {
      results: page.map((r) => ({ ...project(r, type, wanted), ...(withAssociations ? { associations: associationsOf(state, type, r.id, withAssociations) } : {}) })),
      ...(more ? { paging: { next: { after: page.at(-1)!.id, link: `?after=${page.at(-1)!.id}` } } } : {}),
    },
  };
}

function associationsOf(state: State, type: string, id: string, to: readonly string[]): Json {
  const out: Json = {};
  for (const other of to) {
    const ids = [...(state.associations.get(`${type}:${id}:${other}`) ?? [])];
    if (ids.length) out[other] = { results: ids.map((toId) => ({ id: toId, type: `${type.replace(/s$/, '')}_to_${other.replace(/s$/, '')}` })) };
  }
  return out;
}

const PROPERTY_DEFINITIONS: Record<ObjectType, Json[]> = Object.fromEntries(
  OBJECT_TYPES.map((type) => {
    const names = new Set([...DEFAULTS[type], ...Object.keys(seed({ seed: { contacts: 1, companies: 1, deals: 1, tickets: 1 } })[type][0]!.properties)]);
    return [type, [...names].map((name) => ({
      name, label: name, type: /date$/.test(name) ? 'datetime' : name === 'amount' ? 'number' : 'string', fieldType: /date$/.test(name) ? 'date' : 'text',
      groupName: `${type.replace(/s$/, '')}information`, hubspotDefined: name !== 'plan', calculated: false, hasUniqueValue: name === 'email',
    }))];
  }),
) as unknown as Record<ObjectType, Json[]>;

/**
 * HubSpot's CRM, served by the testing kit's sandbox (`startSandbox({ providers: [hubspotSandboxProvider()] })`):
 * contacts, companies, deals and tickets (seeded; contacts several to a timestamp), GET listings with
 * `after`, search with filterGroups and the 10,000-result paging cap (400 past it), batches of 100
 * answering 207 with per-item errors (invalid emails, unknown ids, duplicate contacts), associations
 * v4, properties, HubSpot-shaped errors with `correlationId`, MISSING_SCOPES for tokens without the
 * scope, the rolling ten-secondly limit and the search limit with `X-HubSpot-RateLimit-*` headers and
 * HubSpot's 429 body, OAuth with 30-minute access tokens (advance the sandbox clock to expire them
 * mid-run) or a private app token, and webhooks signed with `hubspotV3Scheme`.
 */
export function hubspotSandboxProvider(options: HubSpotSandboxOptions = {}): SandboxProvider {
  const limits = {
    tenSecondly: options.tenSecondly ?? { max: 100, intervalMs: 10_000 },
    search: options.search ?? { max: 5, intervalMs: 1000 },
    daily: options.daily ?? 250_000,
  };
  const scopes = options.scopes ?? HUBSPOT_SANDBOX_SCOPES;
  const oauth = (options.auth ?? 'oauth') === 'oauth';

  /** Counts the call against HubSpot's limits (search apart), checks scopes, then answers with the limit headers. */
  const guarded = (scope: ((r: SandboxRequest) => string | undefined) | undefined, handler: (state: State, r: SandboxRequest, c: SandboxRouteContext) => SandboxResponse): SandboxRoute['handler'] =>
    (request, context) => {
      const state = stateOf(context, limits);
      const now = context.now();
      const isSearch = request.path.endsWith('/search');
      let headers: Record<string, string> = {};
      if (isSearch) {
        const taken = state.limits.search.take(now);
        if (!taken.allowed) return rateLimited(state.limits, 'SECONDLY', taken.retryAfterMs, {});
      } else {
        if (state.limits.daily.used >= state.limits.daily.max) return rateLimited(state.limits, 'DAILY', 60_000, {});
        const taken = state.limits.tenSecondly.take(now);
        headers = {
          'x-hubspot-ratelimit-max': String(limits.tenSecondly.max),
          'x-hubspot-ratelimit-remaining': String(taken.remaining),
          'x-hubspot-ratelimit-interval-milliseconds': String(limits.tenSecondly.intervalMs),
          'x-hubspot-ratelimit-daily': String(limits.daily),
          'x-hubspot-ratelimit-daily-remaining': String(Math.max(0, state.limits.daily.max - state.limits.daily.used - (taken.allowed ? 1 : 0))),
        };
        if (!taken.allowed) return rateLimited(state.limits, 'TEN_SECONDLY_ROLLING', taken.retryAfterMs, headers);
        state.limits.daily.used++;
      }
      const needed = scope?.(request);
      if (needed && !scopes.includes(needed)) {
        const answer = error(state, 403, 'MISSING_SCOPES', 'This app hasn\'t been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.', {
          subCategory: 'MISSING_SCOPES', context: { requiredGranularScopes: [needed], missingScopes: [needed] },
          errors: [{ message: 'One or more of the following scopes are required.', context: { requiredScopes: [needed] } }],
        });
        return { ...answer, headers: { ...headers, ...answer.headers } };
      }
      const answer = handler(state, request, context);
      return { ...answer, headers: { 'x-hubspot-correlation-id': correlationId(state.limits), ...headers, ...answer.headers } };
    };
  const readScope = (r: SandboxRequest) => SCOPE[r.params['objectType'] as ObjectType]?.read;
  const writeScope = (r: SandboxRequest) => SCOPE[r.params['objectType'] as ObjectType]?.write;
  const withType = (handler: (state: State, r: SandboxRequest, type: ObjectType, c: SandboxRouteContext) => SandboxResponse) => (state: State, r: SandboxRequest, c: SandboxRouteContext) => {
    const type = objectType(state, r);
    return typeof type === 'string' ? handler(state, r, type, c) : type;
  };

  const routes: SandboxRoute[] = [
    { method: 'GET', path: '/account-info/v3/details', handler: guarded(undefined, () => ({ body: { portalId: HUBSPOT_SANDBOX_PORTAL_ID, accountType: 'SANDBOX', timeZone: 'US/Eastern', companyCurrency: 'USD', additionalCurrencies: [], utcOffset: '-05:00', utcOffsetMilliseconds: -18_000_000, uiDomain: 'app.hubspot.com', dataHostingLocation: 'na1' } })) },
    {
      method: 'GET', path: '/oauth/v1/access-tokens/:token', auth: false,
      handler: guarded(undefined, (state, r) => (r.params['token']?.startsWith('sbx_at_') ? { body: { token: r.params['token'], user: 'sandbox@example.com', hub_domain: 'sandbox.example.com', scopes, hub_id: HUBSPOT_SANDBOX_PORTAL_ID, app_id: 1001, expires_in: 1800, user_id: 7, token_type: 'access' } } : error(state, 404, 'OBJECT_NOT_FOUND', 'access token not found'))),
    },
    { method: 'POST', path: '/oauth/v2/private-apps/get/access-token-info', handler: guarded(undefined, (state, r) => ((r.body as Json)?.['tokenKey'] === HUBSPOT_SANDBOX_PRIVATE_APP_TOKEN ? { body: { userId: 7, hubId: HUBSPOT_SANDBOX_PORTAL_ID, appId: 2002, scopes } } : error(state, 404, 'OBJECT_NOT_FOUND', 'token not found'))) },
    { method: 'GET', path: '/crm/v3/properties/:objectType', handler: guarded(undefined, withType((_s, _r, type) => ({ body: { results: PROPERTY_DEFINITIONS[type] } }))) },
    { method: 'GET', path: '/crm/v3/properties/:objectType/:name', handler: guarded(undefined, withType((s, r, type) => { const d = PROPERTY_DEFINITIONS[type].find((p) => p['name'] === r.params['name']); return d ? { body: d } : error(s, 404, 'OBJECT_NOT_FOUND', `Unable to find property ${r.params['name']}`); })) },
    { method: 'POST', path: '/crm/v3/objects/:objectType/search', handler: guarded(readScope, withType((s, r, type) => search(s, r, type))) },
    { method: 'POST', path: '/crm/v3/objects/:objectType/batch/:action', handler: guarded(writeScope, (s, r, c) => batch(s, r, c)) },
    { method: 'GET', path: '/crm/v3/objects/:objectType', handler: guarded(readScope, withType((s, r, type) => list(s, r, type))) },
    {
      method: 'GET', path: '/crm/v3/objects/:objectType/:id',
      handler: guarded(readScope, withType((s, r, type) => {
        const found = findBy(s, type, r.params['id']!, r.query.get('idProperty'));
        if (!found) return error(s, 404, 'OBJECT_NOT_FOUND', `Object not found.  objectId are usually numeric.`, { context: { id: [r.params['id']] } });
        const withAssociations = propertyList(r.query.get('associations'));
        return { body: { ...project(found, type, propertyList(r.query.get('properties'))), ...(withAssociations ? { associations: associationsOf(s, type, found.id, withAssociations) } : {}) } };
      })),
    },
    {
      method: 'POST', path: '/crm/v3/objects/:objectType',
      handler: guarded(writeScope, withType((s, r, type, c) => {
        const properties = ((r.body as Json)?.['properties'] ?? {}) as Json;
        const problem = invalid(type, properties);
        if (problem) return error(s, 400, 'VALIDATION_ERROR', `Property values were not valid: ${problem.message}`, { errors: [{ message: problem.message, in: problem.in, code: 'INVALID_EMAIL' }] });
        if (type === 'contacts' && properties['email'] && findBy(s, type, String(properties['email']), 'email')) return error(s, 409, 'CONFLICT', `Contact already exists. Existing ID: ${findBy(s, type, String(properties['email']), 'email')!.id}`);
        return { status: 201, body: project(write(s, type, undefined, properties, c.now()), type, Object.keys(properties)) };
      })),
    },
    {
      method: 'PATCH', path: '/crm/v3/objects/:objectType/:id',
      handler: guarded(writeScope, withType((s, r, type, c) => {
        const found = findBy(s, type, r.params['id']!, r.query.get('idProperty'));
        if (!found) return error(s, 404, 'OBJECT_NOT_FOUND', 'Object not found.');
        const properties = ((r.body as Json)?.['properties'] ?? {}) as Json;
        const problem = invalid(type, properties);
        if (problem) return error(s, 400, 'VALIDATION_ERROR', `Property values were not valid: ${problem.message}`, { errors: [{ message: problem.message, in: problem.in }] });
        return { body: project(write(s, type, found, properties, c.now()), type, Object.keys(properties)) };
      })),
    },
    {
      method: 'DELETE', path: '/crm/v3/objects/:objectType/:id',
      handler: guarded(writeScope, withType((s, r, type, c) => {
        const found = findBy(s, type, r.params['id']!);
        if (found) Object.assign(found, { archived: true, updatedAt: iso(c.now()) });
        return { status: 204 };
      })),
    },
    {
      method: 'GET', path: '/crm/v4/objects/:from/:id/associations/:to',
      handler: guarded(undefined, (s, r) => {
        const ids = [...(s.associations.get(`${r.params['from']}:${r.params['id']}:${r.params['to']}`) ?? [])].sort();
        const limit = Math.min(500, Number(r.query.get('limit') ?? 500) || 500);
        const start = r.query.get('after') ? Number(r.query.get('after')) : 0;
        const page = ids.slice(start, start + limit);
        return { body: { results: page.map((id) => ({ toObjectId: Number(id), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 3, label: null }] })), ...(start + limit < ids.length ? { paging: { next: { after: String(start + limit) } } } : {}) } };
      }),
    },
    { method: 'PUT', path: '/crm/v4/objects/:from/:fromId/associations/default/:to/:toId', handler: guarded(undefined, (s, r) => (link(s.associations, r.params['from']!, r.params['fromId']!, r.params['to']!, r.params['toId']!), { status: 200, body: { status: 'COMPLETE', results: [] } })) },
    { method: 'PUT', path: '/crm/v4/objects/:from/:fromId/associations/:to/:toId', handler: guarded(undefined, (s, r) => (link(s.associations, r.params['from']!, r.params['fromId']!, r.params['to']!, r.params['toId']!), { body: { fromObjectTypeId: r.params['from'], fromObjectId: Number(r.params['fromId']), toObjectTypeId: r.params['to'], toObjectId: Number(r.params['toId']), labels: [] } })) },
    {
      method: 'DELETE', path: '/crm/v4/objects/:from/:fromId/associations/:to/:toId',
      handler: guarded(undefined, (s, r) => {
        s.associations.get(`${r.params['from']}:${r.params['fromId']}:${r.params['to']}`)?.delete(r.params['toId']!);
        s.associations.get(`${r.params['to']}:${r.params['toId']}:${r.params['from']}`)?.delete(r.params['fromId']!);
        return { status: 204 };
      }),
    },
    {
      method: 'POST', path: '/crm/v4/associations/:from/:to/batch/read',
      handler: guarded(undefined, (s, r, c) => {
        const inputs = (((r.body as Json)?.['inputs'] ?? []) as Json[]).map((i) => String(i['id']));
        const results = inputs.map((id) => ({ from: { id }, to: [...(s.associations.get(`${r.params['from']}:${id}:${r.params['to']}`) ?? [])].map((toId) => ({ toObjectId: Number(toId), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 3, label: null }] })) }));
        return batchAnswer(results, [], c.now());
      }),
    },
  ];

  return {
    name: options.name ?? 'hubspot',
    auth: oauth
      ? { kind: 'oauth2', tokenPath: '/oauth/v1/token', accessTokenTtlSeconds: options.tokenTtlSeconds ?? 1800, clients: [{ clientId: HUBSPOT_SANDBOX_CLIENT_ID, clientSecret: HUBSPOT_SANDBOX_CLIENT_SECRET }], refreshTokens: [HUBSPOT_SANDBOX_REFRESH_TOKEN] }
      : { kind: 'bearer', tokens: [HUBSPOT_SANDBOX_PRIVATE_APP_TOKEN], schemes: ['Bearer'] },
    errorBody: (status, message) => ({
      status: 'error', message, correlationId: 'sandbox-generated',
      category: status === 401 ? 'INVALID_AUTHENTICATION' : status === 429 ? 'RATE_LIMITS' : status === 404 ? 'OBJECT_NOT_FOUND' : status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR',
    }),
    data: seed(options) as unknown as Record<string, readonly unknown[]>,
    webhooks: { scheme: hubspotV3Scheme, secret: HUBSPOT_SANDBOX_CLIENT_SECRET },
    routes,
  };
}

/**
 * Sample deliveries for `sandbox.sendWebhooks({ provider: 'hubspot', events: hubspotSandboxWebhookEvents(), url })`:
 * batches as HubSpot sends them (a JSON array of events). The last batch repeats an event of the
 * first with a higher `attemptNumber`, as a HubSpot retry does, so receivers must dedupe per `eventId`.
 */
export function hubspotSandboxWebhookEvents(options: { portalId?: number; at?: number } = {}): SandboxWebhookEvent[] {
  const portalId = options.portalId ?? HUBSPOT_SANDBOX_PORTAL_ID;
  const at = options.at ?? BASE_MS + 86_400_000;
  const event = (eventId: number, subscriptionType: string, objectId: number, extra: Json = {}) => ({
    eventId, subscriptionId: 4000 + (eventId % 7), portalId, appId: 1001, occurredAt: at + eventId, subscriptionType, attemptNumber: 0, objectId, changeSource: 'CRM_UI', ...extra,
  });
  const first = [
    event(1001, 'contact.creation', 100_001, { changeFlag: 'CREATED' }),
    event(1002, 'contact.propertyChange', 100_002, { propertyName: 'email', propertyValue: 'renamed@example.com' }),
    event(1003, 'deal.propertyChange', 300_001, { propertyName: 'dealstage', propertyValue: 'closedwon' }),
  ];
  const second = [event(1004, 'deal.creation', 300_121, { changeFlag: 'CREATED' }), event(1005, 'company.propertyChange', 200_003, { propertyName: 'name', propertyValue: 'Renamed Inc.' })];
  const retry = [{ ...first[1]!, attemptNumber: 1 }, event(1006, 'contact.deletion', 100_010, { changeFlag: 'DELETED' })];
  return [
    { id: 'batch-1', type: 'batch', payload: first },
    { id: 'batch-2', type: 'batch', payload: second },
    { id: 'batch-3', type: 'batch', payload: retry },
  ];
}
