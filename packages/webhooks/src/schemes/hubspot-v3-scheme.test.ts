import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../verify/verify-webhook.ts';
import { hubspotSignedUri, hubspotV3Scheme } from './hubspot-v3-scheme.ts';

const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const NOW = 1_714_000_000_123;
const URL_CALLED = 'https://www.example.com/webhook_uri?portal=62515';
const BODY =
  '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';

// HubSpot's documented v3 format: base64 HMAC-SHA256 of method + URI + body + timestamp (ms).
function v3(secret: string, method: string, uri: string, body: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${method}${uri}${body}${timestampMs}`).digest('base64');
}

function headers(signature: string, timestampMs: number | string) {
  return { 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': String(timestampMs) };
}

describe('hubspotV3Scheme', () => {
  it('verifies method + URI + body + millisecond timestamp and reads the event id and type', () => {
    const result = verifyWebhook(hubspotV3Scheme, {
      body: BODY,
      headers: headers(v3(SECRET, 'POST', URL_CALLED, BODY, NOW), NOW),
      secret: SECRET,
      method: 'POST',
      url: URL_CALLED,
      now: NOW,
    });
    expect(result).toEqual({ ok: true, id: '1', type: 'contact.creation', timestamp: new Date(NOW), secretIndex: 0 });
  });

  it('signs what it verifies', () => {
    expect(signWebhook(hubspotV3Scheme, { body: BODY, secret: SECRET, timestamp: NOW, url: URL_CALLED })).toEqual(headers(v3(SECRET, 'POST', URL_CALLED, BODY, NOW), NOW));
  });

  it('decodes the escapes HubSpot decodes before signing the URI', () => {
    expect(hubspotSignedUri('https://x.test/hook?a=b%3Ac%2Fd%3f%40%21%24%27%28%29%2A%2C%3B%20')).toBe("https://x.test/hook?a=b:c/d?@!$'()*,;%20");
    const escaped = 'https://www.example.com/webhook_uri?redirect=https%3A%2F%2Fapp.test';
    const signature = v3(SECRET, 'POST', 'https://www.example.com/webhook_uri?redirect=https://app.test', BODY, NOW);
    expect(verifyWebhook(hubspotV3Scheme, { body: BODY, headers: headers(signature, NOW), secret: SECRET, method: 'POST', url: escaped, now: NOW })).toMatchObject({ ok: true });
  });

  it('gives a batch one stable id that ignores attemptNumber (HubSpot retries resend the batch)', () => {
    const batch = (attempt: number) =>
      `[{"eventId":7,"subscriptionType":"deal.creation","attemptNumber":${attempt}},{"eventId":8,"subscriptionType":"deal.creation","attemptNumber":${attempt}}]`;
    const verify = (body: string) => verifyWebhook(hubspotV3Scheme, { body, headers: headers(v3(SECRET, 'POST', URL_CALLED, body, NOW), NOW), secret: SECRET, method: 'POST', url: URL_CALLED, now: NOW });
    const first = verify(batch(0));
    const retry = verify(batch(1));
    expect(first).toMatchObject({ ok: true, type: 'deal.creation' });
    expect(first.ok && first.id).toMatch(/^batch:[0-9a-f]{64}$/);
    expect(retry.ok && retry.id).toBe(first.ok && first.id);
  });

  it('rejects a different URL, method or body', () => {
    const signature = v3(SECRET, 'POST', URL_CALLED, BODY, NOW);
    const base = { body: BODY, headers: headers(signature, NOW), secret: SECRET, method: 'POST', url: URL_CALLED, now: NOW };
    expect(verifyWebhook(hubspotV3Scheme, { ...base, url: 'http://www.example.com/webhook_uri?portal=62515' })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
    expect(verifyWebhook(hubspotV3Scheme, { ...base, method: 'PUT' })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
    expect(verifyWebhook(hubspotV3Scheme, { ...base, body: BODY.replace('123', '124') })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
  });

  it('treats the timestamp as milliseconds: 5 minutes in both directions', () => {
    const at = (ts: number) =>
      verifyWebhook(hubspotV3Scheme, { body: BODY, headers: headers(v3(SECRET, 'POST', URL_CALLED, BODY, ts), ts), secret: SECRET, method: 'POST', url: URL_CALLED, now: NOW });
    expect(at(NOW - 299_000)).toMatchObject({ ok: true });
    expect(at(NOW - 301_000)).toMatchObject({ ok: false, reason: 'timestamp-too-old' });
    expect(at(NOW + 301_000)).toMatchObject({ ok: false, reason: 'timestamp-in-future' });
    // A timestamp sent in seconds by mistake is 54 years old, not accepted.
    expect(at(Math.floor(NOW / 1000))).toMatchObject({ ok: false, reason: 'timestamp-too-old' });
  });

  it('needs method and url: a TypeError names them', () => {
    expect(() => verifyWebhook(hubspotV3Scheme, { body: BODY, headers: {}, secret: SECRET })).toThrow(/method.*url/);
  });

  it.each([
    ['no signature', { 'x-hubspot-request-timestamp': String(NOW) }, 'missing-signature'],
    ['no timestamp', { 'x-hubspot-signature-v3': 'abc=' }, 'missing-timestamp'],
    ['a bad timestamp', { 'x-hubspot-signature-v3': 'abc=', 'x-hubspot-request-timestamp': '1.5e12' }, 'malformed-timestamp'],
    ['a non-base64 signature', { 'x-hubspot-signature-v3': '!!!', 'x-hubspot-request-timestamp': String(NOW) }, 'malformed-signature'],
  ])('rejects %s', (_name, hs, reason) => {
    expect(verifyWebhook(hubspotV3Scheme, { body: BODY, headers: hs, secret: SECRET, method: 'POST', url: URL_CALLED, now: NOW })).toMatchObject({ ok: false, reason });
  });

  it('refuses body bytes moved into the URL, and bodies HubSpot never sends', () => {
    const signed = (body: string, url: string, method = 'POST') => headers(v3(SECRET, method, url, body, NOW), NOW);
    // The signed text is the same (method + URI + body + timestamp joined), so only the body check stops it.
    expect(verifyWebhook(hubspotV3Scheme, { body: BODY.slice(3), headers: signed(BODY, URL_CALLED), secret: SECRET, method: 'POST', url: `${URL_CALLED}${BODY.slice(0, 3)}`, now: NOW })).toMatchObject({
      ok: false, reason: 'malformed-body',
    });
    expect(verifyWebhook(hubspotV3Scheme, { body: ` ${BODY}`, headers: signed(` ${BODY}`, URL_CALLED), secret: SECRET, method: 'POST', url: URL_CALLED, now: NOW })).toMatchObject({ ok: false, reason: 'malformed-body' });
    expect(verifyWebhook(hubspotV3Scheme, { body: 'a=1', headers: signed('a=1', URL_CALLED), secret: SECRET, method: 'POST', url: URL_CALLED, now: NOW })).toMatchObject({ ok: false, reason: 'malformed-body' });
    expect(verifyWebhook(hubspotV3Scheme, { body: '', headers: signed('', URL_CALLED, 'GET'), secret: SECRET, method: 'GET', url: URL_CALLED, now: NOW })).toMatchObject({ ok: true });
    expect(verifyWebhook(hubspotV3Scheme, { body: '[]', headers: signed('[]', URL_CALLED, 'GET'), secret: SECRET, method: 'GET', url: URL_CALLED, now: NOW })).toMatchObject({ ok: false, reason: 'malformed-body' });
  });
});
