import { slack } from '@connectors/slack';
import { createFakeClock } from '@connectors/testing';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postOnce } from './slack-post.ts';
import { sqliteAppStore } from '../store/sqlite-app-store.ts';

const API = 'https://slack.com';
const posted = { ok: true, channel: 'C1', ts: '1700000000.000100', message: { type: 'message', text: 'hi', user: 'U1', ts: '1700000000.000100' } };

function setup() {
  const client = slack.create({ token: 'xoxb-posttest', clock: createFakeClock(), random: () => 0 });
  return { client, store: sqliteAppStore(':memory:') };
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('postOnce', () => {
  it('after an ambiguous failure finds its own message in the channel and does not post again', async () => {
    let posts = 0;
    nock(API)
      .post('/api/chat.postMessage', () => (posts++, true)).reply(200, { ok: false, error: 'internal_error' })
      .post('/api/conversations.history').reply(200, { ok: true, messages: [{ ...posted.message, metadata: { event_type: 'connectors_example_post', event_payload: { post_id: 'p-1' } } }], response_metadata: { next_cursor: '' } });
    const { client, store } = setup();
    expect(await postOnce(client, store, 'C1', 'hi', 'p-1')).toEqual({ ts: '1700000000.000100', attempts: 1, ambiguousFailures: 1 });
    expect(posts).toBe(1);
    expect(await store.slackMessages('C1')).toMatchObject([{ ts: '1700000000.000100', source: 'post' }]);
  });

  it('posts again when the message is not there (Slack never applied it)', async () => {
    let posts = 0;
    nock(API)
      .post('/api/chat.postMessage', () => (posts++, true)).reply(200, { ok: false, error: 'internal_error' })
      .post('/api/conversations.history').reply(200, { ok: true, messages: [], response_metadata: { next_cursor: '' } })
      .post('/api/chat.postMessage', () => (posts++, true)).reply(200, posted);
    const { client, store } = setup();
    expect(await postOnce(client, store, 'C1', 'hi', 'p-2')).toEqual({ ts: '1700000000.000100', attempts: 2, ambiguousFailures: 1 });
    expect(posts).toBe(2);
  });

  it('does not look further after a permanent failure', async () => {
    nock(API).post('/api/chat.postMessage').reply(200, { ok: false, error: 'channel_not_found' });
    const { client, store } = setup();
    await expect(postOnce(client, store, 'C404', 'hi', 'p-3')).rejects.toMatchObject({ providerCode: 'channel_not_found' });
  });
});
