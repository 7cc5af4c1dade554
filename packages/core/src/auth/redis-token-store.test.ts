import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenStoreContract } from './__fixtures__/token-store-contract.ts';
import { redisTokenStore } from './redis-token-store.ts';
import { tokenRecordCodec } from './token-cipher.ts';
import type { TokenRecord } from './token-store.ts';

const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: false, maxRetriesPerRequest: 1 });
const runPrefix = `connectors-test:${randomUUID()}:`;

async function deleteKeys(pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 200);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

afterAll(async () => {
  await deleteKeys(`${runPrefix}*`);
  await redis.quit();
});

describe('redisTokenStore', () => {
  let prefix = `${runPrefix}0:`;
  let seq = 0;
  tokenStoreContract(
    () => redisTokenStore({ redis, prefix }),
    async () => {
      await deleteKeys(`${prefix}*`);
      prefix = `${runPrefix}${++seq}:`;
    },
  );

  it('keeps tokens and locks under the prefix, the lock with a TTL', async () => {
    const prefix = `${runPrefix}layout:`;
    const store = redisTokenStore({ redis, prefix });
    await store.set('cred', { accessToken: 'at-x', updatedAt: 1 });
    const lock = await store.tryLock('cred', 2_000);
    expect(await redis.get(`${prefix}token:cred`)).toBe('{"accessToken":"at-x","updatedAt":1,"v":2,"kind":"clear"}');
    const ttl = await redis.pttl(`${prefix}lock:cred`);
    expect(ttl).toBeGreaterThan(1_000);
    expect(ttl).toBeLessThanOrEqual(2_000);
    await lock!.release();
    expect(await redis.exists(`${prefix}lock:cred`)).toBe(0);
  });

  it('rejects something that is not a Redis client', () => {
    expect(() => redisTokenStore({ redis: {} as Redis })).toThrow(/ioredis client/);
  });
});

describe('redisTokenStore: the stored format says what it holds', () => {
  const KEY_ENV = 'CONNECTORS_TEST_LEGACY_KEY';
  // A fixed test key (bytes 1..32), so that records written by the previous version can be pasted below as they were stored.
  const KEY = 'AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=';
  beforeAll(() => {
    process.env[KEY_ENV] = KEY;
  });
  afterAll(() => {
    delete process.env[KEY_ENV];
  });
  const prefixFor = (name: string) => `${runPrefix}format-${name}:`;

  it('reads records written by the previous versions as they are: in clear, sealed in the wrapper, bare ciphertext', async () => {
    const prefix = prefixFor('legacy');
    await redis.set(`${prefix}token:legacy-clear`, '{"accessToken":"at-legacy-clear","refreshToken":"rt-legacy-clear","updatedAt":1680000000000}');
    await redis.set(
      `${prefix}token:legacy-sealed`,
      '{"updatedAt":1700000000000,"sealed":"enc:v1:1CEgo0tk:Dffh9BKZdPT6iBN7:p7kUN9uygc0MLrCmSVeU_er8Wg3z47SN8hj5YQGR6lLYOXinzDcxFokhLpZIsLb4ZZZoyYz9aZazmGXGX4ydGqML7Rnwmt2zN4rconbtaAJxGJArEwH529Te7NXncA:HfKd5zXOKOD4MneAyRsLyg"}',
    );
    await redis.set(`${prefix}token:legacy-raw`, 'enc:v1:1CEgo0tk:9Xajaw95c0bQzARt:KXbuYgQccGctetuTw-r4JL2U3k-3LBG6SeJbGwVDFeFvswS5fh9ksyDyNlBuqhdn40ZAtynySOx4:zCE6d8K0Byx0ViTkqISrag');
    const clear = redisTokenStore({ redis, prefix });
    const sealed = redisTokenStore({ redis, prefix, encryption: { keyEnv: KEY_ENV } });
    expect(await clear.get('legacy-clear')).toEqual({ accessToken: 'at-legacy-clear', refreshToken: 'rt-legacy-clear', updatedAt: 1680000000000 });
    expect(await sealed.get('legacy-sealed')).toEqual({ accessToken: 'at-legacy-sealed', refreshToken: 'rt-legacy-sealed', updatedAt: 1700000000000 });
    expect(await sealed.get('legacy-raw')).toEqual({ accessToken: 'at-legacy-raw', updatedAt: 1690000000000 });
    // The kinds still guard as before: a sealed record needs the key, a clear one is refused once a key is set.
    await expect(clear.get('legacy-sealed')).rejects.toMatchObject({ name: 'TokenEncryptionError', code: 'encrypted-record' });
    await expect(sealed.get('legacy-clear')).rejects.toMatchObject({ name: 'TokenEncryptionError', code: 'plaintext-record' });
    // The wrapper's updatedAt still guards a late write; a newer one replaces it in the new format.
    await sealed.set('legacy-sealed', { accessToken: 'at-older', updatedAt: 1600000000000 });
    expect((await sealed.get('legacy-sealed'))!.accessToken).toBe('at-legacy-sealed');
    await sealed.set('legacy-sealed', { accessToken: 'at-newer', updatedAt: 1800000000000 });
    expect(JSON.parse((await redis.get(`${prefix}token:legacy-sealed`))!)).toMatchObject({ updatedAt: 1800000000000, v: 2, kind: 'sealed', sealed: expect.stringMatching(/^enc:v1:/) });
    // reencrypt() moves every old record to the new format.
    expect(await sealed.reencrypt()).toEqual({ rewritten: 3 });
    for (const id of ['legacy-clear', 'legacy-raw']) expect(JSON.parse((await redis.get(`${prefix}token:${id}`))!)).toMatchObject({ v: 2, kind: 'sealed' });
    expect((await sealed.get('legacy-clear'))!.accessToken).toBe('at-legacy-clear');
  });

  it('reads a record in clear by its kind, whatever fields it carries (the old reader took a "sealed" field for ciphertext)', async () => {
    const store = redisTokenStore({ redis, prefix: prefixFor('fields') });
    const record = { updatedAt: 5, accessToken: 'at-fields', sealed: 'not a ciphertext' } as TokenRecord;
    await store.set('cred', record);
    expect(await store.get('cred')).toEqual(record);
  });

  it('a sealed record: its layout, and the compare-and-set on updatedAt for writes and deletes', async () => {
    const prefix = prefixFor('sealed');
    const store = redisTokenStore({ redis, prefix, encryption: { keyEnv: KEY_ENV } });
    await store.set('cred', { accessToken: 'at-2000', updatedAt: 2000 });
    const stored = JSON.parse((await redis.get(`${prefix}token:cred`))!) as Record<string, unknown>;
    expect(Object.keys(stored)).toEqual(['updatedAt', 'sealed', 'v', 'kind']);
    expect(stored).toMatchObject({ updatedAt: 2000, v: 2, kind: 'sealed', sealed: expect.stringMatching(/^enc:v1:/) });
    await store.set('cred', { accessToken: 'at-1000', updatedAt: 1000 });
    expect((await store.get('cred'))!.accessToken).toBe('at-2000');
    await store.set('cred', { accessToken: 'at-3000', updatedAt: 3000 });
    expect((await store.get('cred'))!.accessToken).toBe('at-3000');
    await redis.set(`${prefix}token:future`, JSON.stringify({ updatedAt: Date.now() + 60_000, sealed: 'enc:v1:x:y:z:w', v: 2, kind: 'sealed' }));
    await store.delete('future'); // written after the delete was issued: it stays
    expect(await redis.exists(`${prefix}token:future`)).toBe(1);
  });

  it('the previous version can still read what this one writes (a rolling upgrade)', async () => {
    // The previous version's reader, verbatim.
    const previousUnseal = (stored: string): string => {
      if (!stored.startsWith('{"updatedAt"') || !stored.includes('"sealed"')) return stored;
      const parsed = JSON.parse(stored) as { sealed?: unknown };
      return typeof parsed.sealed === 'string' ? parsed.sealed : stored;
    };
    const prefix = prefixFor('rolling');
    const record = { accessToken: 'at-rolling', refreshToken: 'rt-rolling', updatedAt: 7 };
    await redisTokenStore({ redis, prefix }).set('clear', record);
    await redisTokenStore({ redis, prefix, encryption: { keyEnv: KEY_ENV } }).set('sealed', record);
    expect(tokenRecordCodec(undefined, 'previous').decode('clear', previousUnseal((await redis.get(`${prefix}token:clear`))!))).toMatchObject(record);
    expect(tokenRecordCodec({ keyEnv: KEY_ENV }, 'previous').decode('sealed', previousUnseal((await redis.get(`${prefix}token:sealed`))!))).toEqual(record);
  });

  it('refuses a record in a format it does not know instead of guessing', async () => {
    const prefix = prefixFor('future-format');
    await redis.set(`${prefix}token:cred`, JSON.stringify({ updatedAt: 1, v: 3, kind: 'sealed-v3', data: '...' }));
    await expect(redisTokenStore({ redis, prefix }).get('cred')).rejects.toThrow(/format 3, which this version does not know \(it reads 2\); upgrade @connectors\/core/);
  });
});

