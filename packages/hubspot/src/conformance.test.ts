import { memoryTokenStore, type CommonConnectorOptions } from '@connectors/core';
import nock from 'nock';
import { describeConnectorConformance } from '@connectors/testing/conformance';
import account from './account/__fixtures__/account-details.json' with { type: 'json' };
import contact from './crm/__fixtures__/contact.json' with { type: 'json' };
import { hubspot } from './hubspot-connector.ts';
import contactBatch from './webhooks/__fixtures__/contact-batch.json' with { type: 'json' };
import { hubspotV3Scheme, verifyHubSpotWebhook } from './webhooks/hubspot-webhooks.ts';

const TOKEN = 'pat-na1-conformance-0000-0000-000000000000';
const REFRESH = 'na1-conformance-refresh-token';
const SECRET = 'conformance-client-secret';
const API = 'https://api.hubapi.com';
const page = (ids: string[], after?: string) => ({ results: ids.map((id) => ({ ...contact, id })), ...(after ? { paging: { next: { after, link: `${API}/crm/v3/objects/contacts?after=${after}` } } } : {}) });

/** verifyCredentials makes a second call for the token's scopes: answer it wherever the suite builds a client. */
function withTokenInfo(common: CommonConnectorOptions) {
  nock(API).post('/oauth/v2/private-apps/get/access-token-info').optionally().reply(200, { userId: 7, hubId: 62515, appId: 2002, scopes: ['crm.objects.contacts.read'] });
  return hubspot.create({ accessToken: TOKEN, ...common });
}

describeConnectorConformance(hubspot, {
  create: withTokenInfo,
  baseUrl: API,
  secrets: [TOKEN, REFRESH, SECRET],
  credentials: {
    method: 'GET',
    path: '/account-info/v3/details',
    ok: { status: 200, body: account },
    identity: 'hub 62515 (standard), scopes: crm.objects.contacts.read',
    unauthorized: { status: 401, body: { status: 'error', message: 'Authentication credentials not found.', correlationId: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890', category: 'INVALID_AUTHENTICATION' } },
  },
  sample: {
    method: 'GET',
    path: '/crm/v3/objects/contacts/512',
    call: (client) => client.contacts.get('512'),
    ok: { status: 200, body: contact },
    corrupt: (body) => ({ ...(body as object), properties: 'none' }),
  },
  pagination: {
    call: async (client) => {
      const all: unknown[] = [];
      for await (const item of client.contacts.list()) all.push(item);
      return all;
    },
    pages: [
      { method: 'GET', path: '/crm/v3/objects/contacts', query: { limit: '100' }, response: { status: 200, body: page(['1', '2'], '2') } },
      { method: 'GET', path: '/crm/v3/objects/contacts', query: { limit: '100', after: '2' }, response: { status: 200, body: page(['3', '4'], '4') } },
      { method: 'GET', path: '/crm/v3/objects/contacts', query: { limit: '100', after: '4' }, response: { status: 200, body: page(['5']) } },
    ],
    expectedItems: 5,
  },
  oauth: {
    create: (common) => hubspot.create({ oauth: { clientId: 'conformance-client', clientSecret: SECRET, refreshToken: REFRESH, store: memoryTokenStore() }, ...common }),
    token: { url: `${API}/oauth/v1/token`, method: 'POST', response: { status: 200, body: { token_type: 'bearer', refresh_token: REFRESH, access_token: 'CJSP5qf1KhICAQEYs-gDIIGOBii1hQIyGQ', expires_in: 1800, hub_id: 62515, scopes: ['oauth', 'crm.objects.contacts.read'] } } },
  },
  webhook: {
    scheme: hubspotV3Scheme,
    secret: SECRET,
    payload: contactBatch,
    verify: (delivery) => verifyHubSpotWebhook({ body: delivery.body, headers: delivery.headers, secret: delivery.secret, method: delivery.method, url: delivery.url }),
  },
});
