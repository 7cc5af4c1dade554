import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../verify/verify-webhook.ts';
import { hubspotLegacyScheme, hubspotLegacySchemeFor } from './hubspot-legacy-scheme.ts';

// HubSpot's documented examples (v1 and v2 request validation pages).
const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const BODY =
  '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
const V1_SIGNATURE = '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de';
const V2_GET_URL = 'https://www.example.com/webhook_uri';
const V2_GET_SIGNATURE = 'eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e';

const headers = (signature: string, version?: string) => ({ 'X-HubSpot-Signature': signature, ...(version ? { 'X-HubSpot-Signature-Version': version } : {}) });

describe('hubspotLegacyScheme', () => {
  it('accepts HubSpot’s v1 example and reads the event id and type', () => {
    expect(verifyWebhook(hubspotLegacyScheme, { body: BODY, headers: headers(V1_SIGNATURE, 'v1'), secret: SECRET, method: 'POST', url: 'https://x.test/hooks' })).toEqual({
      ok: true, id: '1', type: 'contact.creation', timestamp: undefined, secretIndex: 0,
    });
  });

  it('accepts HubSpot’s v2 example (GET, no body): method and URI are signed', () => {
    expect(verifyWebhook(hubspotLegacyScheme, { body: '', headers: headers(V2_GET_SIGNATURE, 'v2'), secret: SECRET, method: 'GET', url: V2_GET_URL })).toMatchObject({ ok: true });
    expect(verifyWebhook(hubspotLegacyScheme, { body: '', headers: headers(V2_GET_SIGNATURE, 'v2'), secret: SECRET, method: 'GET', url: `${V2_GET_URL}?x=1` })).toMatchObject({
      ok: false, reason: 'signature-mismatch', message: expect.stringContaining('scheme, host and query included'),
    });
  });

  it('signs what it verifies, with rotation across secrets', () => {
    const signed = signWebhook(hubspotLegacyScheme, { body: BODY, secret: 'new-secret', method: 'POST', url: 'https://x.test/hooks?portal=1' });
    expect(signed['X-HubSpot-Signature-Version']).toBe('v2');
    expect(verifyWebhook(hubspotLegacyScheme, { body: BODY, headers: signed, secrets: [SECRET, 'new-secret'], method: 'POST', url: 'https://x.test/hooks?portal=1' })).toMatchObject({ ok: true, secretIndex: 1 });
  });

  it.each([
    ['no signature', {}, 'missing-signature'],
    ['no version', headers(V1_SIGNATURE), 'malformed-signature'],
    ['a v3 version header', headers(V1_SIGNATURE, 'v3'), 'malformed-signature'],
    ['a truncated signature', headers('232db2', 'v1'), 'malformed-signature'],
    ['a tampered body', headers(V1_SIGNATURE.replace('2', '3'), 'v1'), 'signature-mismatch'],
  ])('rejects %s', (_name, hs, reason) => {
    expect(verifyWebhook(hubspotLegacyScheme, { body: BODY, headers: hs, secret: SECRET, method: 'POST', url: 'https://x.test/hooks' })).toMatchObject({ ok: false, reason });
  });

  it('refuses a v2 delivery relabelled v1 with body = method + URL + body (not JSON)', () => {
    const url = 'https://x.test/hooks';
    const v2 = signWebhook(hubspotLegacyScheme, { body: BODY, secret: SECRET, method: 'POST', url });
    const relabelled = { ...v2, 'X-HubSpot-Signature-Version': 'v1' };
    expect(verifyWebhook(hubspotLegacyScheme, { body: `POST${url}${BODY}`, headers: relabelled, secret: SECRET, method: 'POST', url })).toMatchObject({ ok: false, reason: 'malformed-body' });
  });

  it('refuses body bytes moved into the URL (v2 joins them without a separator)', () => {
    const url = 'https://x.test/hooks?portal=1';
    const signed = signWebhook(hubspotLegacyScheme, { body: BODY, secret: SECRET, method: 'POST', url });
    expect(verifyWebhook(hubspotLegacyScheme, { body: BODY.slice(2), headers: signed, secret: SECRET, method: 'POST', url: `${url}${BODY.slice(0, 2)}` })).toMatchObject({ ok: false, reason: 'malformed-body' });
  });

  it('pins a version: hubspotLegacySchemeFor refuses the other one', () => {
    const v2Only = hubspotLegacySchemeFor('v2');
    expect(verifyWebhook(v2Only, { body: BODY, headers: headers(V1_SIGNATURE, 'v1'), secret: SECRET, method: 'POST', url: 'https://x.test/hooks' })).toMatchObject({
      ok: false, reason: 'malformed-signature', message: expect.stringContaining('pinned to v2'),
    });
    const v1Only = hubspotLegacySchemeFor('v1');
    expect(v1Only.requiresRequestLine).toBe(false);
    expect(verifyWebhook(v1Only, { body: BODY, headers: headers(V1_SIGNATURE, 'v1'), secret: SECRET })).toMatchObject({ ok: true, id: '1' });
    expect(() => hubspotLegacySchemeFor('v3' as 'v1')).toThrow(/'v1' or 'v2'/);
  });

  it('signs v1 without a URL, as HubSpot’s documented example', () => {
    expect(signWebhook(hubspotLegacyScheme, { body: BODY, secret: SECRET })).toEqual({ 'X-HubSpot-Signature': V1_SIGNATURE, 'X-HubSpot-Signature-Version': 'v1' });
    expect(signWebhook(hubspotLegacySchemeFor('v1'), { body: BODY, secret: SECRET, url: 'https://x.test/ignored' })).toEqual({ 'X-HubSpot-Signature': V1_SIGNATURE, 'X-HubSpot-Signature-Version': 'v1' });
  });
});
