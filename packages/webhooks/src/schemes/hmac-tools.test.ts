import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../verify/verify-webhook.ts';
import { githubScheme } from './github-scheme.ts';
import { decodeBytes, headerTooLong, MAX_SIGNATURE_HEADER_LENGTH } from './hmac-tools.ts';
import { shopifyScheme } from './shopify-scheme.ts';

const BYTES = Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7));

describe('decodeBytes: one spelling per digest', () => {
  it('takes exactly 2n hex digits, in either case', () => {
    const hex = BYTES.toString('hex');
    expect(decodeBytes(hex, 'hex', 32)).toEqual(BYTES);
    expect(decodeBytes(hex.toUpperCase(), 'hex', 32)).toEqual(BYTES);
    expect(decodeBytes(`${hex}f`, 'hex', 32)).toBeUndefined();
    expect(decodeBytes(`${hex}ff`, 'hex', 32)).toBeUndefined();
    expect(decodeBytes(hex.slice(0, -1), 'hex', 32)).toBeUndefined();
    expect(decodeBytes(`${hex.slice(0, -1)}g`, 'hex', 32)).toBeUndefined();
  });

  it('takes base64 only with its padding and zero unused bits', () => {
    const b64 = BYTES.toString('base64');
    expect(b64.endsWith('=')).toBe(true);
    expect(decodeBytes(b64, 'base64', 32)).toEqual(BYTES);
    expect(decodeBytes(b64.slice(0, -1), 'base64', 32)).toBeUndefined();
    // The last character before the padding carries 2 unused bits: other values decode to the same bytes.
    const last = b64[b64.length - 2]!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
    const other = `${b64.slice(0, -2)}${sibling}=`;
    expect(Buffer.from(other, 'base64')).toEqual(BYTES);
    expect(decodeBytes(other, 'base64', 32)).toBeUndefined();
    expect(decodeBytes(`${b64}==`, 'base64', 32)).toBeUndefined();
  });

  it('takes base64url with or without padding, zero unused bits only', () => {
    const url = BYTES.toString('base64url');
    expect(decodeBytes(url, 'base64url', 32)).toEqual(BYTES);
    expect(decodeBytes(`${url}=`, 'base64url', 32)).toEqual(BYTES);
    expect(decodeBytes(`${url}==`, 'base64url', 32)).toBeUndefined();
  });

  it('refuses an over-long signature header before reading it', () => {
    expect(headerTooLong('X-Sig', 'a'.repeat(MAX_SIGNATURE_HEADER_LENGTH))).toBeUndefined();
    expect(headerTooLong('X-Sig', 'a'.repeat(MAX_SIGNATURE_HEADER_LENGTH + 1))).toMatchObject({ ok: false, reason: 'malformed-signature' });
  });
});

describe('schemes read signatures strictly', () => {
  it('GitHub: a genuine signature with a 65th hex digit appended is malformed, not valid', () => {
    const headers = signWebhook(githubScheme, { body: '{}', secret: 's', id: 'd1' });
    const sig = headers['X-Hub-Signature-256']!;
    expect(verifyWebhook(githubScheme, { body: '{}', headers, secret: 's' })).toMatchObject({ ok: true });
    expect(verifyWebhook(githubScheme, { body: '{}', headers: { ...headers, 'X-Hub-Signature-256': `${sig}f` }, secret: 's' })).toMatchObject({ ok: false, reason: 'malformed-signature' });
  });

  it('Shopify: base64 with other unused bits is malformed, not valid', () => {
    const digest = createHmac('sha256', 's').update('{}').digest('base64');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const twin = `${digest.slice(0, -2)}${alphabet[alphabet.indexOf(digest[digest.length - 2]!) ^ 2]}=`;
    const headers = (h: string) => ({ 'X-Shopify-Hmac-Sha256': h, 'X-Shopify-Webhook-Id': 'w1' });
    expect(verifyWebhook(shopifyScheme, { body: '{}', headers: headers(digest), secret: 's' })).toMatchObject({ ok: true });
    expect(verifyWebhook(shopifyScheme, { body: '{}', headers: headers(twin), secret: 's' })).toMatchObject({ ok: false, reason: 'malformed-signature' });
  });
});
