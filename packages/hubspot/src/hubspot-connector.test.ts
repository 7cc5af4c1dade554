import { startSandbox } from '@connectors/testing/sandbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hubspot } from './hubspot-connector.ts';
import { HUBSPOT_SANDBOX_PRIVATE_APP_TOKEN, hubspotSandboxProvider } from './sandbox/hubspot-sandbox-provider.ts';

// A sandbox per test: its own search limit (3 per second) must not still count the searches of the test
// before (in CI the second test's third search met a 429 from the first test's last window, and its retry
// waited at the budget a second time).
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
beforeEach(async () => {
  sandbox = await startSandbox({ providers: [hubspotSandboxProvider({ auth: 'private-app', search: { max: 3, intervalMs: 1000 } })] });
});
afterEach(() => sandbox.stop());

describe('hubspot connector: search route budget and listing', () => {
  it('paces search on its own budget (no 429) without slowing other calls', async () => {
    const client = hubspot.create({ accessToken: HUBSPOT_SANDBOX_PRIVATE_APP_TOKEN, baseUrl: sandbox.urlFor('hubspot'), limits: { search: { requests: 3, per: '1s' } } });
    const started = Date.now();
    let searchesDone = 0;
    const searches = Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        client.deals.search({ filterGroups: [{ filters: [{ propertyName: 'dealname', operator: 'EQ', value: `Deal ${i + 1}` }] }] }, { limit: 10 }).pages().next().then((page) => {
          searchesDone++;
          return page;
        }),
      ),
    );
    // GETs are not queued behind the searches: they are all done while the searches of the later
    // windows still wait (an order, not a wall-clock bound, so a loaded machine cannot fail it).
    await Promise.all(Array.from({ length: 5 }, (_, i) => client.deals.get(String(300_001 + i))));
    const searchesDoneWhenGetsWere = searchesDone;
    const pages = await searches;
    expect(pages.map((p) => (p.value ? p.value.items.length : -1))).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(searchesDoneWhenGetsWere).toBeLessThanOrEqual(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900); // 7 searches at 3 per second: three windows
    expect(sandbox.stats().statuses[429]).toBeUndefined();
  });

  it("an app's own rateLimit.routes add to the search budget instead of replacing it", async () => {
    const throttled: string[] = [];
    const client = hubspot.create({
      accessToken: HUBSPOT_SANDBOX_PRIVATE_APP_TOKEN, baseUrl: sandbox.urlFor('hubspot'), limits: { search: { requests: 3, per: '1s' } },
      rateLimit: { routes: { 'GET /crm/v3/owners': { concurrency: 2 } } },
      onEvent: (e) => void (e.type === 'throttled' && e.reason === 'declared-budget' && throttled.push(e.operation)),
    });
    await Promise.all(Array.from({ length: 4 }, (_, i) => client.deals.search({ filterGroups: [{ filters: [{ propertyName: 'dealname', operator: 'EQ', value: `Deal ${i + 1}` }] }] }, { limit: 10 }).pages().next()));
    // The fourth search waits for the next second of the search budget.
    expect(throttled).toHaveLength(1);
    expect(sandbox.stats().statuses[429]).toBeUndefined();
  });

  it('pages any search through the instance paginate with the search listing (after in the body)', async () => {
    const client = hubspot.create({ accessToken: HUBSPOT_SANDBOX_PRIVATE_APP_TOKEN, baseUrl: sandbox.urlFor('hubspot'), limits: { search: { requests: 3, per: '1s' } } });
    const ids: string[] = [];
    for await (const item of client.paginate({ method: 'POST', path: '/crm/v3/objects/{objectType}/search', params: { objectType: 'companies' }, body: { properties: ['name'] } })) {
      ids.push((item as { id: string }).id);
    }
    expect(new Set(ids).size).toBe(40);
  });
});
