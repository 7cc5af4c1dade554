import type { ConnectorEvent, ConnectorEventOf, EventListener } from '@connectors/core';
import { scrubSecrets } from '../log/scrub-secrets.ts';

type ProviderStatusEvent = ConnectorEventOf<'provider-status'>;
type Indicator = ProviderStatusEvent['indicator'];

export interface ProviderStatusWatcherOptions {
  /**
   * Connector name to its provider's status page, an Atlassian Statuspage (the watcher reads
   * `<page>/api/v2/summary.json`), e.g. `{ github: github.definition.statusPage! }`.
   */
  pages: Record<string, string>;
  /** Time between polls of one page while it answers. Default 60 s (status pages are cached for about that long). */
  intervalMs?: number;
  /** Longest wait between polls of a page that keeps failing (exponential backoff up to here). Default 15 min. */
  maxIntervalMs?: number;
  /** A poll that takes longer than this counts as failed. Default 10 s. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  clock?: { now(): number };
  /** In [0, 1): spreads polls (jitter) so many instances do not poll in step. */
  random?: () => number;
  onEvent?: EventListener;
}

/** What a watcher offers: the last reading per connector, and `provider-status` events when one changes. */
export interface ProviderStatusWatcher {
  /** Starts polling every page in the background (timers never keep the process alive). */
  start(): void;
  stop(): void;
  /** Polls every page once now; resolves when all have answered or failed. */
  poll(): Promise<void>;
  /** The last reading for a connector; undefined before the first poll finished. */
  status(connector: string): ProviderStatusEvent | undefined;
  /** When each page is polled next (epoch ms), while started. */
  nextPollAt(connector: string): number | undefined;
  subscribe(listener: EventListener): () => void;
}

const COMPONENT_OK = 'operational';
const INDICATORS: readonly Indicator[] = ['none', 'minor', 'major', 'critical', 'maintenance'];

/**
 * The delay before the next poll: `intervalMs` while the page answers, doubling per consecutive
 * failure up to `maxIntervalMs`; then multiplied by a jitter factor in [0.8, 1.2) so that many
 * instances spread out.
 */
export function nextPollDelay(failures: number, intervalMs: number, maxIntervalMs: number, random: () => number): number {
  const base = Math.min(maxIntervalMs, intervalMs * 2 ** Math.min(failures, 30));
  return Math.round(base * (0.8 + 0.4 * random()));
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value.slice(0, 300) : fallback);

/** Reads Statuspage's `summary.json`; throws when it is not one. */
export function parseStatuspageSummary(body: unknown): Pick<ProviderStatusEvent, 'indicator' | 'description' | 'components' | 'incidents'> {
  if (!isRecord(body) || !isRecord(body['status'])) throw new Error('not a Statuspage summary (no `status` object)');
  const indicator = INDICATORS.includes(body['status']['indicator'] as Indicator) ? (body['status']['indicator'] as Indicator) : 'unknown';
  const components = (Array.isArray(body['components']) ? body['components'] : [])
    .filter((c): c is Record<string, unknown> => isRecord(c) && typeof c['status'] === 'string' && c['status'] !== COMPONENT_OK)
    .map((c) => ({ name: text(c['name'], '(unnamed)'), status: text(c['status']) }));
  const incidents = [
    ...(Array.isArray(body['incidents']) ? body['incidents'] : []).filter(isRecord).filter((i) => i['status'] !== 'resolved' && i['status'] !== 'postmortem'),
    ...(Array.isArray(body['scheduled_maintenances']) ? body['scheduled_maintenances'] : []).filter(isRecord).filter((m) => m['status'] === 'in_progress' || m['status'] === 'verifying'),
  ].map((i) => ({
    name: text(i['name'], '(unnamed)'),
    status: text(i['status']),
    impact: text(i['impact'], 'none'),
    ...(typeof i['shortlink'] === 'string' && /^https?:\/\//.test(i['shortlink']) ? { url: i['shortlink'] } : {}),
  }));
  return { indicator, description: text(body['status']['description']), components, incidents };
}

interface PageState {
  connector: string;
  page: string;
  url: string;
  etag: string | undefined;
  failures: number;
  last: ProviderStatusEvent | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  nextAt: number | undefined;
  polling: Promise<void> | undefined;
}

/**
 * Watches providers' status pages politely: conditional requests (`If-None-Match` with the last
 * `ETag`, so an unchanged page costs a 304), one poll a minute by default, exponential backoff with
 * jitter while a page fails. Emits `provider-status` when what a page says changes. A page that
 * cannot be read is reported as `reachable: false` and never counts against health: the watcher
 * learns nothing about the provider from it.
 *
 * @example
 * const status = createProviderStatusWatcher({ pages: { github: github.definition.statusPage! } });
 * const observability = createObservability({ providerStatus: status });
 * status.start();
 */
export function createProviderStatusWatcher(options: ProviderStatusWatcherOptions): ProviderStatusWatcher {
  const intervalMs = options.intervalMs ?? 60_000;
  const maxIntervalMs = options.maxIntervalMs ?? 15 * 60_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  for (const [name, value] of [['intervalMs', intervalMs], ['maxIntervalMs', maxIntervalMs], ['timeoutMs', timeoutMs]] as const) {
    if (!(value > 0) || !Number.isFinite(value)) throw new TypeError(`createProviderStatusWatcher: ${name} must be a positive number of milliseconds; got ${String(value)}`);
  }
  const doFetch = options.fetch ?? globalThis.fetch;
  const now = options.clock ? () => options.clock!.now() : Date.now;
  const random = options.random ?? Math.random;
  const listeners = new Set<EventListener>();
  if (options.onEvent) listeners.add(options.onEvent);
  const pages = new Map<string, PageState>();
  for (const [connector, page] of Object.entries(options.pages ?? {})) {
    let base: URL;
    try {
      base = new URL(page);
    } catch {
      throw new TypeError(`createProviderStatusWatcher: pages.${connector} must be the status page's URL, e.g. https://www.githubstatus.com; got ${JSON.stringify(page)}`);
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new TypeError(`createProviderStatusWatcher: pages.${connector} must be an http(s) URL; got ${JSON.stringify(page)}`);
    const href = base.href.replace(/\/+$/, '');
    pages.set(connector, { connector, page: href, url: `${href}/api/v2/summary.json`, etag: undefined, failures: 0, last: undefined, timer: undefined, nextAt: undefined, polling: undefined });
  }
  let running = false;

  const emit = (event: ConnectorEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // A listener must not stop the watcher.
      }
    }
  };

  const report = (state: PageState, reading: Omit<ProviderStatusEvent, 'type' | 'connector' | 'operation' | 'time' | 'page'>) => {
    const event: ProviderStatusEvent = { type: 'provider-status', connector: state.connector, operation: 'provider-status', time: now(), page: state.page, ...reading };
    const previous = state.last;
    state.last = event;
    const same =
      previous !== undefined &&
      previous.reachable === event.reachable &&
      previous.indicator === event.indicator &&
      previous.description === event.description &&
      JSON.stringify(previous.components) === JSON.stringify(event.components) &&
      JSON.stringify(previous.incidents) === JSON.stringify(event.incidents);
    if (!same) emit(event);
  };

  const pollOne = (state: PageState): Promise<void> => {
    state.polling ??= (async () => {
      const controller = new AbortController();
      const timeout = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      try {
        const response = await doFetch(state.url, {
          headers: { accept: 'application/json', ...(state.etag ? { 'if-none-match': state.etag } : {}) },
          signal: controller.signal,
        });
        if (response.status === 304 && state.last?.reachable) {
          await response.body?.cancel();
          state.failures = 0;
          return;
        }
        if (!response.ok) {
          await response.body?.cancel();
          throw new Error(`the status page answered ${response.status}`);
        }
        const parsed = parseStatuspageSummary(await response.json());
        state.etag = response.headers.get('etag') ?? undefined;
        state.failures = 0;
        report(state, { reachable: true, ...parsed });
      } catch (error) {
        state.failures++;
        state.etag = undefined;
        const why = scrubSecrets(error instanceof Error ? error.message : String(error));
        report(state, { reachable: false, indicator: 'unknown', description: `status page unreachable: ${why}`, components: [], incidents: [] });
      } finally {
        clearTimeout(timeout);
      }
    })().finally(() => {
      state.polling = undefined;
    });
    return state.polling;
  };

  const schedule = (state: PageState) => {
    if (!running || state.timer !== undefined) return;
    const delay = nextPollDelay(state.failures, intervalMs, maxIntervalMs, random);
    state.nextAt = now() + delay;
    state.timer = setTimeout(() => {
      state.timer = undefined;
      void pollOne(state).then(() => schedule(state));
    }, delay);
    state.timer.unref?.();
  };

  return {
    start() {
      if (running) return;
      running = true;
      for (const state of pages.values()) void pollOne(state).then(() => schedule(state));
    },
    stop() {
      running = false;
      for (const state of pages.values()) {
        clearTimeout(state.timer);
        state.timer = undefined;
        state.nextAt = undefined;
      }
    },
    async poll() {
      await Promise.all([...pages.values()].map(pollOne));
    },
    status: (connector) => pages.get(connector)?.last,
    nextPollAt: (connector) => pages.get(connector)?.nextAt,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
