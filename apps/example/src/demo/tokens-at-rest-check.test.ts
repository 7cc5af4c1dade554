import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { tokensAtRestCheck } from './tokens-at-rest-check.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('fails on a sandbox-minted token anywhere in a database file (WAL included), passes on ciphertext', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokens-at-rest-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'example.db'), Buffer.from('\0\0enc:v1:abc:def:ghi:jkl\0'));
  expect(tokensAtRestCheck(dir)).toMatchObject({ ok: true });
  writeFileSync(join(dir, 'example.db-wal'), Buffer.from('\0{"accessToken":"sbx_at_3_AbCdEfGhIjKl"}\0'));
  const check = tokensAtRestCheck(dir);
  expect(check.ok).toBe(false);
  expect(check.detail).toContain('example.db-wal');
});
