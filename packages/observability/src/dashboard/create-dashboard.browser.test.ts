// The dashboard in a real browser: Debian's Chromium driven by playwright-core (no browser download).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_TOKEN, startDashboardApp } from '../__fixtures__/dashboard-app.ts';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Sums the samples of a metric in the Prometheus text format whose labels include `labels`. */
function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) found[pair[1]!] = pair[2]!;
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) total += Number(match[3]);
  }
  return total;
}

let app: Awaited<ReturnType<typeof startDashboardApp>>;
let context: BrowserContext;
let profile: string;
const consoleErrors: string[] = [];

beforeAll(async () => {
  app = await startDashboardApp({ operatorToken: OPERATOR_TOKEN });
  profile = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'));
  // A fresh profile per run; playwright passes it as --user-data-dir.
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1360, height: 1500 } });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await app?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function open(): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  await page.goto(`${app.url}/dashboard`);
  await page.waitForSelector('body[data-loaded]');
  return page;
}

const field = (page: Page, connector: string, name: string) => page.locator(`[data-connector="${connector}"][data-field="${name}"]`).first().textContent();

// Chromium on 2 cores beside nine other test suites has needed more than vitest's 20 s for one test: 60 s is a
// hang bound, not a speed target (Playwright's own 30 s wait on a missing element still names it).
describe('dashboard in headless Chromium', { timeout: 60_000 }, () => {
  it('loads without console errors and shows the numbers /metrics exports for a scripted run', async () => {
    await app.script();
    await app.deadLetter('1001', { action: 'opened', issue: { title: null, user: { login: 'octocat' } }, token: `ghp_${'a'.repeat(36)}` });
    await app.deadLetter('1002', { action: 'edited', issue: { title: null } });

    const page = await open();
    // Wait for a refresh that has seen the dead letters.
    await page.waitForSelector('[data-queue="webhooks"][data-field="depth"]:text("2")');
    const metrics = await (await fetch(`${app.url}/metrics`)).text();

    for (const connector of ['github', 'stripe']) {
      const attempts = metric(metrics, 'connector_requests_total', { connector });
      expect(attempts).toBeGreaterThan(0);
      expect(Number(await field(page, connector, 'attempts'))).toBe(attempts);
      expect(Number(await field(page, connector, 'rate-limited'))).toBe(metric(metrics, 'connector_rate_limited_total', { connector }));
      expect(Number(await field(page, connector, 'pacing-waits'))).toBe(metric(metrics, 'connector_throttle_waits_total', { connector }));
    }
    // github: 12 + 3 successes, 4 failed for good (404), 2 calls that got a 429 first then succeeded.
    expect(Number(await field(page, 'github', 'attempts'))).toBe(12 + 3 + 4 + 4);
    expect(metric(metrics, 'connector_requests_total', { connector: 'github', outcome: 'failed' })).toBe(4);
    expect(Number(await field(page, 'github', 'failed-calls'))).toBe(4);
    expect(await field(page, 'github', 'error-rate')).toBe(`${((4 / 21) * 100).toFixed(1)} %`);
    expect(Number(await field(page, 'github', 'rate-limited'))).toBe(2);
    expect(Number(await page.locator('[data-queue="webhooks"][data-field="depth"]').textContent())).toBe(metric(metrics, 'connector_dead_letter_queue_depth', { queue: 'webhooks' }));
    expect(await field(page, 'github', 'provider')).toContain('minor: Partially Degraded Service');
    expect(await page.locator('#status').textContent()).toBe('degraded');
    expect(await page.locator('[data-alert="firing"]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-credential="GITHUB_TOKEN"]').textContent()).toContain('env GITHUB_TOKEN');
    // Two charts per connector, drawn by uPlot.
    expect(await page.locator('.uplot').count()).toBe(4);
    // No payload body and no secret anywhere on the page until asked for.
    const html = await page.content();
    expect(html).not.toContain('octocat');
    expect(html).not.toContain('ghp_');

    if (process.env['DASHBOARD_SCREENSHOT']) await page.screenshot({ path: process.env['DASHBOARD_SCREENSHOT'], fullPage: true });
    await page.close();
    expect(consoleErrors).toEqual([]);
  });

  it('refuses an action without the token, then replays from the page with it', async () => {
    const page = await open();
    const key = 'github:1001';
    const row = page.locator(`tr[data-dead-letter="${key}"]`);
    await row.waitFor();

    await row.locator('[data-action="replay"]').click();
    await page.waitForSelector('#message.error');
    expect(await page.locator('#message').textContent()).toContain('A valid operator token is required');
    expect((await app.store.get(key))!.state).toBe('dead');

    // Inspect shows metadata; the body needs the token and comes redacted.
    await row.locator('[data-action="inspect"]').click();
    await page.waitForSelector('[data-field="inspect-meta"]');
    expect(await page.locator('#inspect').textContent()).not.toContain('octocat');
    await page.fill('#token', OPERATOR_TOKEN);
    await page.click('#token-form button');
    await page.click('[data-action="show-body"]');
    const shown = await page.locator('[data-field="inspect-body"]').textContent();
    expect(shown).toContain('octocat');
    expect(shown).toContain('"token": "[redacted]"');
    expect(shown).not.toContain('ghp_');
    expect(await page.locator('[data-field="inspect-meta"]').textContent()).toContain('"x-hub-signature-256": "[redacted]"');

    await row.locator('[data-action="replay"]').click();
    await page.waitForSelector('#message:not(.error):text("Replayed 1")');
    const event = await app.store.get(key);
    expect(event!.state).toBe('pending');
    expect(event!.attempts).toBe(0);
    expect(await app.store.stats()).toMatchObject({ pending: 1, deadLetters: 1 });
    await page.waitForSelector(`tr[data-dead-letter="${key}"]`, { state: 'detached' });
    await page.close();
    // The only console line is Chromium reporting the refused request itself; no script error.
    expect(consoleErrors.splice(0)).toEqual(['Failed to load resource: the server responded with a status of 401 (Unauthorized)']);
  });

  it('answers a forged or tokenless request with a refusal and changes nothing', async () => {
    const post = (headers: Record<string, string>, body = JSON.stringify({ keys: ['github:1002'] })) =>
      fetch(`${app.url}/dashboard/api/dead-letters/webhooks/discard`, { method: 'POST', headers, body });
    expect((await post({ 'content-type': 'application/json' })).status).toBe(401);
    expect((await post({ 'content-type': 'application/json', 'x-operator-token': `${OPERATOR_TOKEN}x` })).status).toBe(401);
    // A cross-site form post: wrong content type, another origin, no header token.
    expect((await post({ 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, 'keys=github:1002')).status).toBe(403);
    expect((await post({ 'content-type': 'text/plain', 'x-operator-token': OPERATOR_TOKEN })).status).toBe(415);
    expect((await post({ 'content-type': 'application/json', 'x-operator-token': OPERATOR_TOKEN, origin: 'https://evil.example' })).status).toBe(403);
    expect((await fetch(`${app.url}/dashboard/api/dead-letters/webhooks/item?key=github:1002&body=1`)).status).toBe(401);
    expect((await app.store.get('github:1002'))!.state).toBe('dead');
    const ok = await post({ 'content-type': 'application/json', 'x-operator-token': OPERATOR_TOKEN, origin: app.url, 'sec-fetch-site': 'same-origin' });
    expect(await ok.json()).toEqual({ discarded: 1 });
    expect((await app.store.get('github:1002'))!.state).toBe('discarded');
  });
});

describe('dashboard without an operator token', { timeout: 60_000 }, () => {
  it('is read-only: the page says so and actions are refused', async () => {
    const readOnly = await startDashboardApp();
    try {
      const key = await readOnly.deadLetter('2001', { action: 'opened' });
      const page = await context.newPage();
      page.on('pageerror', (error) => consoleErrors.push(String(error)));
      await page.goto(`${readOnly.url}/dashboard`);
      await page.waitForSelector(`tr[data-dead-letter="${key}"]`);
      expect(await page.locator('#token-label').textContent()).toContain('read-only');
      await page.fill('#token', 'anything-at-all-0123456789');
      await page.click('#token-form button');
      await page.locator(`tr[data-dead-letter="${key}"] [data-action="replay"]`).click();
      await page.waitForSelector('#message.error');
      expect(await page.locator('#message').textContent()).toContain('read-only');
      expect((await readOnly.store.get(key))!.state).toBe('dead');
      await page.close();
    } finally {
      await readOnly.close();
    }
  });
});
