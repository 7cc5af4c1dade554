import pg from 'pg';

/** How a PostgreSQL-backed component gets its connections. */
export interface PostgresConnectionOptions {
  /** A node-postgres pool you own (the component never ends it). */
  pool?: pg.Pool;
  /** Or a connection string (`postgres://user@host/db`); the component opens a pool and ends it on `close()`. */
  connectionString?: string;
  /** Schema holding the component's tables, created when missing. Default `connectors`. */
  schema?: string;
}

export interface ResolvedPostgres {
  pool: pg.Pool;
  /** Whether `close()` should end the pool. */
  owned: boolean;
  schema: string;
  /** The schema, quoted for SQL. */
  quotedSchema: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Checks a name that goes into SQL as an identifier (it cannot be a bind parameter). */
export function assertIdentifier(factory: string, what: string, value: string): void {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    throw new TypeError(`${factory}: ${what} must be a plain SQL identifier (letters, digits, _; at most 63); got ${JSON.stringify(value)}`);
  }
}

export function resolvePostgres(factory: string, options: PostgresConnectionOptions): ResolvedPostgres {
  if ((options.pool === undefined) === (options.connectionString === undefined)) {
    throw new TypeError(`${factory}: pass exactly one of \`pool\` (a pg Pool) or \`connectionString\` (postgres://...)`);
  }
  if (options.pool !== undefined && typeof (options.pool as { connect?: unknown }).connect !== 'function') {
    throw new TypeError(`${factory}: \`pool\` must be a pg Pool (new pg.Pool(...))`);
  }
  const schema = options.schema ?? 'connectors';
  assertIdentifier(factory, 'schema', schema);
  const pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString });
  if (options.pool === undefined) {
    // An idle client whose server went away emits 'error' on the pool; without a listener that would crash the process.
    pool.on('error', () => {});
  }
  return { pool, owned: options.pool === undefined, schema, quotedSchema: `"${schema}"` };
}
