import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../verify/verify-webhook.ts';
import { slackScheme } from './slack-scheme.ts';

// The worked example in Slack's "Verifying requests from Slack": a slash command, its signing secret and signature.
const DOC_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DOC_TIMESTAMP = 1531420618;
const DOC_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
  '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands' +
  '%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const DOC_SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const DOC_NOW = DOC_TIMESTAMP * 1000 + 10_000;

function sign(secret: string, t: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${t}:${body}`).digest('hex')}`;
}

describe('slackScheme', () => {
  it('accepts Slack’s documented example and reads the trigger id', () => {
    const result = verifyWebhook(slackScheme, {
      body: DOC_BODY,
      headers: { 'X-Slack-Signature': DOC_SIGNATURE, 'X-Slack-Request-Timestamp': String(DOC_TIMESTAMP) },
      secret: DOC_SECRET,
      now: DOC_NOW,
    });
    expect(result).toEqual({ ok: true, id: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c', type: 'slash_command', timestamp: new Date(DOC_TIMESTAMP * 1000), secretIndex: 0 });
  });

  it('signs Slack’s documented example to the documented signature', () => {
    expect(signWebhook(slackScheme, { body: DOC_BODY, secret: DOC_SECRET, timestamp: DOC_TIMESTAMP * 1000 })).toEqual({
      'X-Slack-Signature': DOC_SIGNATURE,
      'X-Slack-Request-Timestamp': String(DOC_TIMESTAMP),
    });
  });

  it('reads event_id and the inner event type from an Events API callback', () => {
    const body = '{"type":"event_callback","event_id":"Ev08MFMKH6","event":{"type":"app_mention","text":"hi"}}';
    const now = 1_714_000_000_000;
    const t = now / 1000;
    const result = verifyWebhook(slackScheme, { body, headers: { 'x-slack-signature': sign('s3cret', t, body), 'x-slack-request-timestamp': String(t) }, secret: 's3cret', now });
    expect(result).toMatchObject({ ok: true, id: 'Ev08MFMKH6', type: 'app_mention' });
  });

  it('answers a verified url_verification with its challenge', () => {
    const body = '{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}';
    const now = 1_714_000_000_000;
    const t = now / 1000;
    const headers = { 'x-slack-signature': sign('s3cret', t, body), 'x-slack-request-timestamp': String(t) };
    expect(verifyWebhook(slackScheme, { body, headers, secret: 's3cret', now })).toMatchObject({ ok: true, type: 'url_verification' });
    const handshake = slackScheme.handshake?.({ body: Buffer.from(body), header: () => undefined, method: 'POST', url: undefined });
    expect(handshake).toEqual({ status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('rejects stale and future requests (Slack: 5 minutes)', () => {
    const headers = { 'x-slack-signature': DOC_SIGNATURE, 'x-slack-request-timestamp': String(DOC_TIMESTAMP) };
    expect(verifyWebhook(slackScheme, { body: DOC_BODY, headers, secret: DOC_SECRET, now: DOC_TIMESTAMP * 1000 + 301_000 })).toMatchObject({ ok: false, reason: 'timestamp-too-old' });
    expect(verifyWebhook(slackScheme, { body: DOC_BODY, headers, secret: DOC_SECRET, now: DOC_TIMESTAMP * 1000 - 301_000 })).toMatchObject({ ok: false, reason: 'timestamp-in-future' });
  });

  it('rejects a tampered body and a wrong secret', () => {
    const headers = { 'x-slack-signature': DOC_SIGNATURE, 'x-slack-request-timestamp': String(DOC_TIMESTAMP) };
    expect(verifyWebhook(slackScheme, { body: DOC_BODY.replace('roadrunner', 'coyote'), headers, secret: DOC_SECRET, now: DOC_NOW })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
    expect(verifyWebhook(slackScheme, { body: DOC_BODY, headers, secrets: ['other', 'another'], now: DOC_NOW })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
  });

  it.each([
    ['no signature', { 'x-slack-request-timestamp': String(DOC_TIMESTAMP) }, 'missing-signature'],
    ['no timestamp', { 'x-slack-signature': DOC_SIGNATURE }, 'missing-timestamp'],
    ['a timestamp in ISO form', { 'x-slack-signature': DOC_SIGNATURE, 'x-slack-request-timestamp': '2018-07-12T18:36:58Z' }, 'malformed-timestamp'],
    ['a v1 signature', { 'x-slack-signature': DOC_SIGNATURE.replace('v0=', 'v1='), 'x-slack-request-timestamp': String(DOC_TIMESTAMP) }, 'malformed-signature'],
  ])('rejects %s', (_name, headers, reason) => {
    expect(verifyWebhook(slackScheme, { body: DOC_BODY, headers, secret: DOC_SECRET, now: DOC_NOW })).toMatchObject({ ok: false, reason });
  });
});
