import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { credentialsToIcs } from '../credentials/credentials-ics.ts';
import { type CredentialDeclaration, type CredentialEntry, createCredentialsInventory, type CredentialsInventory } from '../credentials/credentials-inventory.ts';

/** Where the CLI writes; injectable so tests can capture it. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Injectable for tests. */
  now?: () => number;
  fetch?: typeof globalThis.fetch;
}

const USAGE = `Usage: connectors credentials (--config <module> | --url <dashboard url>) [--json | --ics <file|->]

Lists every credential the app's connectors use: kind, where it comes from (environment variable,
store key), which connectors and operations use it, when it expires, days left, last success.
Never a value.

  --config <module>   A module whose default (or \`credentials\`) export is the list of credential
                      declarations, an inventory (createCredentialsInventory), or a function returning one
  --url <url>         A running app's dashboard, e.g. http://127.0.0.1:8080/dashboard (reads api/credentials,
                      which adds the operations called and the last successful call)
  --json              Machine-readable output
  --ics <file|->      Write calendar reminders for expirations (iCalendar); - for stdout
  --remind <days>     Reminder days before each expiry for --ics (default 14,7,1)
`;

class UsageError extends Error {}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

async function fromConfig(path: string, now: () => number): Promise<CredentialEntry[]> {
  const module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  let value = module['credentials'] ?? module['default'];
  if (typeof value === 'function') value = await (value as () => unknown)();
  if (Array.isArray(value)) return createCredentialsInventory(value as CredentialDeclaration[], { clock: { now } }).list();
  if (value && typeof (value as CredentialsInventory).list === 'function') return (value as CredentialsInventory).list();
  throw new UsageError(`${path}: export the credential declarations (an array), an inventory, or a function returning one, as \`default\` or \`credentials\`.`);
}

async function fromUrl(url: string, doFetch: typeof globalThis.fetch): Promise<CredentialEntry[]> {
  const endpoint = `${url.replace(/\/+$/, '')}/api/credentials`;
  const response = await doFetch(endpoint, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${endpoint} answered ${response.status}`);
  const body = (await response.json()) as unknown;
  if (!Array.isArray(body)) throw new Error(`${endpoint} did not return a list of credentials`);
  return body as CredentialEntry[];
}

/**
 * The `connectors` command line. Today one command, `credentials`: the inventory as a table, JSON
 * or calendar reminders. Returns the exit code (0 ok, 1 failure, 2 usage error).
 */
export async function runCli(argv: readonly string[], io: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }): Promise<number> {
  const now = io.now ?? Date.now;
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: [...argv],
        allowPositionals: true,
        options: {
          config: { type: 'string' },
          url: { type: 'string' },
          json: { type: 'boolean', default: false },
          ics: { type: 'string' },
          remind: { type: 'string' },
          help: { type: 'boolean', short: 'h', default: false },
        },
      });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    if (positionals[0] !== 'credentials' || positionals.length > 1) throw new UsageError(positionals.length ? `Unknown command "${positionals.join(' ')}".` : 'Give a command.');
    if ((values.config === undefined) === (values.url === undefined)) throw new UsageError('Pass exactly one of --config <module> or --url <dashboard url>.');
    if (values.json && values.ics !== undefined) throw new UsageError('--json and --ics write different things; pick one.');
    const remind = values.remind === undefined ? undefined : values.remind.split(',').map((d) => Number(d.trim()));
    if (remind?.some((d) => !Number.isInteger(d) || d < 0)) throw new UsageError(`--remind takes whole numbers of days, e.g. 14,7,1; got "${values.remind}".`);

    const entries = values.config !== undefined ? await fromConfig(values.config, now) : await fromUrl(values.url!, io.fetch ?? globalThis.fetch);

    if (values.ics !== undefined) {
      const ics = credentialsToIcs(entries, remind ? { remindDaysBefore: remind } : {});
      const dated = entries.filter((e) => e.expiresAt !== undefined).length;
      if (values.ics === '-') io.stdout(ics);
      else {
        await writeFile(values.ics, ics);
        io.stdout(`Wrote ${dated} expiration reminder(s) to ${values.ics}${dated < entries.length ? ` (${entries.length - dated} credential(s) have no expiry)` : ''}.\n`);
      }
      return 0;
    }
    if (values.json) {
      io.stdout(`${JSON.stringify(entries, null, 2)}\n`);
      return 0;
    }
    if (entries.length === 0) {
      io.stdout('No credentials declared.\n');
      return 0;
    }
    const rows = [['NAME', 'KIND', 'SOURCE', 'USED BY', 'EXPIRES', 'DAYS LEFT', 'LAST SUCCESS']];
    for (const e of entries) {
      rows.push([
        e.name,
        e.kind,
        e.source,
        e.operations.length ? `${e.connectors.join(', ')} (${e.operations.join(', ')})` : e.connectors.join(', '),
        e.expiresAt?.slice(0, 10) ?? 'never',
        e.daysLeft === undefined ? '-' : String(e.daysLeft),
        e.lastSuccessfulCheckAt ?? '-',
      ]);
    }
    const soon = entries.filter((e) => e.daysLeft !== undefined && e.daysLeft <= 14);
    io.stdout(`${table(rows)}\n${entries.length} credential(s)${soon.length ? `; ${soon.length} expire(s) within 14 days: ${soon.map((e) => e.name).join(', ')}` : ''}.\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
