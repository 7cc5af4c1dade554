import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../verify/verify-webhook.ts';
import { stripeScheme } from './stripe-scheme.ts';

const SECRET = 'whsec_test_secret';
const NOW = 1_714_000_000_000;
const T = NOW / 1000;
const BODY = '{\n  "id": "evt_1PJ0",\n  "object": "event",\n  "type": "invoice.paid",\n  "data": {"object": {"id": "in_1"}}\n}';

// Built from Stripe's documented format: hex HMAC-SHA256 over `${t}.${raw body}`.
function v1(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

function verify(header: string, options: { body?: string; now?: number; secrets?: string[]; toleranceSec?: number } = {}) {
  return verifyWebhook(stripeScheme, {
    body: options.body ?? BODY,
    headers: { 'Stripe-Signature': header },
    secrets: options.secrets ?? [SECRET],
    now: options.now ?? NOW,
    toleranceSec: options.toleranceSec,
  });
}

describe('stripeScheme', () => {
  it('verifies and reads id and type from the raw JSON body', () => {
    expect(verify(`t=${T},v1=${v1(SECRET, T, BODY)}`)).toEqual({ ok: true, id: 'evt_1PJ0', type: 'invoice.paid', timestamp: new Date(NOW), secretIndex: 0 });
  });

  it('signs in Stripe’s format', () => {
    expect(signWebhook(stripeScheme, { body: BODY, secret: SECRET, timestamp: NOW })).toEqual({ 'Stripe-Signature': `t=${T},v1=${v1(SECRET, T, BODY)}` });
  });

  it('accepts any of several v1 signatures and ignores v0', () => {
    const header = `t=${T},v1=${v1('another', T, BODY)},v1=${v1(SECRET, T, BODY)},v0=${'0'.repeat(64)}`;
    expect(verify(header)).toMatchObject({ ok: true });
  });

  it('verifies the exact bytes: the same JSON re-serialised does not match', () => {
    const header = `t=${T},v1=${v1(SECRET, T, BODY)}`;
    expect(verify(header, { body: JSON.stringify(JSON.parse(BODY)) })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
  });

  it('rejects timestamps outside the tolerance in both directions', () => {
    const old = T - 301;
    const future = T + 301;
    expect(verify(`t=${old},v1=${v1(SECRET, old, BODY)}`)).toMatchObject({ ok: false, reason: 'timestamp-too-old' });
    expect(verify(`t=${future},v1=${v1(SECRET, future, BODY)}`)).toMatchObject({ ok: false, reason: 'timestamp-in-future' });
    expect(verify(`t=${T - 299},v1=${v1(SECRET, T - 299, BODY)}`)).toMatchObject({ ok: true });
    expect(verify(`t=${old},v1=${v1(SECRET, old, BODY)}`, { toleranceSec: 600 })).toMatchObject({ ok: true });
  });

  it('rejects a signature made with the timestamp changed (replay with a fresh t)', () => {
    expect(verify(`t=${T},v1=${v1(SECRET, T - 1000, BODY)}`)).toMatchObject({ ok: false, reason: 'signature-mismatch' });
  });

  it('supports a secret rotation', () => {
    expect(verify(`t=${T},v1=${v1('whsec_old', T, BODY)}`, { secrets: [SECRET, 'whsec_old'] })).toMatchObject({ ok: true, secretIndex: 1 });
  });

  it.each([
    ['no timestamp', `v1=${'a'.repeat(64)}`, 'missing-timestamp'],
    ['a non-numeric timestamp', `t=abc,v1=${'a'.repeat(64)}`, 'malformed-timestamp'],
    ['only v0', `t=${T},v0=${'a'.repeat(64)}`, 'missing-signature'],
    ['a short v1', `t=${T},v1=abc`, 'malformed-signature'],
    ['garbage', ',,,===', 'missing-timestamp'],
  ])('rejects %s', (_name, header, reason) => {
    expect(verify(header)).toMatchObject({ ok: false, reason });
  });

  it('rejects a validly signed body that is not a Stripe event', () => {
    expect(verify(`t=${T},v1=${v1(SECRET, T, 'not json')}`, { body: 'not json' })).toMatchObject({ ok: false, reason: 'malformed-body' });
    expect(verify(`t=${T},v1=${v1(SECRET, T, '{"type":"x"}')}`, { body: '{"type":"x"}' })).toMatchObject({ ok: false, reason: 'missing-id' });
  });
});
