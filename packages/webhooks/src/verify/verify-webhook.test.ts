import { describe, expect, it } from 'vitest';
import { githubScheme } from '../schemes/github-scheme.ts';
import { hmacScheme } from '../schemes/hmac-scheme.ts';
import { hubspotLegacyScheme } from '../schemes/hubspot-legacy-scheme.ts';
import { hubspotV3Scheme } from '../schemes/hubspot-v3-scheme.ts';
import { standardWebhooksScheme } from '../schemes/standard-webhooks-scheme.ts';
import type { WebhookScheme } from '../schemes/webhook-scheme.ts';
import { DEFAULT_TOLERANCE_SEC, signWebhook, verifyWebhook } from './verify-webhook.ts';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const NOW = 1_714_000_000_000;

describe('verifyWebhook', () => {
  it('defaults to a 5-minute tolerance and takes `now` as epoch ms or a Date', () => {
    expect(DEFAULT_TOLERANCE_SEC).toBe(300);
    const headers = signWebhook(standardWebhooksScheme, { body: '{}', secret: SECRET, id: 'm1', timestamp: NOW });
    expect(verifyWebhook(standardWebhooksScheme, { body: '{}', headers, secret: SECRET, now: new Date(NOW + 299_000) })).toMatchObject({ ok: true });
    expect(verifyWebhook(standardWebhooksScheme, { body: '{}', headers, secret: SECRET, now: NOW + 301_000 })).toMatchObject({ ok: false, reason: 'timestamp-too-old' });
  });

  it('signs with the current time by default, so a fresh signature verifies with the real clock', () => {
    const headers = signWebhook(standardWebhooksScheme, { body: 'x', secret: SECRET });
    expect(headers['webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(verifyWebhook(standardWebhooksScheme, { body: 'x', headers, secret: SECRET })).toMatchObject({ ok: true });
  });

  it('rejects a bad tolerance and a missing url for schemes that sign it', () => {
    expect(() => verifyWebhook(githubScheme, { body: '', headers: {}, secret: 's', toleranceSec: 0 })).toThrow(/toleranceSec/);
    const needsUrl: WebhookScheme = { ...githubScheme, name: 'url-signed', requiresRequestLine: true };
    expect(() => verifyWebhook(needsUrl, { body: '', headers: {}, secret: 's' })).toThrow(/method.*url/);
    // Signing leaves the URL to the scheme: v3 and v2 need it, HubSpot's legacy v1 does not.
    expect(() => signWebhook(hubspotV3Scheme, { body: '[]', secret: 's' })).toThrow(/pass `url`/);
    expect(() => signWebhook(hmacScheme({ header: 'x-sig', requiresRequestLine: true, signedContent: (c) => [c.url ?? '', c.body] }), { body: '', secret: 's' })).toThrow(/pass `url`/);
    expect(signWebhook(hubspotLegacyScheme, { body: '[]', secret: 's' })).toMatchObject({ 'X-HubSpot-Signature-Version': 'v1' });
  });

  it('turns a scheme that throws into a failure: a bad delivery must never become a 500', () => {
    const broken: WebhookScheme = { ...githubScheme, verify: () => { throw new RangeError('boom'); } };
    expect(verifyWebhook(broken, { body: '', headers: {}, secret: 's' })).toEqual({ ok: false, reason: 'verification-error', message: expect.stringContaining('boom') });
  });

  it('rejects an empty id from a custom scheme', () => {
    const empty: WebhookScheme = { ...githubScheme, verify: () => ({ ok: true, id: '', type: undefined, timestamp: undefined, secretIndex: 0 }) };
    expect(verifyWebhook(empty, { body: '', headers: {}, secret: 's' })).toMatchObject({ ok: false, reason: 'malformed-id' });
  });

  it('never puts the secret or the expected signature in a failure message', () => {
    const body = '{"a":1}';
    const right = signWebhook(githubScheme, { body, secret: 'super-secret-value', id: 'd' });
    const result = verifyWebhook(githubScheme, { body: '{"a":2}', headers: right, secret: 'super-secret-value' });
    expect(result.ok).toBe(false);
    const text = JSON.stringify(result);
    expect(text).not.toContain('super-secret-value');
    expect(text).not.toContain(right['X-Hub-Signature-256']!.slice(7));
  });
});
