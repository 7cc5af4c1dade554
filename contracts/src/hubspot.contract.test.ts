import { accountDetailsSchema, contactSchema, hubspot } from '@connectors/hubspot';
import { HUBSPOT_SANDBOX_PRIVATE_APP_TOKEN, hubspotSandboxProvider } from '@connectors/hubspot/sandbox';
import { MatchersV3 } from '@pact-foundation/pact';
import { describe, expect, it } from 'vitest';
import accountDetails from '../../packages/hubspot/src/account/__fixtures__/account-details.json' with { type: 'json' };
import contact from '../../packages/hubspot/src/crm/__fixtures__/contact.json' with { type: 'json' };
import { consumerPact, contractShape, listShape, pactFile, verifyAgainstSandbox } from './contract-kit.ts';

// What @connectors/hubspot expects of HubSpot's CRM API: the requests its operations send (a private
// app token as Bearer, as `HUBSPOT_ACCESS_TOKEN` holds) and the responses its schemas accept, shaped
// by its fixtures. Replayed against the HubSpot sandbox provider in its private-app mode.
const CONSUMER = 'connectors-hubspot';
const PROVIDER = 'hubspot';
const STATE = 'the seeded sandbox portal';
// The sandbox's first seeded contact (contacts are numbered from 100001).
const CONTACT_ID = '100001';
const auth = { Authorization: `Bearer ${HUBSPOT_SANDBOX_PRIVATE_APP_TOKEN}` };
const connect = (baseUrl: string) => hubspot.create({ accessToken: HUBSPOT_SANDBOX_PRIVATE_APP_TOKEN, baseUrl, retry: { maxAttempts: 1 } });

describe('HubSpot contract', () => {
  const pact = consumerPact(CONSUMER, PROVIDER);

  // verifyCredentials() makes two calls (the portal, then the token's hub and scopes); Pact's mock
  // serves one interaction per test, so each call has its own.
  it('account.details reads the portal (the first call of verifyCredentials)', async () => {
    await pact
      .addInteraction()
      .given(STATE)
      .uponReceiving('a request for the account details')
      .withRequest('GET', '/account-info/v3/details', (b) => b.headers(auth))
      .willRespondWith(200, (b) => b.jsonBody(contractShape(accountDetailsSchema, accountDetails)))
      .executeTest(async (server) => {
        expect((await connect(server.url).account.details()).portalId).toBe(accountDetails.portalId);
      });
  });

  it('account.tokenInfo reads the private app token\'s hub and scopes (the second call)', async () => {
    await pact
      .addInteraction()
      .given(STATE)
      .uponReceiving('a request for the private app token\'s hub and scopes')
      .withRequest('POST', '/oauth/v2/private-apps/get/access-token-info', (b) =>
        b.headers({ ...auth, 'Content-Type': 'application/json' }).jsonBody({ tokenKey: HUBSPOT_SANDBOX_PRIVATE_APP_TOKEN }),
      )
      // HubSpot's documented answer: { userId, hubId, appId, scopes }; the connector relies on hubId and scopes.
      .willRespondWith(200, (b) => b.jsonBody({ hubId: MatchersV3.like(accountDetails.portalId), scopes: MatchersV3.eachLike('crm.objects.contacts.read') }))
      .executeTest(async (server) => {
        const info = await connect(server.url).account.tokenInfo();
        expect(info).toMatchObject({ hubId: accountDetails.portalId, kind: 'private-app' });
        expect(info.scopes.length).toBeGreaterThan(0);
      });
  });

  it('contacts.get reads one contact', async () => {
    await pact
      .addInteraction()
      .given(STATE)
      .uponReceiving('a request for a seeded contact')
      .withRequest('GET', `/crm/v3/objects/contacts/${CONTACT_ID}`, (b) => b.headers(auth))
      .willRespondWith(200, (b) => b.jsonBody(contractShape(contactSchema, contact)))
      .executeTest(async (server) => {
        expect((await connect(server.url).contacts.get(CONTACT_ID)).id).toBe(contact.id);
      });
  });

  it('contacts.list reads the first page of contacts', async () => {
    await pact
      .addInteraction()
      .given(STATE)
      .uponReceiving('a request for the first page of contacts')
      .withRequest('GET', '/crm/v3/objects/contacts', (b) => b.headers(auth).query({ limit: '100' }))
      .willRespondWith(200, (b) => b.jsonBody({ results: listShape(contactSchema, [contact]) }))
      .executeTest(async (server) => {
        const ids: string[] = [];
        for await (const item of connect(server.url).contacts.list()) ids.push(item.id);
        expect(ids).toEqual([contact.id]);
      });
  });

  it('the HubSpot sandbox provider honours the contract', async () => {
    await verifyAgainstSandbox({ provider: PROVIDER, sandbox: hubspotSandboxProvider({ auth: 'private-app' }), pactFile: pactFile(CONSUMER, PROVIDER), states: [STATE] });
  });
});
