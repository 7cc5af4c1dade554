import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AbortedError } from '@connectors/core';
import type { WebhookDeliveryResult } from '@connectors/testing/sandbox';
import { pino } from 'pino';
import { type App, startApp } from './app.ts';
import { formatStartupFailure } from './check-credentials.ts';
import { acceptedEvents, faultsCheck, healthCheck, metricsCheck, type PageRecord, refreshCheck, resumeCheck, rowChecks, webhookChecks } from './demo/demo-checks.ts';
import { DEMO_SEED, DEMO_TOKEN_KEY_ENV, startDemoSandbox } from './demo/demo-sandbox.ts';
import { tokensAtRestCheck } from './demo/tokens-at-rest-check.ts';
import { demoPlanFor } from './demo/demo-plan.ts';
import { DEMO_FAULT_RATES, sendPlannedWebhooks } from './demo/fault-plan.ts';
import { createDemoDatabase, type DemoDatabase, postgresTokensAtRestCheck } from './demo/demo-postgres.ts';
import { postgresStorageCheck } from './demo/postgres-storage-check.ts';
import { generateTokenKey } from '@connectors/core';
import { rowsAfterWebhooks, syncedRows } from './demo/expected-state.ts';
import { dashboardCheck, dashboardLines, demoOperatorToken } from './demo/demo-dashboard.ts';
import { githubBurst, stripeBurst } from './demo/webhook-burst.ts';
import { HUBSPOT_DEMO_CONTACTS, HUBSPOT_DEMO_DEALS, runHubSpotDemo } from './hubspot/hubspot-demo.ts';
import { type Check, type DemoReport, formatChecks, plural, summaryLines, Tally, webhookCounts, webhookSummary } from './report.ts';
import { runShopifyDemo, SHOPIFY_DEMO_ORDERS, SHOPIFY_DEMO_PRODUCTS } from './shopify/shopify-demo.ts';
import { DEFAULT_APP_SCHEMA, DEFAULT_CONNECTORS_SCHEMA } from './store/backend.ts';
import type { ListingResult, PageProgress } from './sync/run-listing.ts';
import { runSlackDemo } from './slack/slack-demo.ts';

export type { DemoReport } from './report.ts';

export interface DemoOptions {
  /** Default: a fresh temporary directory. */
  databasePath?: string;
  /** Also write the report as JSON here. */
  reportPath?: string;
  seed?: number;
  /** Pages the first sync commits before it is interrupted. Default 3. */
  interruptAfterPages?: number;
  print?: (line: string) => void;
  /** Keep the app's server (and its /dashboard) running after the report until this resolves (`--serve`: until Ctrl-C). */
  serveUntil?: Promise<unknown>;
  /** Run the app on a throwaway PostgreSQL database on this server (true: the default server) instead of SQLite files. */
  postgres?: boolean | string;
}

/**
 * `pnpm demo`: the whole app against the local sandbox with faults switched on. It starts the app,
 * interrupts a sync, restarts and resumes it, sends a burst of webhooks, reads /health and /metrics,
 * then prints what happened and checks the database against the sandbox.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoReport> {
  const started = performance.now();
  const print = options.print ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const databasePath = resolve(options.databasePath ?? join(mkdtempSync(join(tmpdir(), 'connectors-demo-')), 'example.db'));
  const logPath = join(dirname(databasePath), 'app.log');
  const logger = pino({ name: 'connectors-example' }, pino.destination({ dest: logPath, sync: true, mkdir: true }));
  const tally = new Tally();
  const seed = options.seed ?? DEMO_SEED;
  const interruptAfter = options.interruptAfterPages ?? 3;
  // A throwaway key, so the demo's database holds the GitHub tokens encrypted, as production would.
  const generatedKey = !process.env[DEMO_TOKEN_KEY_ENV];
  if (generatedKey) process.env[DEMO_TOKEN_KEY_ENV] = generateTokenKey();
  // The webhook bursts are fixed; the seed's plan says which deliveries are forged or duplicated and where the request faults land.
  const bursts = { github: githubBurst(), stripe: stripeBurst() };
  const plan = demoPlanFor(seed, bursts);
  const { sandbox, slack: slackProvider, configFor } = await startDemoSandbox(seed, plan.faults);
  const postgres: DemoDatabase | undefined = options.postgres ? await createDemoDatabase(typeof options.postgres === 'string' ? options.postgres : undefined) : undefined;
  const config = { ...configFor(databasePath), ...(postgres ? { databaseUrl: postgres.url } : {}) };
  const storage = postgres ? 'PostgreSQL' : 'SQLite';
  const resume: DemoReport['resume'] = { interruptedAfterPage: undefined, resumedAtPage: undefined, listing: undefined };
  const operatorToken = options.serveUntil ? demoOperatorToken() : undefined;
  const retryAfter = DEMO_FAULT_RATES.rateLimit.retryAfterSeconds;

  const finish = async (checks: Check[], extra: Partial<DemoReport> = {}): Promise<DemoReport> => {
    const report: DemoReport = {
      ok: checks.every((check) => check.ok),
      checks,
      counts: structuredClone(tally.counts),
      sandbox: sandbox.stats(),
      resume,
      webhooks: { sources: [], events: 0, deliveries: 0, accepted: 0, duplicates: 0, rejected: 0, deadLettered: 0, applied: 0 },
      health: { status: 0, body: undefined },
      // Name what was really used: with --postgres nothing is written at databasePath (only the log beside it).
      ...(postgres ? { postgres: { database: postgres.name, appSchema: DEFAULT_APP_SCHEMA, connectorsSchema: DEFAULT_CONNECTORS_SCHEMA } } : { databasePath }),
      logPath,
      elapsedMs: Math.round(performance.now() - started),
      ...extra,
    };
    await sandbox.stop();
    await postgres?.drop();
    print('');
    print('Report');
    for (const line of summaryLines(report)) print(`  ${line}`);
    print('');
    print('Checks');
    for (const line of formatChecks(checks)) print(line);
    if (options.reportPath) await writeFile(options.reportPath, `${JSON.stringify(report, null, 2)}\n`);
    return report;
  };

  print(`connectors example: GitHub issues, Stripe customers and payment intents, Slack channels and history -> ${storage}; webhooks through a durable inbox.`);
  print('No accounts, no network: a local sandbox plays GitHub, Stripe and Slack, with faults switched on:');
  print(`429s with Retry-After ${retryAfter} s, 503 bursts, OAuth access tokens revoked mid-run, duplicate and badly signed webhooks.`);
  print('');
  print(`  sandbox   ${sandbox.url} (seed ${seed})`);
  if (!postgres) print(`  database  ${databasePath}`);
  print(`  log       ${logPath} (pino: one line per HTTP attempt)`);
  if (postgres) print(`  postgres  ${postgres.name} (throwaway database: synced rows, checkpoints, webhook inbox and effects, OAuth tokens; dropped at the end)`);
  print(`  tokens    encrypted at rest (AES-256-GCM) with ${generatedKey ? 'a throwaway key generated for this run' : 'the key'} in ${DEMO_TOKEN_KEY_ENV}`);

  // Progress: one line per committed page, with what its calls went through since the line before.
  const pages: PageRecord[] = [];
  let mark = tally.mark();
  const notes = (): string => {
    const text = tally.notesSince(mark);
    mark = tally.mark();
    return text;
  };
  const onPage = (run: number) => (page: PageProgress) => {
    pages.push({ ...page, run });
    if (run === 2 && page.first && page.resumed && page.listing === resume.listing) resume.resumedAtPage = page.page;
    const note = [page.resumed && page.first ? 'resumed from the saved checkpoint' : '', notes()].filter(Boolean).join('; ');
    print(`   ${page.label.padEnd(24)} page ${String(page.page).padStart(2)}  ${String(page.rows).padStart(3)} rows${note ? `   (${note})` : ''}`);
  };
  const open = async (): Promise<App | undefined> => {
    notes();
    const result = await startApp(config, { logger, onEvent: [tally.onEvent], onInboxEvent: tally.onInboxEvent, onWorkerEvent: tally.onWorkerEvent, ...(operatorToken ? { dashboardToken: operatorToken } : {}) });
    if (!result.ok) {
      print(formatStartupFailure(result.checks));
      return undefined;
    }
    print(`   ✓ github  ${result.app.identities.github ?? ''} (GitHub App user token: expires, refresh token rotates, kept in ${storage})`);
    print(`   ✓ stripe  ${result.app.identities.stripe ?? ''}`);
    if (result.app.slack) print(`   ✓ slack   ${result.app.identities.slack ?? ''} (OAuth with token rotation: xoxe tokens expire, refresh token rotates, kept in ${storage})`);
    const note = notes();
    if (note) print(`     (on the way: ${note})`);
    return result.app;
  };
  /** A sync that fails for good (e.g. the circuit opens) is reported, not thrown: its checkpoint is saved. */
  const sync = async (app: App, run: number, options: { signal?: AbortSignal; afterPage?: (page: PageProgress) => void } = {}): Promise<ListingResult[] | Check> => {
    const progress = onPage(run);
    try {
      return await app.sync({ ...(options.signal ? { signal: options.signal } : {}), onPage: (page) => (progress(page), options.afterPage?.(page)) });
    } catch (error) {
      if (error instanceof AbortedError && options.signal?.aborted) return [];
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      print(`   ✗ the sync stopped: ${message}`);
      await app.close();
      return { ok: false, label: `sync: stopped with ${message}` };
    }
  };

  print('');
  print('1. Start: credentials are checked before anything else');
  let app = await open();
  if (!app) return finish([{ ok: false, label: 'startup: the credentials were refused' }]);

  print('');
  print(`2. Sync, interrupted after ${interruptAfter} pages (as if the process were killed)`);
  const interrupt = new AbortController();
  const first = await sync(app, 1, {
    signal: interrupt.signal,
    afterPage: (page) => {
      if (pages.length !== interruptAfter) return;
      resume.interruptedAfterPage = page.page;
      resume.listing = page.listing;
      interrupt.abort(new Error('demo: simulated crash'));
    },
  });
  if (!Array.isArray(first)) return finish([first]);
  if (resume.listing) print(`   -- interrupted. Rows and checkpoint of each page were committed together; page ${resume.interruptedAfterPage} is the last one saved.`);
  await app.close();

  print('');
  print('3. Restart: a new app on the same database syncs again and resumes from the checkpoint');
  app = await open();
  if (!app) return finish([{ ok: false, label: 'startup (after the restart): the credentials were refused' }]);
  const second = await sync(app, 2);
  if (!Array.isArray(second)) return finish([second]);
  const syncChecks = await rowChecks(app.store, syncedRows());

  print('');
  const url = await app.listen(0);
  const burstSources = Object.keys(bursts) as (keyof typeof bursts)[];
  const events = [...bursts.github, ...bursts.stripe];
  print(`4. Webhooks: ${events.length} events POSTed to ${url}/webhooks/github and /webhooks/stripe`);
  const deliveries: WebhookDeliveryResult[] = [];
  for (const source of burstSources) {
    const sent = await sendPlannedWebhooks(sandbox, { provider: source, url: `${url}/webhooks/${source}`, events: bursts[source].map((b) => b.event), plan: plan.webhooks[source] });
    deliveries.push(...sent);
    const good = sent.filter((r) => !r.badSignature);
    const stored = good.filter((r) => !r.duplicate && r.status === 200).length;
    const refused = sent.filter((r) => r.badSignature);
    const statuses = [...new Set(refused.map((r) => r.status))].join(', ');
    print(`   ${source.padEnd(7)} ${String(sent.length).padStart(2)} deliveries of ${bursts[source].length} events: ${stored} stored, ${plural(good.filter((r) => r.duplicate).length, 'duplicate')} answered 200 and dropped, ${refused.length} badly signed and refused${statuses ? ` (${statuses})` : ''}`);
  }
  await waitForWorker(app);
  const counts = tally.counts;
  const burstWorker = webhookCounts(counts, burstSources).worker;
  print(`   worker  applied ${burstWorker.processed} events to the database, dead-lettered ${burstWorker.deadLettered}${burstWorker.deadLettered ? " (a payload that does not match GitHub's schema: kept for inspection and replay)" : ''}`);

  print('');
  print('5. Health and metrics');
  const healthResponse = await fetch(`${url}/health`);
  const health = (await healthResponse.json()) as { status: string; reasons?: { message: string }[] };
  print(`   ${'/health'.padEnd(11)}${healthResponse.status} ${health.status}${health.reasons?.length ? ` - ${health.reasons.map((r) => r.message).join('; ')}` : ''}`);
  const metricsResponse = await fetch(`${url}/metrics`);
  const metrics = await metricsResponse.text();
  print(`   ${'/metrics'.padEnd(11)}${metricsResponse.status}, ${metrics.split('\n').filter((line) => line.startsWith('connector_requests_total{')).length} connector_requests_total series (Prometheus text format)`);

  const dashboard = await dashboardCheck(url, metrics);
  print(dashboard.line);
  print('');
  print(`6. Shopify: a bulk export and a cost-paced listing into ${storage}, order webhooks through the inbox`);
  // Shopify's and HubSpot's parts keep their tables, inboxes and tokens where the app keeps its own, on
  // the app's own backend (one PostgreSQL pool for the whole app); what they open there closes with the app.
  const partsBackend = app.data.backend;
  const shopify = await runShopifyDemo({ backend: partsBackend, print });

  const checks = [
    ...syncChecks,
    resumeCheck(pages, resume.listing, resume.interruptedAfterPage, resume.resumedAtPage),
    // The faults and refresh checks come here in the list, but are made below, after the Slack part: the app's clients make their last calls there, and those checks must cover every call the report counts.
    ...(await webhookChecks(app.store, app.webhooks.store!, events, deliveries, counts)),
    healthCheck(healthResponse.status, health.status, counts.worker.deadLettered),
    metricsCheck(metricsResponse.status, metrics),
    { ok: dashboard.ok, label: dashboard.label },
    ...shopify.checks,
  ];
  const faultsAt = syncChecks.length + 1; // after the resume check
  let slackSummary: DemoReport['slack'];
  let slackExpected: { channels: number; messages: number } | undefined;
  let postFailures = 0;
  if (app.slack) {
    // Slack's deliveries go through the same inbox; the checks above and the report count them apart by source.
    print('');
    print('7. Slack: channels and history were synced above; now post a message and receive Events API deliveries');
    const slackResult = await runSlackDemo({
      slack: app.slack,
      provider: slackProvider,
      sandbox,
      url,
      counts: tally.counts,
      print,
      waitForWorker: () => waitForWorker(app!),
      webhooks: plan.webhooks.slack,
    });
    checks.push(...slackResult.checks);
    slackExpected = { channels: slackResult.expected.channels.size, messages: slackResult.expected.messages.size };
    postFailures = slackResult.postFailures;
    const slackCounts = slackProvider.counts();
    slackSummary = {
      ...webhookSummary(tally.counts, ['slack'], { events: slackResult.events, deliveries: slackResult.deliveries }),
      posted: slackCounts.posted,
      postFailures,
      tokenExpired: slackCounts.tokenExpired,
      refreshes: slackCounts.refreshes,
      tierLimited: slackCounts.tierLimited,
    };
  }
  // The app's clients are done (Shopify and HubSpot below use clients and sandboxes of their own): the same counts as the report's.
  const stats = sandbox.stats();
  checks.splice(
    faultsAt,
    0,
    faultsCheck(counts, stats, postFailures),
    refreshCheck(counts, stats, { refreshes: slackProvider.counts().refreshes, reused: slackProvider.counts().refreshReuse }),
  );
  print('');
  print('8. HubSpot: 30-minute OAuth tokens, 10,400 contacts past the search cap, a partly failing batch, batched webhooks');
  const hubspot = await runHubSpotDemo({ backend: partsBackend, print, ...(config.tokenEncryption ? { encryption: config.tokenEncryption } : {}) });
  checks.push(...hubspot.checks);
  if (!options.serveUntil) await app.close();
  if (postgres) {
    // Every table the demo filled, with what it must hold: the sandboxes' data and the accepted events.
    const rows = rowsAfterWebhooks(acceptedEvents(events, deliveries));
    checks.push(await postgresStorageCheck(postgres.url, DEFAULT_APP_SCHEMA, {
      github_issues: rows.issues.size,
      stripe_customers: rows.customers.size,
      stripe_payment_intents: rows.paymentIntents.size,
      ...(slackExpected ? { slack_channels: slackExpected.channels, slack_messages: slackExpected.messages } : {}),
      // One row per listing the restarted sync ran (it runs every one, resumed or new).
      sync_state: new Set(second.map((result) => result.listing)).size,
      // Every source's effects (GitHub, Stripe and Slack share the table).
      webhook_effects: counts.worker.processed,
      shopify_products: SHOPIFY_DEMO_PRODUCTS,
      shopify_variants: SHOPIFY_DEMO_PRODUCTS * 3,
      // orders/create may add an order to the listed ones.
      shopify_orders: { atLeast: SHOPIFY_DEMO_ORDERS },
      shopify_sync_state: 2,
      shopify_webhooks_applied: shopify.genuineWebhooks,
      hubspot_contacts: HUBSPOT_DEMO_CONTACTS,
      hubspot_deals: HUBSPOT_DEMO_DEALS,
      hubspot_sync_state: 2,
      hubspot_applied_events: hubspot.webhooks.stored,
    }, dirname(databasePath)));
    checks.push(await postgresTokensAtRestCheck(postgres.url));
  } else {
    checks.push(tokensAtRestCheck(dirname(databasePath)));
  }
  const report = await finish(checks, {
    ...(slackSummary ? { slack: slackSummary } : {}),
    webhooks: { sources: burstSources, ...webhookSummary(counts, burstSources, { events: events.length, deliveries: deliveries.length }) },
    health: { status: healthResponse.status, body: health },
  });
  print('');
  for (const line of dashboardLines(url, operatorToken)) print(line);
  if (options.serveUntil) {
    await options.serveUntil;
    await app.close();
  }
  return report;
}

/** Waits until the worker has applied (or dead-lettered) everything the inbox stored. */
async function waitForWorker(app: App, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await app.webhooks.worker!.stats();
    if (stats.pending === 0 && stats.leased === 0 && stats.running === 0) return;
    if (Date.now() > deadline) throw new Error(`the webhook worker still has ${stats.pending} pending and ${stats.running} running events after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { db: { type: 'string' }, report: { type: 'string' }, seed: { type: 'string' }, serve: { type: 'boolean', default: false }, postgres: { type: 'boolean' }, 'postgres-url': { type: 'string' } } });
  const report = await runDemo({
    ...(values.serve ? { serveUntil: new Promise((resolve) => ['SIGINT', 'SIGTERM'].forEach((signal) => process.once(signal, resolve))) } : {}),
    ...(values.db ? { databasePath: values.db } : {}),
    ...(values.report ? { reportPath: values.report } : {}),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    ...(values['postgres-url'] ? { postgres: values['postgres-url'] } : values.postgres ? { postgres: true } : {}),
  });
  process.exitCode = report.ok ? 0 : 1;
}
