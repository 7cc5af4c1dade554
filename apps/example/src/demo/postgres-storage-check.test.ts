import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoDatabase, type DemoDatabase } from './demo-postgres.ts';
import { postgresStorageCheck } from './postgres-storage-check.ts';

const SERVER = process.env.CONNECTORS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
let database: DemoDatabase;
const dir = mkdtempSync(join(tmpdir(), 'connectors-storage-check-'));
beforeAll(async () => {
  database = await createDemoDatabase(SERVER);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query('CREATE SCHEMA app; CREATE TABLE app.things (id integer); INSERT INTO app.things VALUES (1), (2)');
  await client.end();
});
afterAll(async () => {
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('postgresStorageCheck', () => {
  it('passes only when every table holds what is expected and the directory has no SQLite file', async () => {
    writeFileSync(join(dir, 'app.log'), '{"msg":"not a database"}\n');
    expect(await postgresStorageCheck(database.url, 'app', { things: 2 }, dir)).toMatchObject({ ok: true, label: expect.stringContaining('2 rows in 1 table of schema app') });
    expect(await postgresStorageCheck(database.url, 'app', { things: { atLeast: 2 } }, dir)).toMatchObject({ ok: true });
    expect(await postgresStorageCheck(database.url, 'app', { things: 3 }, dir)).toMatchObject({ ok: false, detail: 'things: 2 rows, expected 3' });
    expect(await postgresStorageCheck(database.url, 'app', { missing: 0 }, dir)).toMatchObject({ ok: false, detail: 'no table app.missing' });
    // A SQLite file is found by its header whatever its name.
    writeFileSync(join(dir, 'state'), Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(84)]));
    expect(await postgresStorageCheck(database.url, 'app', { things: 2 }, dir)).toMatchObject({ ok: false, detail: `SQLite files in ${dir}: state` });
  });
});
