import { parseArgs } from 'node:util';
import { parseDuration } from '@connectors/core';
import type { DeadLetterFilter, InboxStats, InboxStore, StoredInboxEvent } from '../stores/inbox-store.ts';
import { DEFAULT_PROCESSED_RETENTION_MS } from '../worker/create-webhook-worker.ts';

/** Where the CLI writes; injectable so tests can capture it. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const USAGE = `Usage: connectors-webhooks <command> [options]

Commands:
  dlq list                 List dead letters (oldest first)
  dlq show <key>           Show one event: metadata, headers, body, last error
  dlq replay <key>...      Put these dead letters back in the queue
  dlq replay --all         Put every dead letter matching the filters back in the queue
  dlq discard <key>...     Drop these dead letters for good (keys kept for dedupe, bodies deleted)
  dlq discard --all --yes  Drop every dead letter matching the filters
  stats                    Queue depths: pending, leased, dead letters

Store (one of):
  --db <path>              The SQLite inbox file
  --redis <url>            Redis URL, e.g. redis://127.0.0.1:6379
  --prefix <prefix>        Redis key prefix (default: webhooks)
  --postgres <url>         PostgreSQL URL, e.g. postgres://user@127.0.0.1/app
  --schema <name>          PostgreSQL schema of the inbox table (default: connectors)

Filters (list, replay --all):
  --source <name>  --type <type>  --since <ISO date|epoch ms>  --until <ISO date|epoch ms>  --limit <n>

Discard:
  --retain <duration>      How long a discarded key still marks redeliveries as duplicates
                           (default 3d, as the worker keeps processed keys; e.g. 12h, 7d)
  --yes                    Required with discard --all: it cannot be undone

Output:
  --json                   Machine-readable output
`;

class UsageError extends Error {}

function parseTime(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be an ISO date (2024-05-01T00:00:00Z) or epoch milliseconds; got "${value}".`);
  return n;
}

/** What the CLI uses of a store: the inspector's reads (a lease past its time shows as `expired`) and the DLQ writes. */
type ShownEvent = Omit<StoredInboxEvent, 'state'> & { state: string };
interface CliStore extends Pick<InboxStore, 'listDeadLetters' | 'replayDeadLetters' | 'discardDeadLetters'> {
  get(key: string): Promise<ShownEvent | undefined>;
  stats(): Promise<InboxStats & { expiredLeases?: number }>;
}

async function openStore(values: { db?: string; redis?: string; prefix?: string; postgres?: string; schema?: string }, readOnly = false): Promise<{ store: CliStore; close: () => Promise<void> }> {
  if ([values.db, values.redis, values.postgres].filter((v) => v !== undefined).length !== 1) {
    throw new UsageError('Pass exactly one of --db <sqlite file>, --redis <url> or --postgres <url>.');
  }
  if (readOnly && values.db !== undefined) {
    // Reading needs no writer: no checkpointer thread, no write lock on a file the inbox is using.
    const { inspectSqliteInbox } = await import('../stores/sqlite-inbox-inspector.ts');
    const inspector = inspectSqliteInbox({ path: values.db });
    const refuse = () => Promise.reject(new Error('the read-only inspector cannot change events'));
    return { store: { ...inspector, replayDeadLetters: refuse, discardDeadLetters: refuse }, close: () => inspector.close() };
  }
  if (values.postgres !== undefined) {
    const { postgresInboxStore } = await import('../stores/postgres-inbox-store.ts');
    const store = postgresInboxStore({ connectionString: values.postgres, schema: values.schema });
    return { store: readOnly ? { ...store, ...store.inspector() } : store, close: () => store.close() };
  }
  if (values.db !== undefined) {
    // Loaded on demand so a Redis user needs no better-sqlite3, and the other way round.
    const { sqliteInboxStore } = await import('../stores/sqlite-inbox-store.ts');
    const store = sqliteInboxStore({ path: values.db });
    return { store, close: () => store.close() };
  }
  const { Redis } = await import('ioredis');
  const redis = new Redis(values.redis!, { maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  const { redisInboxStore } = await import('../stores/redis-inbox-store.ts');
  const store = redisInboxStore({ redis, prefix: values.prefix });
  return {
    store,
    close: async () => {
      await store.close();
      await redis.quit();
    },
  };
}

function firstLine(text: string | undefined, max = 80): string {
  const line = (text ?? '').split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function bodyForDisplay(body: Buffer): { encoding: 'utf8' | 'base64'; text: string } {
  const text = body.toString('utf8');
  // Invalid UTF-8 decodes to U+FFFD; show such bodies as base64 so no byte is lost.
  return Buffer.byteLength(text) === body.length && !text.includes('\uFFFD') ? { encoding: 'utf8', text } : { encoding: 'base64', text: body.toString('base64') };
}

function summary(event: ShownEvent): Record<string, unknown> {
  return {
    key: event.key,
    source: event.source,
    id: event.id,
    type: event.type ?? null,
    state: event.state,
    attempts: event.attempts,
    receivedAt: new Date(event.receivedAt).toISOString(),
    deadAt: event.state === 'dead' && event.stateChangedAt !== undefined ? new Date(event.stateChangedAt).toISOString() : null,
    lastError: event.lastError ?? null,
  };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/**
 * The `connectors-webhooks` command line: inspect, replay and discard dead letters of a SQLite, Redis or PostgreSQL inbox.
 * Returns the exit code (0 ok, 1 failure, 2 usage error).
 */
export async function runCli(argv: readonly string[], io: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        db: { type: 'string' },
        redis: { type: 'string' },
        prefix: { type: 'string' },
        postgres: { type: 'string' },
        schema: { type: 'string' },
        source: { type: 'string' },
        type: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        limit: { type: 'string' },
        all: { type: 'boolean', default: false },
        yes: { type: 'boolean', default: false },
        retain: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.stderr(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [group, command, ...rest] = positionals;
  if (values.help || group === undefined || group === 'help') {
    io.stdout(USAGE);
    return values.help || group === 'help' ? 0 : 2;
  }
  let opened: Awaited<ReturnType<typeof openStore>> | undefined;
  try {
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new UsageError(`--limit must be a whole number >= 1; got "${values.limit}".`);
    const filter: DeadLetterFilter = {
      source: values.source,
      type: values.type,
      since: parseTime(values.since, '--since'),
      until: parseTime(values.until, '--until'),
      limit,
    };
    const action = group === 'stats' ? 'stats' : group === 'dlq' ? command : undefined;
    if (action === undefined || !['list', 'show', 'replay', 'discard', 'stats'].includes(action)) throw new UsageError(`Unknown command "${positionals.join(' ')}".`);
    if (action === 'show' && rest.length !== 1) throw new UsageError('dlq show takes exactly one event key (source:id), as printed by dlq list.');
    if ((action === 'replay' || action === 'discard') && rest.length === 0 && !values.all) {
      throw new UsageError(`dlq ${action} needs event keys, or --all (with optional filters) to ${action} every matching dead letter.`);
    }
    if ((action === 'replay' || action === 'discard') && rest.length > 0 && values.all) throw new UsageError(`dlq ${action} takes event keys or --all, not both.`);
    if (action === 'discard' && values.all && !values.yes) {
      throw new UsageError('dlq discard --all drops every matching dead letter for good; add --yes to confirm (dlq list with the same filters shows which).');
    }
    // A discarded event is deduplicated as long as the worker remembers processed ones.
    let retainMs = DEFAULT_PROCESSED_RETENTION_MS;
    if (values.retain !== undefined) {
      try {
        retainMs = parseDuration(values.retain, '--retain');
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    }
    opened = await openStore(values, action === 'stats' || action === 'list' || action === 'show');
    const { store } = opened;

    if (action === 'stats') {
      const stats = await store.stats();
      const expired = stats.expiredLeases === undefined ? '' : `expired leases: ${stats.expiredLeases} (held by a worker that died or hangs; handed out again)\n`;
      io.stdout(values.json ? `${JSON.stringify(stats)}\n` : `pending: ${stats.pending}\nleased: ${stats.leased}\n${expired}dead letters: ${stats.deadLetters}\n`);
      return 0;
    }
    if (action === 'list') {
      const events = await store.listDeadLetters(filter);
      if (values.json) {
        io.stdout(`${JSON.stringify(events.map(summary))}\n`);
      } else if (events.length === 0) {
        io.stdout('No dead letters.\n');
      } else {
        const rows = [['KEY', 'TYPE', 'ATTEMPTS', 'DEAD AT', 'LAST ERROR']];
        for (const e of events) rows.push([e.key, e.type ?? '-', String(e.attempts), e.stateChangedAt === undefined ? '-' : new Date(e.stateChangedAt).toISOString(), firstLine(e.lastError)]);
        io.stdout(`${table(rows)}\n${events.length} dead letter(s).\n`);
      }
      return 0;
    }
    if (action === 'show') {
      const event = await store.get(rest[0]!);
      if (event === undefined) {
        io.stderr(`No event with key "${rest[0]}".\n`);
        return 1;
      }
      const body = bodyForDisplay(event.body);
      const full = { ...summary(event), timestamp: event.timestamp === undefined ? null : new Date(event.timestamp).toISOString(), headers: event.headers, bodyEncoding: body.encoding, body: body.text };
      if (values.json) io.stdout(`${JSON.stringify(full)}\n`);
      else {
        const lines = Object.entries(summary(event)).map(([k, v]) => `${k}: ${v === null ? '-' : String(v)}`);
        lines.push('headers:', ...Object.entries(event.headers).map(([k, v]) => `  ${k}: ${v}`));
        lines.push(`body (${body.encoding}, ${event.body.length} bytes):`, body.text);
        io.stdout(`${lines.join('\n')}\n`);
      }
      return 0;
    }
    const selected = rest.length > 0 ? { ...filter, keys: rest } : filter;
    if (action === 'discard') {
      const discarded = await store.discardDeadLetters(selected, { now: Date.now(), retainMs });
      io.stdout(values.json ? `${JSON.stringify({ discarded })}\n` : `Discarded ${discarded} dead letter(s).\n`);
      return 0;
    }
    const replayed = await store.replayDeadLetters(selected, { now: Date.now() });
    io.stdout(values.json ? `${JSON.stringify({ replayed })}\n` : `Replayed ${replayed} dead letter(s).\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await opened?.close().catch(() => {});
  }
}
