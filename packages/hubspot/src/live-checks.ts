// Read-only checks `pnpm test:live --filter @connectors/hubspot` runs against api.hubapi.com when
// HUBSPOT_ACCESS_TOKEN (the connector's default token variable: a private app's token) is set (see
// scripts/test-live.ts). GET reads only: nothing is created, updated, archived or searched for.
// Scopes the token needs: crm.objects.contacts.read, crm.objects.companies.read.
import { hubspot } from './hubspot-connector.ts';

type HubSpot = ReturnType<typeof hubspot.create>;

export const liveChecks = {
  env: ['HUBSPOT_ACCESS_TOKEN'],
  create: (common: Parameters<typeof hubspot.create>[0]) => hubspot.create({ ...common }),
  checks: [
    { name: 'verifyCredentials (GET /account-info/v3/details)', run: (client: HubSpot) => client.verifyCredentials() },
    { name: 'contacts.list (first 50)', run: (client: HubSpot) => take(client.contacts.list({ limit: 50 }), 50) },
    {
      name: 'contacts.get of the first listed contact',
      run: async (client: HubSpot) => {
        const [first] = await take(client.contacts.list({ limit: 1 }), 1);
        return first ? client.contacts.get(first.id) : undefined;
      },
    },
    { name: 'companies.list (first 50)', run: (client: HubSpot) => take(client.companies.list({ limit: 50 }), 50) },
  ],
};

async function take<T>(items: AsyncIterable<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) if (out.push(item) >= count) break;
  return out;
}
