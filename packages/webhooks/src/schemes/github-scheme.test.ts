import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../verify/verify-webhook.ts';
import { githubScheme } from './github-scheme.ts';

// GitHub's documented test values ("Validating webhook deliveries"): this secret and payload give this signature.
const DOC_SECRET = "It's a Secret to Everybody";
const DOC_BODY = 'Hello, World!';
const DOC_SIGNATURE = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
const DELIVERY = '72d3162e-cc78-11e3-81ab-4c9367dc0958';

describe('githubScheme', () => {
  it('accepts the signature from GitHub’s documentation and reads delivery id and event', () => {
    const result = verifyWebhook(githubScheme, {
      body: DOC_BODY,
      headers: { 'X-Hub-Signature-256': DOC_SIGNATURE, 'X-GitHub-Delivery': DELIVERY, 'X-GitHub-Event': 'push' },
      secret: DOC_SECRET,
    });
    expect(result).toEqual({ ok: true, id: DELIVERY, type: 'push', timestamp: undefined, secretIndex: 0 });
  });

  it('signs exactly as GitHub does', () => {
    expect(signWebhook(githubScheme, { body: DOC_BODY, secret: DOC_SECRET, id: DELIVERY, type: 'ping' })).toEqual({
      'X-Hub-Signature-256': DOC_SIGNATURE,
      'X-GitHub-Delivery': DELIVERY,
      'X-GitHub-Event': 'ping',
    });
  });

  it('accepts a Headers object, a Buffer and a Uint8Array body', () => {
    const headers = new Headers({ 'x-hub-signature-256': DOC_SIGNATURE, 'x-github-delivery': DELIVERY });
    expect(verifyWebhook(githubScheme, { body: Buffer.from(DOC_BODY), headers, secret: DOC_SECRET }).ok).toBe(true);
    expect(verifyWebhook(githubScheme, { body: new TextEncoder().encode(DOC_BODY), headers, secret: DOC_SECRET }).ok).toBe(true);
  });

  it('rejects a tampered body', () => {
    const result = verifyWebhook(githubScheme, {
      body: 'Hello, World?',
      headers: { 'x-hub-signature-256': DOC_SIGNATURE, 'x-github-delivery': DELIVERY },
      secret: DOC_SECRET,
    });
    expect(result).toMatchObject({ ok: false, reason: 'signature-mismatch' });
  });

  it('accepts the old secret during a rotation and says which one matched', () => {
    const body = '{"action":"opened"}';
    const signature = `sha256=${createHmac('sha256', 'old-secret').update(body).digest('hex')}`;
    const result = verifyWebhook(githubScheme, {
      body,
      headers: { 'x-hub-signature-256': signature, 'x-github-delivery': DELIVERY },
      secrets: ['new-secret', 'old-secret'],
    });
    expect(result).toMatchObject({ ok: true, secretIndex: 1 });
  });

  it.each([
    ['missing header', {}, 'missing-signature'],
    ['legacy sha1 prefix', { 'x-hub-signature-256': 'sha1=757107ea0eb2509fc211221cce984b8a37570b6d' }, 'malformed-signature'],
    ['not hex', { 'x-hub-signature-256': `sha256=${'z'.repeat(64)}` }, 'malformed-signature'],
    ['too short', { 'x-hub-signature-256': 'sha256=757107ea' }, 'malformed-signature'],
    ['two headers joined', { 'x-hub-signature-256': [DOC_SIGNATURE, DOC_SIGNATURE] }, 'malformed-signature'],
  ])('rejects a %s without throwing', (_name, headers, reason) => {
    const result = verifyWebhook(githubScheme, { body: DOC_BODY, headers: { 'x-github-delivery': DELIVERY, ...headers }, secret: DOC_SECRET });
    expect(result).toMatchObject({ ok: false, reason });
  });

  it('rejects a valid signature without a delivery id (it could not be deduplicated)', () => {
    const result = verifyWebhook(githubScheme, { body: DOC_BODY, headers: { 'x-hub-signature-256': DOC_SIGNATURE }, secret: DOC_SECRET });
    expect(result).toMatchObject({ ok: false, reason: 'missing-id' });
  });

  it('throws a TypeError for a missing secret (misconfiguration, not a bad delivery)', () => {
    expect(() => verifyWebhook(githubScheme, { body: DOC_BODY, headers: {}, secret: '' })).toThrow(TypeError);
    expect(() => verifyWebhook(githubScheme, { body: DOC_BODY, headers: {} })).toThrow(/no secret configured/);
  });

  it('refuses a parsed body with an explanation instead of re-serialising it', () => {
    expect(() => verifyWebhook(githubScheme, { body: { hello: 'world' } as never, headers: {}, secret: 's' })).toThrow(/raw bytes/);
  });
});
