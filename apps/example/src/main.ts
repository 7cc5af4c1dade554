import { pino } from 'pino';
import { startApp } from './app.ts';
import { formatStartupFailure } from './check-credentials.ts';
import { configFromEnv, ENVIRONMENT_HELP } from './config.ts';
import { announceSync } from './slack/slack-announce.ts';

/**
 * `pnpm start`: the app against the real GitHub and Stripe APIs, configured from the environment.
 * Refuses to start, with a message that says what to fix, when a variable is missing or a credential
 * is refused. Returns the exit code.
 */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = configFromEnv(env);
  if (!parsed.ok) {
    process.stderr.write(
      [
        'Cannot start: the app needs credentials for GitHub and Stripe.',
        ...parsed.problems.map((problem) => `  ✗ ${problem}`),
        '',
        'Environment variables:',
        ...ENVIRONMENT_HELP.map((line) => `  ${line}`),
        '',
        'No accounts at hand? `pnpm demo` runs the same app against a local sandbox, with no network.',
        '',
      ].join('\n'),
    );
    return 2;
  }
  const config = parsed.config;
  const logger = pino({ name: 'connectors-example' });
  const started = await startApp(config, { logger, ...(env['DASHBOARD_TOKEN'] ? { dashboardToken: env['DASHBOARD_TOKEN'] } : {}) });
  if (!started.ok) {
    process.stderr.write(`${formatStartupFailure(started.checks)}\n`);
    return 1;
  }
  const app = started.app;
  logger.info({ github: app.identities.github, stripe: app.identities.stripe, ...(app.slack ? { slack: app.identities.slack } : {}) }, 'credentials verified');
  for (const source of ['github', 'stripe'] as const) {
    if (!app.webhooks.sources.includes(source)) logger.warn({ source }, `${source.toUpperCase()}_WEBHOOK_SECRET is not set: /webhooks/${source} is not mounted`);
  }
  const url = await app.listen(config.port, env['HOST'] ?? '127.0.0.1');
  logger.info({ url, routes: [...app.webhooks.sources.map((s) => `/webhooks/${s}`), '/health', '/metrics', '/dashboard'] }, 'listening');

  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const syncOnce = async (): Promise<void> => {
    try {
      const results = await app.sync({
        signal: stopping.signal,
        onPage: (page) => logger.info({ event: 'sync-page', listing: page.listing, page: page.page, rows: page.rows, resumed: page.resumed }, 'page synced'),
      });
      logger.info({ event: 'sync-done', listings: results.map((r) => ({ listing: r.listing, pages: r.pages, rows: r.rows, resumedAtPage: r.resumedAtPage })) }, 'sync finished');
      if (app.slack?.config.postChannel) await announceSync(app.slack, results, logger);
    } catch (error) {
      // The checkpoint of the last committed page is saved: the next run resumes from it.
      if (!stopping.signal.aborted) logger.error({ event: 'sync-failed', error: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'sync failed; the next run resumes from the last checkpoint');
    }
    if (!stopping.signal.aborted) timer = setTimeout(() => (running = syncOnce()), config.syncIntervalMs);
  };
  running = syncOnce();

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  stopping.abort(new Error('shutting down'));
  clearTimeout(timer);
  await running;
  await app.close();
  return 0;
}

if (import.meta.main) process.exitCode = await main();
