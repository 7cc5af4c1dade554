import * as crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signWebhook, verifyWebhook } from '../verify/verify-webhook.ts';
import { githubScheme } from './github-scheme.ts';
import { hmacScheme } from './hmac-scheme.ts';
import { MAX_SIGNATURE_HEADER_LENGTH, MAX_SIGNATURES } from './hmac-tools.ts';
import { hubspotLegacyScheme, hubspotLegacySchemeFor } from './hubspot-legacy-scheme.ts';
import { hubspotV3Scheme } from './hubspot-v3-scheme.ts';
import { shopifyScheme } from './shopify-scheme.ts';
import { slackScheme } from './slack-scheme.ts';
import { standardWebhooksScheme } from './standard-webhooks-scheme.ts';
import { stripeScheme } from './stripe-scheme.ts';
import type { WebhookScheme, WebhookSecret } from './webhook-scheme.ts';

/*
 * Seeded fuzzing of every built-in scheme: a valid delivery always verifies; any change to what the
 * provider signs (body bytes, the signature's text, a signed timestamp, id, method or URL) never
 * does; nothing throws; and the work per verification is bounded by a count of crypto operations
 * (HMACs, hashes, Ed25519 checks), not by a timer, whatever the header holds.
 */

// Counts every crypto primitive the schemes call. The schemes import these names from node:crypto.
const ops = { count: 0 };
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    createHmac: (...args: Parameters<typeof real.createHmac>) => {
      ops.count++;
      return real.createHmac(...args);
    },
    createHash: (...args: Parameters<typeof real.createHash>) => {
      ops.count++;
      return real.createHash(...args);
    },
    verify: (...args: Parameters<typeof real.verify>) => {
      ops.count++;
      return real.verify(...args);
    },
  };
});

afterEach(() => {
  ops.count = 0;
});

/** mulberry32: a small seeded generator, so a failing case can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOW = 1_714_000_000_000;
const URL_CALLED = 'https://hooks.example.com/webhooks/src?portal=62515';
const HEX = '0123456789abcdef';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

interface Case {
  name: string;
  scheme: WebhookScheme;
  secret: WebhookSecret;
  /** The verifying key, when it differs from the signing secret (Ed25519). */
  verifySecret?: WebhookSecret;
  /** The header carrying the signature, as `sign()` names it, and where the digest sits in it. */
  signatureHeader: string;
  digest: RegExp;
  alphabet: string;
  /** Signed headers other than the signature (timestamp, id), mutated too. */
  signedHeaders: string[];
  /** Whether method and URL are signed. */
  requestLine: boolean;
  /** Hashes/HMACs/verifications one verification may cost per configured secret, at most. */
  opsPerSecret: number;
  /** Stripe events are JSON objects; the others take arrays too. */
  objectBody?: boolean;
}

const ed = crypto.generateKeyPairSync('ed25519');
const seed = (ed.privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer).subarray(-32);
const publicKey = `whpk_${Buffer.from(ed.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64')}`;
const signingKey = `whsk_${seed.toString('base64')}`;

const linear = hmacScheme({ name: 'linear', header: 'Linear-Signature', id: 'Linear-Delivery', separator: ',', timestamp: { header: 'Linear-Timestamp' }, signedContent: (c) => [`${c.timestamp}.`, c.body] });

const CASES: Case[] = [
  { name: 'github', scheme: githubScheme, secret: 'gh-secret', signatureHeader: 'X-Hub-Signature-256', digest: /^sha256=([0-9a-f]+)$/, alphabet: HEX, signedHeaders: [], requestLine: false, opsPerSecret: 1 },
  { name: 'stripe', scheme: stripeScheme, secret: 'whsec_stripe', signatureHeader: 'Stripe-Signature', digest: /v1=([0-9a-f]+)/, alphabet: HEX, signedHeaders: [], requestLine: false, opsPerSecret: 1, objectBody: true },
  { name: 'slack', scheme: slackScheme, secret: 'slack-signing', signatureHeader: 'X-Slack-Signature', digest: /^v0=([0-9a-f]+)$/, alphabet: HEX, signedHeaders: ['X-Slack-Request-Timestamp'], requestLine: false, opsPerSecret: 1 },
  { name: 'shopify', scheme: shopifyScheme, secret: 'shpss_secret', signatureHeader: 'X-Shopify-Hmac-Sha256', digest: /^(.+)$/, alphabet: B64, signedHeaders: [], requestLine: false, opsPerSecret: 1 },
  { name: 'hubspot-v3', scheme: hubspotV3Scheme, secret: 'hs-client-secret', signatureHeader: 'X-HubSpot-Signature-v3', digest: /^(.+)$/, alphabet: B64, signedHeaders: ['X-HubSpot-Request-Timestamp'], requestLine: true, opsPerSecret: 1 },
  { name: 'hubspot-legacy v2', scheme: hubspotLegacyScheme, secret: 'hs-client-secret', signatureHeader: 'X-HubSpot-Signature', digest: /^(.+)$/, alphabet: HEX, signedHeaders: [], requestLine: true, opsPerSecret: 1 },
  { name: 'hubspot-legacy v1 (pinned)', scheme: hubspotLegacySchemeFor('v1'), secret: 'hs-client-secret', signatureHeader: 'X-HubSpot-Signature', digest: /^(.+)$/, alphabet: HEX, signedHeaders: [], requestLine: false, opsPerSecret: 1 },
  { name: 'standard-webhooks v1', scheme: standardWebhooksScheme, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', signatureHeader: 'webhook-signature', digest: /^v1,(.+)$/, alphabet: B64, signedHeaders: ['webhook-id', 'webhook-timestamp'], requestLine: false, opsPerSecret: 1 },
  {
    name: 'standard-webhooks v1a', scheme: standardWebhooksScheme, secret: signingKey, verifySecret: publicKey, signatureHeader: 'webhook-signature', digest: /^v1a,(.+)$/, alphabet: B64,
    signedHeaders: ['webhook-id', 'webhook-timestamp'], requestLine: false, opsPerSecret: MAX_SIGNATURES,
  },
  { name: 'hmacScheme (several signatures)', scheme: linear, secret: 'linear-secret', signatureHeader: 'Linear-Signature', digest: /^([0-9a-f]+)$/, alphabet: HEX, signedHeaders: ['Linear-Timestamp'], requestLine: false, opsPerSecret: 1 },
];

function randomBody(rand: () => number, objectOnly = false): string {
  const events = Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, i) => ({
    id: `evt_${Math.floor(rand() * 1e9)}`,
    eventId: Math.floor(rand() * 1e9) + i,
    subscriptionType: 'contact.creation',
    type: 'invoice.paid',
    note: Array.from({ length: Math.floor(rand() * 40) }, () => String.fromCharCode(32 + Math.floor(rand() * 95))).join(''),
  }));
  return rand() < 0.5 && !objectOnly ? JSON.stringify(events) : JSON.stringify(events[0]);
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

/** A different character of the alphabet, never the same letter in the other case (hex is case-insensitive). */
function otherChar(rand: () => number, alphabet: string, current: string): string {
  for (;;) {
    const c = pick(rand, alphabet.split(''));
    if (alphabet === HEX ? c.toLowerCase() !== current.toLowerCase() : c !== current) return c;
  }
}

interface Delivery {
  body: Buffer;
  headers: Record<string, string>;
  method: string;
  url: string;
}

function verify(c: Case, d: Delivery, secrets: readonly WebhookSecret[] = [c.verifySecret ?? c.secret]) {
  return verifyWebhook(c.scheme, { body: d.body, headers: d.headers, secrets, method: d.method, url: d.url, now: NOW });
}

/** A change to something the provider signs: each must make the delivery fail. */
function mutate(rand: () => number, c: Case, valid: Delivery): { what: string; delivery: Delivery } {
  const d: Delivery = { body: Buffer.from(valid.body), headers: { ...valid.headers }, method: valid.method, url: valid.url };
  const header = d.headers[c.signatureHeader]!;
  const match = c.digest.exec(header)!;
  const start = match.index + match[0].indexOf(match[1]!);
  const digest = match[1]!;
  const setDigest = (text: string) => {
    d.headers[c.signatureHeader] = header.slice(0, start) + text + header.slice(start + digest.length);
  };
  const kinds = ['flip-body-bit', 'drop-body-byte', 'insert-body-byte', 'truncate-body', 'append-body', 'change-digest-char', 'append-digest-char', 'drop-digest-char', 'non-canonical-digest', 'drop-signature'];
  if (c.signedHeaders.length) kinds.push('signed-header');
  if (c.requestLine) kinds.push('url', 'method', 'move-body-into-url');
  const kind = pick(rand, kinds);
  const at = Math.floor(rand() * d.body.length);
  switch (kind) {
    case 'flip-body-bit':
      d.body[at] = d.body[at]! ^ (1 << Math.floor(rand() * 8));
      break;
    case 'drop-body-byte':
      d.body = Buffer.concat([d.body.subarray(0, at), d.body.subarray(at + 1)]);
      break;
    case 'insert-body-byte':
      d.body = Buffer.concat([d.body.subarray(0, at), Buffer.from([Math.floor(rand() * 256)]), d.body.subarray(at)]);
      break;
    case 'truncate-body':
      d.body = d.body.subarray(0, at);
      break;
    case 'append-body':
      d.body = Buffer.concat([d.body, Buffer.from(pick(rand, [' ', '\n', '0', '}', 'x']))]);
      break;
    case 'change-digest-char': {
      // The last base64 character before padding may only carry unused bits: change an earlier one.
      const i = Math.floor(rand() * (digest.replace(/=+$/, '').length - 1));
      setDigest(digest.slice(0, i) + otherChar(rand, c.alphabet, digest[i]!) + digest.slice(i + 1));
      break;
    }
    case 'append-digest-char':
      setDigest(digest + pick(rand, c.alphabet.split('')));
      break;
    case 'drop-digest-char':
      setDigest(digest.slice(0, -1));
      break;
    case 'non-canonical-digest': {
      if (c.alphabet === HEX) {
        setDigest(`${digest}f`);
        break;
      }
      // Same bytes, other unused bits (or no padding): a second spelling of one digest.
      const bare = digest.replace(/=+$/, '');
      const last = bare[bare.length - 1]!;
      const value = B64.indexOf(last);
      const unusedBits = digest.endsWith('==') ? 4 : digest.endsWith('=') ? 2 : 0;
      setDigest(unusedBits === 0 ? `${digest}=` : rand() < 0.5 ? bare : bare.slice(0, -1) + B64[value ^ (1 + Math.floor(rand() * ((1 << unusedBits) - 1)))]! + digest.slice(bare.length));
      break;
    }
    case 'drop-signature':
      delete d.headers[c.signatureHeader];
      break;
    case 'signed-header': {
      const name = pick(rand, c.signedHeaders);
      const value = d.headers[name]!;
      d.headers[name] = /^\d+$/.test(value) ? String(Number(value) + (rand() < 0.5 ? -1 : 1)) : `${value}x`;
      break;
    }
    case 'url':
      d.url = `${d.url}&x=1`;
      break;
    case 'method':
      d.method = 'PUT';
      break;
    case 'move-body-into-url': {
      const n = 1 + Math.floor(rand() * Math.min(8, d.body.length - 1));
      d.url = d.url + d.body.subarray(0, n).toString('latin1');
      d.body = d.body.subarray(n);
      break;
    }
  }
  return { what: kind, delivery: d };
}

/** Well-formed garbage and oversized headers: refused (or, with the valid signature among the first examined, accepted) within the op bound. */
function hostile(rand: () => number, c: Case, valid: Delivery): Delivery {
  const header = valid.headers[c.signatureHeader]!;
  const match = c.digest.exec(header)!;
  const fake = () => {
    const bytes = crypto.randomBytes(match[1]!.length >= 80 ? 64 : 32);
    return c.alphabet === HEX ? bytes.toString('hex') : bytes.toString('base64');
  };
  const entry = () => header.replace(match[1]!, fake());
  const separator = c.name.startsWith('standard') ? ' ' : ',';
  const count = pick(rand, [MAX_SIGNATURES + 1, 50, 400, 4000]);
  const entries = Array.from({ length: count }, entry);
  if (rand() < 0.5) entries.push(header);
  return { ...valid, headers: { ...valid.headers, [c.signatureHeader]: entries.join(separator) } };
}

describe.each(CASES)('fuzzing $name', (c) => {
  const SEED = 20_261_201;

  it('accepts every valid delivery and refuses every mutation of what is signed, never throwing', () => {
    const rand = prng(SEED + c.name.length);
    const refusedBy = new Map<string, number>();
    for (let i = 0; i < 250; i++) {
      const body = Buffer.from(randomBody(rand, c.objectBody));
      const headers = signWebhook(c.scheme, { body, secret: c.secret, id: `msg_${i}`, timestamp: NOW - Math.floor(rand() * 60_000), method: 'POST', ...(c.requestLine ? { url: URL_CALLED } : {}) });
      const valid: Delivery = { body, headers, method: 'POST', url: URL_CALLED };
      expect(verify(c, valid), `valid delivery #${i}`).toMatchObject({ ok: true });
      const { what, delivery } = mutate(rand, c, valid);
      let result: ReturnType<typeof verify> | undefined;
      expect(() => (result = verify(c, delivery)), `${what} #${i}`).not.toThrow();
      expect(result, `${what} #${i} must be refused`).toMatchObject({ ok: false });
      refusedBy.set(what, (refusedBy.get(what) ?? 0) + 1);
    }
    // Every kind of mutation was exercised.
    expect(refusedBy.size).toBeGreaterThanOrEqual(8);
  });

  it('bounds the work per delivery by a count of crypto operations, whatever the signature header holds', () => {
    const rand = prng(SEED * 7 + c.name.length);
    const secrets = [c.verifySecret ?? c.secret, c.verifySecret ? publicKey.replace(/^whpk_./, 'whpk_A') : 'another-secret'];
    for (let i = 0; i < 40; i++) {
      const body = Buffer.from(randomBody(rand, c.objectBody));
      const headers = signWebhook(c.scheme, { body, secret: c.secret, id: `msg_${i}`, timestamp: NOW, method: 'POST', ...(c.requestLine ? { url: URL_CALLED } : {}) });
      const delivery = hostile(rand, c, { body, headers, method: 'POST', url: URL_CALLED });
      ops.count = 0;
      let result: ReturnType<typeof verify> | undefined;
      expect(() => (result = verify(c, delivery, secrets))).not.toThrow();
      // HubSpot's legacy scheme and the single-signature schemes examine one digest; the others at most MAX_SIGNATURES.
      // (+1: a scheme may hash the body for its id once the signature matched.)
      expect(ops.count).toBeLessThanOrEqual(secrets.length * c.opsPerSecret + 1);
      if (delivery.headers[c.signatureHeader]!.length > MAX_SIGNATURE_HEADER_LENGTH) expect(result).toMatchObject({ ok: false, reason: 'malformed-signature' });
    }
  });
});

describe('Ed25519 in Standard Webhooks', () => {
  it('is never checked without a configured public key, and at most MAX_SIGNATURES times per key with one', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = Buffer.from('{"type":"user.created"}');
    const headers = signWebhook(standardWebhooksScheme, { body, secret, id: 'msg_1', timestamp: NOW });
    // Well-formed garbage: 40 v1a entries (64 random bytes each), under the header length cap.
    const garbage = Array.from({ length: 40 }, () => `v1a,${crypto.randomBytes(64).toString('base64')}`).join(' ');
    const stuffed = { ...headers, 'webhook-signature': `${garbage} ${headers['webhook-signature']}` };
    expect(stuffed['webhook-signature'].length).toBeLessThanOrEqual(MAX_SIGNATURE_HEADER_LENGTH);
    ops.count = 0;
    // Only a whsec_ secret: the v1a entries are skipped unread, and the v1 one still matches.
    expect(verifyWebhook(standardWebhooksScheme, { body, headers: stuffed, secret, now: NOW })).toMatchObject({ ok: true });
    expect(ops.count).toBe(1);
    ops.count = 0;
    expect(verifyWebhook(standardWebhooksScheme, { body, headers: stuffed, secrets: [publicKey], now: NOW })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
    expect(ops.count).toBe(MAX_SIGNATURES);
  });
});
