import { signWebhook } from '@connectors/webhooks';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import appMention from './__fixtures__/app-mention.json' with { type: 'json' };
import blockActions from './__fixtures__/block-actions.json' with { type: 'json' };
import memberJoined from './__fixtures__/member-joined-channel.json' with { type: 'json' };
import message from './__fixtures__/message.json' with { type: 'json' };
import reactionAdded from './__fixtures__/reaction-added.json' with { type: 'json' };
import urlVerification from './__fixtures__/url-verification.json' with { type: 'json' };
import { parseSlackWebhook, slackScheme, verifySlackWebhook } from './slack-webhooks.ts';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const slashCommand = readFileSync(new URL('./__fixtures__/slash-command.txt', import.meta.url), 'utf8');

function signed(body: string, extra: Record<string, string> = {}) {
  return { body, headers: { ...signWebhook(slackScheme, { body, secret: SECRET }), ...extra }, secret: SECRET };
}

describe('verifySlackWebhook', () => {
  it('types the four event_callback events and keys each delivery by event_id', async () => {
    for (const [fixture, type] of [[message, 'message'], [appMention, 'app_mention'], [reactionAdded, 'reaction_added'], [memberJoined, 'member_joined_channel']] as const) {
      const result = await verifySlackWebhook(signed(JSON.stringify(fixture)));
      if (!result.ok || result.kind !== 'events-api' || result.payload.type !== 'event_callback') throw new Error(`not an event_callback: ${JSON.stringify(result)}`);
      expect(result.id).toBe(fixture.event_id);
      expect(result.payload.event.type).toBe(type);
      expect(result.retry).toBeUndefined();
    }
  });

  it("surfaces Slack's redelivery headers, with the same event_id as the first delivery", async () => {
    const result = await verifySlackWebhook(signed(JSON.stringify(message), { 'X-Slack-Retry-Num': '2', 'X-Slack-Retry-Reason': 'http_timeout' }));
    expect(result).toMatchObject({ ok: true, id: 'Ev123ABC456', retry: { num: 2, reason: 'http_timeout' } });
  });

  it('decodes url_verification, interactivity payload= forms and slash commands', async () => {
    const challenge = await verifySlackWebhook(signed(JSON.stringify(urlVerification)));
    expect(challenge).toMatchObject({ ok: true, kind: 'events-api', payload: { type: 'url_verification', challenge: urlVerification.challenge } });
    const interaction = await verifySlackWebhook(signed(`payload=${encodeURIComponent(JSON.stringify(blockActions))}`));
    expect(interaction).toMatchObject({ ok: true, kind: 'interaction', id: blockActions.trigger_id, payload: { type: 'block_actions', user: { id: 'UA8RXUSPL' } } });
    const command = await verifySlackWebhook(signed(slashCommand));
    expect(command).toMatchObject({ ok: true, kind: 'slash-command', payload: { command: '/weather', text: '94070', channel_id: 'C2147483705' } });
  });

  it('rejects forged, tampered and stale deliveries without throwing', async () => {
    const body = JSON.stringify(message);
    const forged = await verifySlackWebhook({ body, headers: signWebhook(slackScheme, { body, secret: 'not-the-secret' }), secret: SECRET });
    expect(forged).toMatchObject({ ok: false, reason: 'signature-mismatch' });
    const good = signed(body);
    expect(await verifySlackWebhook({ ...good, body: body.replace('prospect', 'prosper') })).toMatchObject({ ok: false, reason: 'signature-mismatch' });
    const stale = { ...good, now: Date.now() + 10 * 60_000 };
    expect(await verifySlackWebhook(stale)).toMatchObject({ ok: false, reason: 'timestamp-too-old' });
  });

  it('names the field when a signed payload is not what Slack documents', async () => {
    await expect(parseSlackWebhook(JSON.stringify({ ...message, event_id: 42 }))).rejects.toThrow(/event_id/);
  });
});
