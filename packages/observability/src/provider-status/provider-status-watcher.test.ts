import { createHttpClient, type ConnectorEventOf } from '@connectors/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeStatusPage } from '../__fixtures__/fake-status-page.ts';
import { createObservability } from '../observe/create-observability.ts';
import { createProviderStatusWatcher, nextPollDelay, parseStatuspageSummary } from './provider-status-watcher.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('createProviderStatusWatcher', () => {
  it('follows a status page that degrades and recovers; health degrades, and an unreachable page never fails it', async () => {
    const page = await startFakeStatusPage();
    cleanups.push(() => page.close());
    const events: ConnectorEventOf<'provider-status'>[] = [];
    const watcher = createProviderStatusWatcher({ pages: { github: page.url }, onEvent: (e) => e.type === 'provider-status' && events.push(e) });
    const observability = createObservability({ providerStatus: watcher, evaluateEveryMs: 0 });
    cleanups.push(() => observability.close());
    const client = createHttpClient({ connector: 'github', baseUrl: 'http://127.0.0.1:9' });
    observability.observe(client);

    await watcher.poll();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ connector: 'github', reachable: true, indicator: 'none', components: [], incidents: [], page: page.url });
    expect(observability.health().status).toBe('ok');

    // Unchanged: a conditional request answered 304, and no new event.
    await watcher.poll();
    expect(page.requests.at(-1)).toMatchObject({ status: 304 });
    expect(page.requests.at(-1)!.ifNoneMatch).toMatch(/^W\/"/);
    expect(events).toHaveLength(1);

    page.set('degraded');
    await watcher.poll();
    expect(page.requests.at(-1)!.status).toBe(200);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      reachable: true,
      indicator: 'minor',
      components: [{ name: 'API Requests', status: 'partial_outage' }],
      incidents: [{ name: 'Incident with API Requests', status: 'investigating', impact: 'minor', url: 'https://stspg.io/x1' }],
    });
    const degraded = observability.health();
    expect(degraded.status).toBe('degraded');
    expect(degraded.connectors['github']!.reasons).toEqual([
      expect.objectContaining({ code: 'provider-incident', severity: 'degraded', message: expect.stringContaining('github: provider reports an incident: Incident with API Requests (investigating)') }),
    ]);
    expect(observability.snapshot().connectors[0]!.provider).toMatchObject({ indicator: 'minor' });

    // The status page itself goes down: the watcher says so, health says nothing about the provider.
    page.set('down');
    await watcher.poll();
    expect(events.at(-1)).toMatchObject({ reachable: false, indicator: 'unknown', description: expect.stringContaining('503') });
    expect(observability.health().status).toBe('ok');
    await page.close();
    await watcher.poll(); // connection refused: still not a reason
    expect(observability.health().status).toBe('ok');
    expect(events.at(-1)).toMatchObject({ reachable: false });

    const back = await startFakeStatusPage();
    cleanups.push(() => back.close());
    const recovered = createProviderStatusWatcher({ pages: { github: back.url } });
    const stop = recovered.subscribe((e) => observability.snapshot() && e.type === 'provider-status' && events.push(e));
    cleanups.push(stop);
    await recovered.poll();
    expect(events.at(-1)).toMatchObject({ reachable: true, indicator: 'none' });
  });

  it('backs off exponentially with jitter while a page fails, and polls at the interval while it answers', () => {
    expect(nextPollDelay(0, 60_000, 900_000, () => 0.5)).toBe(60_000);
    expect(nextPollDelay(1, 60_000, 900_000, () => 0.5)).toBe(120_000);
    expect(nextPollDelay(3, 60_000, 900_000, () => 0.5)).toBe(480_000);
    expect(nextPollDelay(10, 60_000, 900_000, () => 0.5)).toBe(900_000);
    expect(nextPollDelay(0, 60_000, 900_000, () => 0)).toBe(48_000);
    expect(nextPollDelay(0, 60_000, 900_000, () => 0.999)).toBe(71_976);
  });

  it('schedules the next poll in the background and backs off after a failure', async () => {
    const page = await startFakeStatusPage();
    cleanups.push(() => page.close());
    page.set('down');
    let now = 1_000_000;
    const watcher = createProviderStatusWatcher({ pages: { github: page.url }, intervalMs: 60_000, clock: { now: () => now }, random: () => 0.5 });
    cleanups.push(() => watcher.stop());
    const first = new Promise<void>((resolve) => watcher.subscribe(() => resolve()));
    watcher.start();
    await first;
    await new Promise((r) => setTimeout(r, 20));
    expect(watcher.nextPollAt('github')).toBe(now + 120_000);
    watcher.stop();
    expect(watcher.nextPollAt('github')).toBeUndefined();
    now += 1;
  });

  it('refuses a page that is not a URL and a summary that is not Statuspage', () => {
    expect(() => createProviderStatusWatcher({ pages: { github: 'githubstatus' } })).toThrow(/pages\.github must be the status page's URL/);
    expect(() => parseStatuspageSummary({ hello: 1 })).toThrow(/not a Statuspage summary/);
    expect(parseStatuspageSummary({ status: { indicator: 'major', description: 'Partial System Outage' }, components: [{ name: 'API', status: 'major_outage' }], incidents: [{ name: 'old', status: 'resolved' }], scheduled_maintenances: [{ name: 'DB upgrade', status: 'in_progress', impact: 'maintenance' }] })).toEqual({
      indicator: 'major',
      description: 'Partial System Outage',
      components: [{ name: 'API', status: 'major_outage' }],
      incidents: [{ name: 'DB upgrade', status: 'in_progress', impact: 'maintenance' }],
    });
  });
});
