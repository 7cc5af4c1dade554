import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../verify/verify-webhook.ts';
import { hmacScheme } from './hmac-scheme.ts';

describe('hmacScheme', () => {
  it('describes a body-only hex provider with header id and type (Linear-style)', () => {
    const scheme = hmacScheme({ name: 'linear', header: 'Linear-Signature', id: 'Linear-Delivery', type: 'Linear-Event' });
    const body = '{"action":"create","type":"Issue"}';
    const signature = createHmac('sha256', 'lin_wh_secret').update(body).digest('hex');
    const result = verifyWebhook(scheme, { body, headers: { 'linear-signature': signature, 'linear-delivery': 'd-1', 'linear-event': 'Issue' }, secret: 'lin_wh_secret' });
    expect(result).toEqual({ ok: true, id: 'd-1', type: 'Issue', timestamp: undefined, secretIndex: 0 });
    expect(signWebhook(scheme, { body, secret: 'lin_wh_secret', id: 'd-1', type: 'Issue' })).toEqual({ 'Linear-Signature': signature, 'Linear-Delivery': 'd-1', 'Linear-Event': 'Issue' });
  });

  it('describes a timestamped, prefixed, base64 sha512 provider with several signatures', () => {
    const scheme = hmacScheme({
      name: 'acme',
      header: 'X-Acme-Signature',
      algorithm: 'sha512',
      encoding: 'base64',
      prefix: 's=',
      separator: ',',
      timestamp: { header: 'X-Acme-Time', unit: 'ms' },
      signedContent: (ctx) => [`${ctx.timestamp}:`, ctx.body],
      id: (ctx) => (ctx.json() as { eventId?: string }).eventId,
      type: (ctx) => (ctx.json() as { kind?: string }).kind,
    });
    const now = 1_714_000_000_000;
    const body = '{"eventId":"e-42","kind":"thing.done"}';
    const sig = createHmac('sha512', 'k').update(`${now}:${body}`).digest('base64');
    const headers = { 'X-Acme-Signature': `s=${Buffer.alloc(64).toString('base64')},s=${sig}`, 'X-Acme-Time': String(now) };
    expect(verifyWebhook(scheme, { body, headers, secret: 'k', now })).toEqual({ ok: true, id: 'e-42', type: 'thing.done', timestamp: new Date(now), secretIndex: 0 });
    expect(verifyWebhook(scheme, { body, headers, secret: 'k', now: now + 301_000 })).toMatchObject({ ok: false, reason: 'timestamp-too-old' });
    expect(verifyWebhook(scheme, { body, headers, secret: 'k', now: now - 301_000 })).toMatchObject({ ok: false, reason: 'timestamp-in-future' });
    const signed = signWebhook(scheme, { body, secret: 'k', timestamp: now });
    expect(signed).toEqual({ 'X-Acme-Signature': `s=${sig}`, 'X-Acme-Time': String(now) });
  });

  it('identifies id-less providers by a hash of the body', () => {
    const scheme = hmacScheme({ header: 'X-Sig', secretEncoding: 'hex' });
    const key = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const body = 'payload';
    const sig = createHmac('sha256', key).update(body).digest('hex');
    expect(verifyWebhook(scheme, { body, headers: { 'x-sig': sig }, secret: '00112233445566778899aabbccddeeff' })).toMatchObject({
      ok: true,
      id: `sha256:${createHash('sha256').update(body).digest('hex')}`,
    });
  });

  it('turns an exception in a custom extractor into a failure, not a throw', () => {
    const scheme = hmacScheme({ header: 'X-Sig', id: () => { throw new Error('boom'); } });
    const body = 'x';
    const sig = createHmac('sha256', 's').update(body).digest('hex');
    expect(verifyWebhook(scheme, { body, headers: { 'x-sig': sig }, secret: 's' })).toMatchObject({ ok: false, reason: 'verification-error' });
  });

  it('reports a missing id from a custom extractor', () => {
    const scheme = hmacScheme({ header: 'X-Sig', id: (ctx) => (ctx.json() as { id?: string } | undefined)?.id });
    const body = '{}';
    const sig = createHmac('sha256', 's').update(body).digest('hex');
    expect(verifyWebhook(scheme, { body, headers: { 'x-sig': sig }, secret: 's' })).toMatchObject({ ok: false, reason: 'missing-id' });
  });

  it('rejects bad configuration with a TypeError', () => {
    expect(() => hmacScheme({ header: '' })).toThrow(TypeError);
    expect(() => hmacScheme({ header: 'X', algorithm: 'md5' as never })).toThrow(/algorithm/);
    expect(() => hmacScheme({ header: 'X', encoding: 'binary' as never })).toThrow(/encoding/);
  });
});
