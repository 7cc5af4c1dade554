import pg from 'pg';

/** A pool or a client inside a transaction: anything that runs a query. */
export type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * node-postgres reads `bigint` (epoch ms, GitHub ids) as strings, since not every int8 fits a JS
 * number. These do (epoch ms until the year 287,396; ids far below 2^53), and the rows must equal
 * the SQLite ones, so reads of the app's tables parse them as numbers. Per query: the pool is
 * shared with the connectors' stores, whose own reads keep the default.
 */
const INT8_AS_NUMBER = {
  getTypeParser: (oid: number, format?: 'text') => (oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format)),
} as pg.CustomTypesConfig;

/** SELECTs the app's rows, int8 columns as numbers. */
export async function selectRows<R extends pg.QueryResultRow>(db: Queryable, text: string, values: readonly unknown[] = []): Promise<R[]> {
  return (await db.query<R>({ text, values: [...values], types: INT8_AS_NUMBER })).rows;
}

/** Runs `work` in a transaction on a connection of its own: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const value = await work(client);
    await client.query('COMMIT');
    return value;
  } catch (error) {
    // A connection that cannot even roll back is not given back to the pool.
    await client.query('ROLLBACK').catch((cause: Error) => (broken = cause));
    throw error;
  } finally {
    client.release(broken);
  }
}

/** At most this many rows per INSERT (PostgreSQL takes at most 65,535 parameters per statement). */
const ROWS_PER_STATEMENT = 500;

/**
 * `INSERT INTO table (columns) VALUES (...), (...) <tail>` with every value a parameter: one round
 * trip for a page of rows instead of one per row. PostgreSQL refuses to update the same row twice in
 * one `ON CONFLICT DO UPDATE`, so a row whose key repeats goes into the next statement, in order:
 * the outcome is the same as writing the rows one at a time, as SQLite does.
 */
export async function insertRows<R>(db: Queryable, table: string, columns: readonly (keyof R & string)[], rows: readonly R[], tail: string, keyOf: (row: R) => string): Promise<void> {
  for (const batch of batches(rows, keyOf)) {
    const values: unknown[] = [];
    const tuples = batch.map((row) => `(${columns.map((column) => `$${values.push(row[column])}`).join(', ')})`);
    await db.query(`INSERT INTO ${table} (${columns.map((column) => `"${column}"`).join(', ')}) VALUES ${tuples.join(', ')} ${tail}`, values);
  }
}

/** Consecutive batches of at most ROWS_PER_STATEMENT rows in which no key appears twice. */
function batches<R>(rows: readonly R[], keyOf: (row: R) => string): R[][] {
  const result: R[][] = [];
  let batch: R[] = [];
  let keys = new Set<string>();
  for (const row of rows) {
    const key = keyOf(row);
    if (keys.has(key) || batch.length === ROWS_PER_STATEMENT) {
      result.push(batch);
      batch = [];
      keys = new Set();
    }
    batch.push(row);
    keys.add(key);
  }
  if (batch.length > 0) result.push(batch);
  return result;
}
