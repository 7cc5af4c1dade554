import { parseArgs } from 'node:util';
import type { ReencryptResult, TokenEncryptionOptions } from '../auth/token-cipher.ts';

/** Where the CLI writes; injectable so tests can capture it. */
export interface TokensCliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const USAGE = `Usage: connectors-tokens reencrypt <store> --key-env <NAME>[,<OLD_NAME>...]

Rewrites every stored token record with the first key: records still in clear and records
under an older key (which must be listed after the first) come out encrypted with the first.

Store (one of):
  --sqlite <path>          A SQLite token store file
  --table <name>           Its table (default connector_tokens); also for --postgres
  --redis <url>            Redis, e.g. redis://127.0.0.1:6379
  --prefix <prefix>        Redis key prefix (default connectors:auth:)
  --postgres <url>         PostgreSQL, e.g. postgres://user@127.0.0.1/app
  --schema <name>          PostgreSQL schema (default connectors)

Keys:
  --key-env <names>        Comma-separated environment variable names; the first encrypts
`;

class UsageError extends Error {}

interface Reencryptable {
  reencrypt(): Promise<ReencryptResult>;
}

async function openStore(values: { [name: string]: string | boolean | undefined; sqlite?: string; redis?: string; postgres?: string; table?: string; prefix?: string; schema?: string }, encryption: TokenEncryptionOptions): Promise<{ store: Reencryptable; close: () => Promise<void> }> {
  const given = ['sqlite', 'redis', 'postgres'].filter((name) => values[name] !== undefined);
  if (given.length !== 1) throw new UsageError('Pass exactly one of --sqlite <path>, --redis <url> or --postgres <url>.');
  // Each driver is loaded only when asked for, so a Redis user needs no better-sqlite3, and so on.
  if (values.sqlite !== undefined) {
    const { sqliteTokenStore } = await import('../auth/sqlite-token-store.ts');
    const store = sqliteTokenStore({ path: values.sqlite, ...(values.table ? { table: values.table } : {}), encryption });
    return { store, close: async () => store.close() };
  }
  if (values.redis !== undefined) {
    const { Redis } = await import('ioredis');
    const redis = new Redis(values.redis, { maxRetriesPerRequest: 1, lazyConnect: true });
    await redis.connect();
    const { redisTokenStore } = await import('../auth/redis-token-store.ts');
    return { store: redisTokenStore({ redis, ...(values.prefix ? { prefix: values.prefix } : {}), encryption }), close: async () => void (await redis.quit()) };
  }
  const { postgresTokenStore } = await import('../auth/postgres-token-store.ts');
  const store = postgresTokenStore({ connectionString: values.postgres!, ...(values.schema ? { schema: values.schema } : {}), ...(values.table ? { table: values.table } : {}), encryption });
  return { store, close: () => store.close() };
}

/**
 * `connectors-tokens reencrypt`: encrypts a token store's existing records, or moves them to a new
 * key during a rotation. Returns the exit code (0 ok, 1 failure, 2 usage error).
 */
export async function runTokensCli(argv: readonly string[], io: TokensCliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }): Promise<number> {
  let opened: Awaited<ReturnType<typeof openStore>> | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        sqlite: { type: 'string' }, redis: { type: 'string' }, postgres: { type: 'string' },
        table: { type: 'string' }, prefix: { type: 'string' }, schema: { type: 'string' },
        'key-env': { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    if (positionals.length !== 1 || positionals[0] !== 'reencrypt') throw new UsageError(`Unknown command "${positionals.join(' ')}".`);
    const keyEnv = (values['key-env'] ?? '').split(',').map((name) => name.trim()).filter(Boolean);
    if (keyEnv.length === 0) throw new UsageError('--key-env is required: the name of the environment variable holding the new key (then any old ones).');
    opened = await openStore(values, { keyEnv });
    const { rewritten } = await opened.store.reencrypt();
    io.stdout(`Re-encrypted ${rewritten} token record(s) with the key in ${keyEnv[0]}.\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await opened?.close().catch(() => {});
  }
}
