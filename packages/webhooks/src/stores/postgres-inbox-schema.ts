import { eventKey, type InboxEventState, type StoredInboxEvent } from './inbox-store.ts';
import type { PostgresMigration } from '@connectors/core/postgres';

/*
 * The PostgreSQL inbox's table: its migrations, its columns and how a row becomes an event. The
 * queries that use them (and the I/O policy: group commit, leases) are in postgres-inbox-store.ts.
 */

export interface Row {
  seq: string;
  source: string;
  event_id: string;
  type: string | null;
  event_ts: string | null;
  received_at: string;
  headers: string;
  body: Buffer;
  state: InboxEventState;
  attempts: number;
  due_at: string;
  lease_token: string | null;
  last_error: string | null;
  changed_at: string | null;
}

export const COLUMNS = 'seq, source, event_id, type, event_ts, received_at, headers, body, state, attempts, due_at, lease_token, last_error, changed_at';

function num(value: string | null): number | undefined {
  return value === null ? undefined : Number(value);
}

export function toEvent(row: Row): StoredInboxEvent {
  const leaseOrDue = row.state === 'pending' || row.state === 'leased';
  return {
    key: eventKey(row.source, row.event_id),
    source: row.source,
    id: row.event_id,
    type: row.type ?? undefined,
    timestamp: num(row.event_ts),
    receivedAt: Number(row.received_at),
    headers: JSON.parse(row.headers) as Record<string, string>,
    body: row.body,
    state: row.state,
    attempts: row.attempts,
    lastError: row.last_error ?? undefined,
    stateChangedAt: leaseOrDue ? Number(row.due_at) : num(row.changed_at),
  };
}

/** `{channel}` is the NOTIFY channel the trigger signals. */
export function migrations(table: string, channel: string): PostgresMigration[] {
  const t = `{schema}."${table}"`;
  return [
    {
      version: 1,
      sql: `
        CREATE TABLE ${t} (
          seq bigserial PRIMARY KEY,
          source text NOT NULL,
          event_id text NOT NULL,
          type text,
          event_ts bigint,
          received_at bigint NOT NULL,
          headers text NOT NULL,
          body bytea NOT NULL,
          state text NOT NULL,
          attempts integer NOT NULL DEFAULT 0,
          due_at bigint NOT NULL,
          lease_token text,
          last_error text,
          changed_at bigint,
          UNIQUE (source, event_id)
        );
        CREATE INDEX ON ${t} (due_at, seq) WHERE state IN ('pending', 'leased');
        CREATE INDEX ON ${t} (changed_at) WHERE state = 'dead';
        CREATE INDEX ON ${t} (due_at) WHERE state IN ('processed', 'discarded');
        -- Wakes LISTENing workers (in any process) when an event becomes ready. PostgreSQL folds identical
        -- notifications of one transaction into one, so a batch of puts costs one wake-up.
        CREATE FUNCTION {schema}."${table}_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify(TG_ARGV[0], ''); RETURN NULL; END $$;
        CREATE TRIGGER "${table}_ready" AFTER INSERT OR UPDATE OF state ON ${t}
          FOR EACH ROW WHEN (NEW.state = 'pending') EXECUTE FUNCTION {schema}."${table}_notify"('${channel}');
      `,
    },
    {
      version: 2,
      // Inserts wake workers once per statement instead of once per row: a group commit of 500 events
      // ran the trigger function 500 times for one folded notification. Updates back to 'pending'
      // (retries, replays) are few and keep the row trigger, whose WHEN skips every other update.
      sql: `
        DROP TRIGGER "${table}_ready" ON ${t};
        CREATE TRIGGER "${table}_ready" AFTER UPDATE OF state ON ${t}
          FOR EACH ROW WHEN (NEW.state = 'pending') EXECUTE FUNCTION {schema}."${table}_notify"('${channel}');
        CREATE FUNCTION {schema}."${table}_notify_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM inserted) THEN PERFORM pg_notify(TG_ARGV[0], ''); END IF;
          RETURN NULL;
        END $$;
        CREATE TRIGGER "${table}_inserted" AFTER INSERT ON ${t} REFERENCING NEW TABLE AS inserted
          FOR EACH STATEMENT EXECUTE FUNCTION {schema}."${table}_notify_inserted"('${channel}');
      `,
    },
    {
      version: 3,
      // A row with a ~2 KB body passes PostgreSQL's TOAST threshold, so every put compresses its body;
      // lz4 does that for about 5 µs less server CPU per put than the default pglz (measured by
      // bench/postgres-inbox-store.bench.ts). Only where the server has it: PostgreSQL 14 or later,
      // built with lz4 (the PGDG and Debian packages and the official images are). Existing bodies keep
      // their compression; the ALTER only changes the column's setting, no rewrite. Whether the server
      // has lz4 is read from default_toast_compression's allowed values, which list lz4 only in builds
      // made --with-lz4 (PostgreSQL docs, runtime-config-client "default_toast_compression";
      // sql-altertable "SET COMPRESSION"). PostgreSQL's development branch makes lz4 the default in 2026.
      // https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-DEFAULT-TOAST-COMPRESSION
      sql: `
        DO $$
        BEGIN
          IF current_setting('server_version_num')::int >= 140000
             AND EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
            EXECUTE 'ALTER TABLE ${t} ALTER COLUMN body SET COMPRESSION lz4';
          END IF;
        END $$;
      `,
    },
  ];
}

