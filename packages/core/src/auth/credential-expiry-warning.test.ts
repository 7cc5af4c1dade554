import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../http/create-http-client.ts';
import { collector, manualClock } from './__fixtures__/auth-test-kit.ts';
import { apiKeyAuth } from './api-key-auth.ts';

const API = 'https://api.acme.test';
const DAY = 86_400_000;

beforeEach(() => {
  nock.disableNetConnect();
  process.env.ACME_EXPIRING_KEY = 'ak_test_7788990011223344';
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  delete process.env.ACME_EXPIRING_KEY;
});

describe('credential-expiring events', () => {
  it('reports a key inside the 14-day window once per day, not on every call', async () => {
    const clock = manualClock(Date.UTC(2026, 2, 1, 9));
    const events = collector();
    const auth = apiKeyAuth({ header: 'X-Api-Key', env: 'ACME_EXPIRING_KEY', expiresAt: new Date(Date.UTC(2026, 2, 21, 9)) });
    const http = createHttpClient({ connector: 'acme', baseUrl: API, auth, clock, onEvent: events.onEvent });
    nock(API).get('/me').times(20).reply(200, {});

    await http.request({ path: '/me' }); // 20 days left: outside the window
    expect(events.of('credential-expiring')).toHaveLength(0);
    clock.advance(7 * DAY); // 13 days left
    for (let i = 0; i < 5; i++) await http.request({ path: '/me' });
    clock.advance(3 * 3_600_000); // same day
    await http.request({ path: '/me' });
    expect(events.of('credential-expiring')).toEqual([
      expect.objectContaining({ credential: 'ACME_EXPIRING_KEY', expiresAt: '2026-03-21T09:00:00.000Z', daysLeft: 13, operation: 'GET /me' }),
    ]);
    clock.advance(DAY); // the next day: one more reminder
    await http.request({ path: '/me' });
    await http.request({ path: '/me' });
    expect(events.of('credential-expiring').map((e) => e.daysLeft)).toEqual([13, 11]); // 11 d 21 h left: whole days, rounded down
    expect(JSON.stringify(events.events)).not.toContain('ak_test_7788990011223344');
  });

  it('follows a configurable window, a rotated expiry, and can be turned off', async () => {
    const clock = manualClock(Date.UTC(2026, 2, 1));
    const events = collector();
    const auth = apiKeyAuth({ header: 'X-Api-Key', env: 'ACME_EXPIRING_KEY', expiresAt: Date.UTC(2026, 2, 25), credential: 'acme-key' });
    const http = createHttpClient({ connector: 'acme', baseUrl: API, auth, clock, onEvent: events.onEvent, credentialExpiryWarningMs: 30 * DAY });
    nock(API).get('/me').times(5).reply(200, {});
    await http.request({ path: '/me' });
    expect(events.of('credential-expiring')).toEqual([expect.objectContaining({ credential: 'acme-key', daysLeft: 24 })]);

    auth.rotate('ak_test_new_556677889900', { expiresAt: '2027-03-01T00:00:00Z' });
    clock.advance(DAY);
    await http.request({ path: '/me' });
    expect(events.of('credential-expiring')).toHaveLength(1);

    const silent = collector();
    const quiet = createHttpClient({ connector: 'acme', baseUrl: API, auth: apiKeyAuth({ header: 'X-Api-Key', value: 'k-123456', expiresAt: Date.UTC(2026, 2, 3) }), clock, onEvent: silent.onEvent, credentialExpiryWarningMs: 0 });
    await quiet.request({ path: '/me' });
    expect(silent.of('credential-expiring')).toHaveLength(0);
    expect(() => createHttpClient({ connector: 'acme', baseUrl: API, credentialExpiryWarningMs: -1 })).toThrow(/credentialExpiryWarningMs/);
  });

  it('reports an already expired key with a negative daysLeft', async () => {
    const clock = manualClock(Date.UTC(2026, 2, 10));
    const events = collector();
    const auth = apiKeyAuth({ header: 'X-Api-Key', env: 'ACME_EXPIRING_KEY', expiresAt: Date.UTC(2026, 2, 8) });
    nock(API).get('/me').reply(200, {});
    await createHttpClient({ connector: 'acme', baseUrl: API, auth, clock, onEvent: events.onEvent }).request({ path: '/me' });
    expect(events.of('credential-expiring')[0]!.daysLeft).toBe(-2);
  });
});
