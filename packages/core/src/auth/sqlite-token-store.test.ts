import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { tokenStoreContract } from './__fixtures__/token-store-contract.ts';
import { type SqliteTokenStore, sqliteTokenStore } from './sqlite-token-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'connectors-sqlite-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sqliteTokenStore', () => {
  let file = join(dir, 'tokens-0.db');
  let seq = 0;
  const handles: SqliteTokenStore[] = [];
  // Each handle is its own connection to the same file, as separate processes would have.
  tokenStoreContract(
    () => {
      const store = sqliteTokenStore({ path: file });
      handles.push(store);
      return store;
    },
    async () => {
      for (const handle of handles.splice(0)) handle.close();
      file = join(dir, `tokens-${++seq}.db`);
    },
  );

  it('uses WAL and works with a database the caller opened', () => {
    const db = new Database(join(dir, 'own.db'));
    const store = sqliteTokenStore({ database: db, table: 'my_tokens' });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    store.close(); // not ours to close
    expect(db.open).toBe(true);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('my_tokens', 'my_tokens_locks') ORDER BY name").all()).toEqual([
      { name: 'my_tokens' },
      { name: 'my_tokens_locks' },
    ]);
    db.close();
  });

  it('fails clearly on a corrupt row and on bad options', async () => {
    const db = new Database(join(dir, 'corrupt.db'));
    const store = sqliteTokenStore({ database: db });
    db.prepare('INSERT INTO connector_tokens (id, record, updated_at) VALUES (?, ?, ?)').run('x', '{"nope":1}', 0);
    await expect(store.get('x')).rejects.toThrow(/lacks accessToken\/updatedAt; delete it and authorize again/);
    db.close();
    expect(() => sqliteTokenStore({})).toThrow(/exactly one of `path`/);
    expect(() => sqliteTokenStore({ path: join(dir, 'x.db'), table: 'x; DROP TABLE y' })).toThrow(/plain SQL identifier/);
  });
});
