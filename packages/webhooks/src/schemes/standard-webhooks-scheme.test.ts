import { createHmac, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../verify/verify-webhook.ts';
import { standardWebhooksScheme } from './standard-webhooks-scheme.ts';

// The example in the Standard Webhooks specification (also Svix's test vector).
const DOC_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const DOC_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const DOC_TIMESTAMP = 1614265330;
const DOC_BODY = '{"test": 2432232314}';
const DOC_SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
const DOC_NOW = DOC_TIMESTAMP * 1000;

function headers(signature: string, id = DOC_ID, timestamp: number | string = DOC_TIMESTAMP) {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
}

describe('standardWebhooksScheme', () => {
  it('accepts the specification’s example', () => {
    expect(verifyWebhook(standardWebhooksScheme, { body: DOC_BODY, headers: headers(DOC_SIGNATURE), secret: DOC_SECRET, now: DOC_NOW })).toEqual({
      ok: true,
      id: DOC_ID,
      type: undefined,
      timestamp: new Date(DOC_NOW),
      secretIndex: 0,
    });
  });

  it('signs the specification’s example to its signature', () => {
    expect(signWebhook(standardWebhooksScheme, { body: DOC_BODY, secret: DOC_SECRET, id: DOC_ID, timestamp: DOC_NOW })).toEqual(headers(DOC_SIGNATURE));
  });

  it('accepts any of several space-separated signatures, skipping other versions', () => {
    const list = `v1a,${'A'.repeat(86)}== v1,${Buffer.alloc(32).toString('base64')} ${DOC_SIGNATURE}`;
    expect(verifyWebhook(standardWebhooksScheme, { body: DOC_BODY, headers: headers(list), secret: DOC_SECRET, now: DOC_NOW })).toMatchObject({ ok: true });
  });

  it('reads the type from the payload', () => {
    const body = '{"type":"invoice.paid","timestamp":"2024-01-01T00:00:00Z","data":{}}';
    const now = 1_714_000_000_000;
    const signed = signWebhook(standardWebhooksScheme, { body, secret: DOC_SECRET, id: 'msg_1', timestamp: now });
    expect(verifyWebhook(standardWebhooksScheme, { body, headers: signed, secret: DOC_SECRET, now })).toMatchObject({ ok: true, id: 'msg_1', type: 'invoice.paid' });
  });

  it('signs id and timestamp: changing either breaks the signature', () => {
    expect(verifyWebhook(standardWebhooksScheme, { body: DOC_BODY, headers: headers(DOC_SIGNATURE, 'msg_other'), secret: DOC_SECRET, now: DOC_NOW })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
    expect(verifyWebhook(standardWebhooksScheme, { body: DOC_BODY, headers: headers(DOC_SIGNATURE, DOC_ID, DOC_TIMESTAMP + 1), secret: DOC_SECRET, now: DOC_NOW })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
  });

  it('decodes the whsec_ secret as base64, and accepts raw key bytes', () => {
    const key = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64');
    expect(verifyWebhook(standardWebhooksScheme, { body: DOC_BODY, headers: headers(DOC_SIGNATURE), secret: key, now: DOC_NOW })).toMatchObject({ ok: true });
    const expected = createHmac('sha256', key).update(`${DOC_ID}.${DOC_TIMESTAMP}.${DOC_BODY}`).digest('base64');
    expect(DOC_SIGNATURE).toBe(`v1,${expected}`);
  });

  it('checks the timestamp in both directions', () => {
    const base = { body: DOC_BODY, headers: headers(DOC_SIGNATURE), secret: DOC_SECRET };
    expect(verifyWebhook(standardWebhooksScheme, { ...base, now: DOC_NOW + 301_000 })).toMatchObject({ ok: false, reason: 'timestamp-too-old' });
    expect(verifyWebhook(standardWebhooksScheme, { ...base, now: DOC_NOW - 301_000 })).toMatchObject({ ok: false, reason: 'timestamp-in-future' });
  });

  it('supports rotation with several secrets', () => {
    expect(verifyWebhook(standardWebhooksScheme, { body: DOC_BODY, headers: headers(DOC_SIGNATURE), secrets: ['whsec_bmV3LXNlY3JldA==', DOC_SECRET], now: DOC_NOW })).toMatchObject({ ok: true, secretIndex: 1 });
  });

  it.each([
    ['no signature', { 'webhook-id': DOC_ID, 'webhook-timestamp': String(DOC_TIMESTAMP) }, 'missing-signature'],
    ['no id', { 'webhook-timestamp': String(DOC_TIMESTAMP), 'webhook-signature': DOC_SIGNATURE }, 'missing-id'],
    ['no timestamp', { 'webhook-id': DOC_ID, 'webhook-signature': DOC_SIGNATURE }, 'missing-timestamp'],
    ['a negative timestamp', headers(DOC_SIGNATURE, DOC_ID, '-5'), 'malformed-timestamp'],
    ['only asymmetric signatures', headers(`v1a,${'A'.repeat(86)}==`), 'missing-signature'],
    ['a signature without version', headers('g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='), 'missing-signature'],
    ['a truncated signature', headers('v1,g0hM9SsE'), 'malformed-signature'],
  ])('rejects %s', (_name, hs, reason) => {
    expect(verifyWebhook(standardWebhooksScheme, { body: DOC_BODY, headers: hs, secret: DOC_SECRET, now: DOC_NOW })).toMatchObject({ ok: false, reason });
  });

  it('rejects an id longer than 256 characters', () => {
    const id = 'm'.repeat(300);
    const signed = signWebhook(standardWebhooksScheme, { body: DOC_BODY, secret: DOC_SECRET, id, timestamp: DOC_NOW });
    expect(verifyWebhook(standardWebhooksScheme, { body: DOC_BODY, headers: signed, secret: DOC_SECRET, now: DOC_NOW })).toMatchObject({ ok: false, reason: 'malformed-id' });
  });

  describe('asymmetric v1a (Ed25519)', () => {
    const pair = () => {
      const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
      return { publicKey: `whpk_${Buffer.from(jwk.x!, 'base64url').toString('base64')}`, signingKey: `whsk_${Buffer.from(jwk.d!, 'base64url').toString('base64')}` };
    };
    const body = '{"type":"contact.created","data":{"id":"1f81eb52"}}';
    const now = 1_714_000_000_000;

    it('signs with a whsk_ key and verifies with the whpk_ public key; the signature is plain Ed25519', () => {
      const { publicKey, signingKey } = pair();
      const signed = signWebhook(standardWebhooksScheme, { body, secret: signingKey, id: 'msg_1', timestamp: now });
      expect(signed['webhook-signature']).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
      expect(verifyWebhook(standardWebhooksScheme, { body, headers: signed, secret: publicKey, now })).toEqual({
        ok: true, id: 'msg_1', type: 'contact.created', timestamp: new Date(now), secretIndex: 0,
      });
      const raw = Buffer.from(publicKey.slice(5), 'base64');
      const key = { key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' } as const;
      expect(verify(null, Buffer.from(`msg_1.${now / 1000}.${body}`), key, Buffer.from(signed['webhook-signature']!.slice(4), 'base64'))).toBe(true);
    });

    it('refuses another key, a tampered body and a changed id', () => {
      const { signingKey } = pair();
      const other = pair().publicKey;
      const signed = signWebhook(standardWebhooksScheme, { body, secret: signingKey, id: 'msg_1', timestamp: now });
      expect(verifyWebhook(standardWebhooksScheme, { body, headers: signed, secret: other, now })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
      const mine = pair();
      const ok = signWebhook(standardWebhooksScheme, { body, secret: mine.signingKey, id: 'msg_1', timestamp: now });
      expect(verifyWebhook(standardWebhooksScheme, { body: `${body} `, headers: ok, secret: mine.publicKey, now })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
      expect(verifyWebhook(standardWebhooksScheme, { body, headers: { ...ok, 'webhook-id': 'msg_2' }, secret: mine.publicKey, now })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
    });

    it('accepts either kind while moving from a whsec_ secret to a whpk_ key, and reports which matched', () => {
      const { publicKey, signingKey } = pair();
      const v1a = signWebhook(standardWebhooksScheme, { body, secret: signingKey, id: 'msg_1', timestamp: now })['webhook-signature'];
      const v1 = signWebhook(standardWebhooksScheme, { body, secret: DOC_SECRET, id: 'msg_1', timestamp: now })['webhook-signature'];
      const both = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(now / 1000), 'webhook-signature': `${v1} ${v1a}` };
      expect(verifyWebhook(standardWebhooksScheme, { body, headers: both, secrets: [publicKey, DOC_SECRET], now })).toMatchObject({ ok: true, secretIndex: 0 });
      expect(verifyWebhook(standardWebhooksScheme, { body, headers: both, secrets: [pair().publicKey, DOC_SECRET], now })).toMatchObject({ ok: true, secretIndex: 1 });
      const onlyV1a = { ...both, 'webhook-signature': v1a! };
      expect(verifyWebhook(standardWebhooksScheme, { body, headers: onlyV1a, secret: DOC_SECRET, now })).toMatchObject({
        ok: false, reason: 'missing-signature', message: expect.stringContaining('`v1,` (for the whsec_ secrets)'),
      });
    });

    it('rejects a malformed v1a value and a public key of the wrong size', () => {
      const { publicKey } = pair();
      const hs = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(now / 1000), 'webhook-signature': 'v1a,AAAA' };
      expect(verifyWebhook(standardWebhooksScheme, { body, headers: hs, secret: publicKey, now })).toMatchObject({ ok: false, reason: 'malformed-signature' });
      const signed = signWebhook(standardWebhooksScheme, { body, secret: pair().signingKey, id: 'msg_1', timestamp: now });
      expect(verifyWebhook(standardWebhooksScheme, { body, headers: signed, secret: 'whpk_c2hvcnQ=', now })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
    });
  });
});
