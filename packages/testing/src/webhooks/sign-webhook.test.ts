import {
  githubScheme,
  hmacScheme,
  hubspotLegacyScheme,
  hubspotLegacySchemeFor,
  hubspotV3Scheme,
  shopifyScheme,
  slackScheme,
  standardWebhooksScheme,
  stripeScheme,
  verifyWebhook,
  type WebhookScheme,
} from '@connectors/webhooks';
import { describe, expect, it } from 'vitest';
import { signsTimestamp, signWebhookFor, type WebhookTamper } from './sign-webhook.ts';

const linear = hmacScheme({ name: 'linear', header: 'Linear-Signature', id: 'Linear-Delivery', type: 'Linear-Event' });

/** Every scheme `@connectors/webhooks` ships, with a secret of the shape its provider issues. */
const cases: { scheme: WebhookScheme; secret: string; timestamped: boolean; payload: unknown }[] = [
  { scheme: githubScheme, secret: 'gh-webhook-secret', timestamped: false, payload: { action: 'opened', issue: { number: 1 } } },
  { scheme: stripeScheme, secret: 'stripe-endpoint-secret', timestamped: true, payload: { id: 'evt_1', type: 'customer.created', data: { object: { id: 'cus_1' } } } },
  { scheme: slackScheme, secret: 'slack-signing-secret', timestamped: true, payload: { type: 'event_callback', event_id: 'Ev1', event: { type: 'message' } } },
  { scheme: shopifyScheme, secret: 'shopify-secret', timestamped: false, payload: { id: 1, topic: 'orders/create' } },
  { scheme: hubspotV3Scheme, secret: 'hubspot-client-secret', timestamped: true, payload: [{ eventId: 1, subscriptionType: 'contact.creation' }] },
  { scheme: standardWebhooksScheme, secret: `whsec_${Buffer.from('standard-webhooks-key-bytes!').toString('base64')}`, timestamped: true, payload: { type: 'user.created', data: { id: 'u1' } } },
  { scheme: linear, secret: 'linear-secret', timestamped: false, payload: { action: 'create', type: 'Issue' } },
];

describe('signWebhookFor', () => {
  for (const { scheme, secret, timestamped, payload } of cases) {
    describe(scheme.name, () => {
      const verify = (delivery: ReturnType<typeof signWebhookFor>) =>
        verifyWebhook(scheme, { body: delivery.body, headers: delivery.headers, secret, method: delivery.method, url: delivery.url });

      it('produces a delivery the scheme verifies', () => {
        const delivery = signWebhookFor(scheme, { payload, secret, type: 'evt.type', id: 'delivery-1' });
        expect(delivery.headers['content-type']).toBe('application/json');
        expect(verify(delivery)).toMatchObject({ ok: true });
      });

      const tampers: [WebhookTamper, string][] = [['body', 'signature-mismatch'], ['wrong-secret', 'signature-mismatch']];
      if (timestamped) tampers.push(['stale', 'timestamp-too-old'], ['future', 'timestamp-in-future']);
      for (const [tamper, reason] of tampers) {
        it(`a "${tamper}" delivery is rejected (${reason})`, () => {
          const result = verify(signWebhookFor(scheme, { payload, secret, type: 'evt.type', id: 'delivery-1', tamper }));
          expect(result).toMatchObject({ ok: false, reason });
        });
      }

      it(`${timestamped ? 'is' : 'is not'} detected as signing a timestamp`, () => {
        expect(signsTimestamp(scheme, secret)).toBe(timestamped);
      });
    });
  }

  it('signs HubSpot legacy v1 without a URL (url: null, or the scheme pinned to v1)', () => {
    const payload = [{ eventId: 7, subscriptionType: 'contact.creation' }];
    for (const delivery of [
      signWebhookFor(hubspotLegacyScheme, { payload, secret: 'hs', url: null }),
      signWebhookFor(hubspotLegacySchemeFor('v1'), { payload, secret: 'hs' }),
    ]) {
      expect(delivery.headers['X-HubSpot-Signature-Version']).toBe('v1');
      expect(verifyWebhook(hubspotLegacySchemeFor('v1'), { body: delivery.body, headers: delivery.headers, secret: 'hs' })).toMatchObject({ ok: true, id: '7' });
    }
    expect(signWebhookFor(hubspotLegacyScheme, { payload, secret: 'hs' }).headers['X-HubSpot-Signature-Version']).toBe('v2');
  });

  it('keeps raw string bodies byte for byte and honours a given timestamp', () => {
    const raw = '{"id":"evt_raw",  "type":"x"}';
    const delivery = signWebhookFor(stripeScheme, { payload: raw, secret: 's3cret', timestamp: new Date('2026-01-01T00:00:00Z') });
    expect(delivery.body).toBe(raw);
    expect(delivery.headers['Stripe-Signature']).toMatch(/^t=1767225600,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(stripeScheme, { body: raw, headers: delivery.headers, secret: 's3cret', now: new Date('2026-01-01T00:01:00Z') })).toMatchObject({ ok: true });
  });

  it('a tampered non-JSON body still changes', () => {
    const delivery = signWebhookFor(githubScheme, { payload: 'plain text', secret: 's', tamper: 'body' });
    expect(delivery.body).not.toBe('plain text');
  });

  it('refuses a missing scheme, secret or payload', () => {
    expect(() => signWebhookFor({} as WebhookScheme, { payload: {}, secret: 's' })).toThrow(/sign\(\) method/);
    expect(() => signWebhookFor(githubScheme, { payload: {}, secret: '' })).toThrow(/`secret` is empty/);
    expect(() => signWebhookFor(githubScheme, { payload: undefined, secret: 's' })).toThrow(/`payload` is required/);
  });
});
