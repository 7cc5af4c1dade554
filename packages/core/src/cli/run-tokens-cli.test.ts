import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteTokenStore } from '../auth/sqlite-token-store.ts';
import { generateTokenKey } from '../auth/token-cipher.ts';
import { runTokensCli } from './run-tokens-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'connectors-tokens-cli-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  delete process.env.CLI_TEST_KEY;
  delete process.env.CLI_TEST_KEY_OLD;
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runTokensCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('connectors-tokens reencrypt', () => {
  it('encrypts a store kept in clear, then moves it to a new key', async () => {
    const path = join(dir, 'tokens.db');
    const plain = sqliteTokenStore({ path });
    await plain.set('user-1', { accessToken: 'clear-at-1', refreshToken: 'clear-rt-1', updatedAt: 1 });
    plain.close();
    process.env.CLI_TEST_KEY_OLD = generateTokenKey();
    expect(await cli(['reencrypt', '--sqlite', path, '--key-env', 'CLI_TEST_KEY_OLD'])).toMatchObject({ code: 0, stdout: 'Re-encrypted 1 token record(s) with the key in CLI_TEST_KEY_OLD.\n' });
    expect(readFileSync(path).toString('latin1')).not.toContain('clear-rt-1');
    process.env.CLI_TEST_KEY = generateTokenKey();
    expect((await cli(['reencrypt', '--sqlite', path, '--key-env', 'CLI_TEST_KEY,CLI_TEST_KEY_OLD'])).code).toBe(0);
    const store = sqliteTokenStore({ path, encryption: { keyEnv: 'CLI_TEST_KEY' } });
    expect(await store.get('user-1')).toMatchObject({ refreshToken: 'clear-rt-1' });
    store.close();
  });

  it('explains usage mistakes and a missing key', async () => {
    expect(await cli(['reencrypt', '--sqlite', join(dir, 'x.db')])).toMatchObject({ code: 2, stderr: expect.stringContaining('--key-env is required') });
    expect(await cli(['reencrypt', '--key-env', 'K'])).toMatchObject({ code: 2, stderr: expect.stringContaining('exactly one of --sqlite') });
    expect(await cli(['rotate'])).toMatchObject({ code: 2 });
    expect(await cli(['reencrypt', '--sqlite', join(dir, 'y.db'), '--key-env', 'CLI_TEST_UNSET_KEY'])).toMatchObject({ code: 1, stderr: expect.stringContaining('CLI_TEST_UNSET_KEY is not set') });
  });
});
