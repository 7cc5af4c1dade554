import type { Server } from 'node:http';
import type { EventListener } from '@connectors/core';
import { createObservability, DEFAULT_ALERT_RULES, type Logger, type Observability } from '@connectors/observability';
import { prometheusExporter } from '@connectors/observability/prometheus';
import type { WebhookInboxEvent, WebhookWorkerEvent } from '@connectors/webhooks';
import { Registry } from 'prom-client';
import { type CredentialCheck, checkCredentials } from './check-credentials.ts';
import type { AppConfig } from './config.ts';
import { type Connectors, createGitHub, createStripe } from './connectors.ts';
import { createAppDashboard } from './dashboard.ts';
import { closeServer, createAppServer, listen } from './server.ts';
import { syncGitHubIssues } from './sync/github-issues.ts';
import type { ListingResult, ListingRunOptions } from './sync/run-listing.ts';
import { syncStripe } from './sync/stripe.ts';
import { createWebhooks, type Webhooks } from './webhooks.ts';
import { createSlackPart, type SlackPart } from './slack/slack-part.ts';
import { type AppData, openAppData } from './store/app-data.ts';
import type { AppStore } from './store/app-store.ts';

export interface AppOptions {
  /** The call log and app events go here (pino). */
  logger: Logger;
  /** More listeners for the connectors' events (the demo counts them). */
  onEvent?: EventListener[];
  onInboxEvent?: (event: WebhookInboxEvent) => void;
  onWorkerEvent?: (event: WebhookWorkerEvent) => void;
  /** Enables the dashboard's actions (replay, discard, payload bodies); without it /dashboard is read-only. */
  dashboardToken?: string;
}

/** A running app: both connectors checked, its data open, webhooks and observability wired. */
export interface App extends Connectors {
  readonly config: AppConfig;
  /** Synced rows, checkpoints and webhook effects: in SQLite, or in PostgreSQL with DATABASE_URL. */
  readonly store: AppStore;
  /** The store with the backend it is on (and the token store and inbox that go with it). */
  readonly data: AppData;
  readonly webhooks: Webhooks;
  readonly observability: Observability;
  readonly registry: Registry;
  readonly identities: { github: string | undefined; stripe: string | undefined; slack?: string | undefined };
  /** Slack, when configured. */
  readonly slack: SlackPart | undefined;
  /** GitHub issues, then Stripe customers and payment intents, then Slack channels and history; each resumes an interrupted run. */
  sync(options?: ListingRunOptions): Promise<ListingResult[]>;
  /** Starts the HTTP server and the webhook worker; resolves with the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export type StartResult = { ok: true; app: App } | { ok: false; checks: CredentialCheck[] };

/**
 * Opens the app's data and checks both credentials; refuses to start (returns the checks) when one
 * is wrong. Nothing is synced and no port is opened before that.
 */
export async function startApp(config: AppConfig, options: AppOptions): Promise<StartResult> {
  // SQLite files by default; with DATABASE_URL everything (rows, checkpoints, effects, tokens, inbox) in PostgreSQL.
  const data = openAppData({ databasePath: config.databasePath, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}), ...(config.tokenEncryption ? { tokenEncryption: config.tokenEncryption } : {}) });
  const store = data.store;
  const registry = new Registry();
  let webhooks: Webhooks | undefined;
  const observability = createObservability({
    logger: options.logger,
    metrics: prometheusExporter({ registry }),
    // The defaults, plus: any dead letter makes /health "degraded" until someone replays or drops it.
    alerts: { rules: [...DEFAULT_ALERT_RULES, { kind: 'dead-letter-queue', queue: 'webhooks', above: 0, recoverForMs: 0 }] },
    deadLetterQueues: { webhooks: async () => (webhooks?.worker ? (await webhooks.worker.stats()).deadLetters : 0) },
  });
  const listeners = options.onEvent ?? [];
  const slackPart = config.slack ? createSlackPart(config, config.slack, data, listeners, (client) => observed(observability, client)) : undefined;
  const [startup, slackCheck] = await Promise.all([
    checkCredentials(config, {
      github: () => observed(observability, createGitHub(config, () => data.tokenStore(), listeners)),
      stripe: () => observed(observability, createStripe(config, listeners)),
    }),
    slackPart?.check(),
  ]);
  if (slackCheck) startup.checks.push(slackCheck);
  if (!startup.ok || !startup.connectors || slackCheck?.ok === false) {
    await slackPart?.client.http.close();
    observability.close();
    await data.close();
    return { ok: false, checks: startup.checks };
  }
  const { github, stripe } = startup.connectors;
  const logger = options.logger;
  webhooks = createWebhooks(config, data, {
    onInboxEvent: (event) => {
      if (event.type === 'rejected') logger.warn({ event: 'webhook-rejected', source: event.source, status: event.status, reason: event.reason }, 'webhook rejected');
      options.onInboxEvent?.(event);
    },
    onWorkerEvent: (event) => {
      if (event.type === 'dead-lettered') logger.error({ event: 'webhook-dead-lettered', key: event.key, reason: event.reason, error: event.error }, 'webhook dead-lettered');
      else if (event.type === 'retried') logger.warn({ event: 'webhook-retried', key: event.key, attempt: event.attempt, error: event.error }, 'webhook will be retried');
      options.onWorkerEvent?.(event);
    },
  });
  let server: Server | undefined;
  const identity = (name: 'github' | 'stripe' | 'slack') => startup.checks.find((check) => check.connector === name)?.identity;

  const app: App = {
    config,
    store,
    data,
    github,
    stripe,
    webhooks,
    observability,
    registry,
    identities: { github: identity('github'), stripe: identity('stripe'), ...(slackCheck ? { slack: slackCheck.identity } : {}) },
    slack: slackPart,
    async sync(syncOptions = {}) {
      const issues = await syncGitHubIssues(github, store, config.github.repo, { ...syncOptions, ...(config.github.perPage ? { perPage: config.github.perPage } : {}) });
      const stripeResults = await syncStripe(stripe, store, { ...syncOptions, ...(config.stripe.pageSize ? { pageSize: config.stripe.pageSize } : {}) });
      const slackResults = slackPart ? await slackPart.sync(syncOptions) : [];
      return [issues, ...stripeResults, ...slackResults];
    },
    async listen(port = config.port, host = '127.0.0.1') {
      const dashboard = createAppDashboard({ config, observability, deadLetters: webhooks!.store, operatorToken: options.dashboardToken });
      server = createAppServer({ inbox: webhooks!.inbox, health: observability, registry, dashboard });
      const url = await listen(server, port, host);
      webhooks!.worker?.start();
      return url;
    },
    async close() {
      if (server) await closeServer(server);
      await webhooks!.close();
      // A token refresh still in flight must store its rotated refresh token before the database closes.
      await Promise.all([github.http.close(), stripe.http.close(), slackPart?.client.http.close()]);
      observability.close();
      await data.close();
    },
  };
  return { ok: true, app };
}

function observed<T extends { http: Parameters<Observability['observe']>[0] }>(observability: Observability, connector: T): T {
  observability.observe(connector.http);
  return connector;
}
