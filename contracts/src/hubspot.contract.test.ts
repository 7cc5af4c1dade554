import { accountDetailsSchema, contactSchema, hubspot } from '@connectors/hubspot';
import { HUBSPOT_SANDBOX_PRIVATE_APP_TOKEN, hubspotSandboxProvider } from '@connectors/hubspot/sandbox';
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

  it('verifyCredentials reads the account details', async () => {
    await pact
      .addInteraction()
      .given(STATE)
      .uponReceiving('a request for the account details')
      .withRequest('GET', '/account-info/v3/details', (b) => b.headers(auth))
      .willRespondWith(200, (b) => b.jsonBody(contractShape(accountDetailsSchema, accountDetails)))
      .executeTest(async (server) => {
        expect((await connect(server.url).verifyCredentials()).identity).toContain(String(accountDetails.portalId));
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
