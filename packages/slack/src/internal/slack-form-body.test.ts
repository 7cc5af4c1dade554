import { describe, expect, it } from 'vitest';
import { slackFormBody } from './slack-form-body.ts';

describe('slackFormBody', () => {
  it('sends primitives as text and structures as JSON strings, like @slack/web-api', () => {
    const { body, contentType } = slackFormBody({ channel: 'C123', text: 'a & b', unfurl_links: false, limit: 10, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }], thread_ts: undefined, icon_url: null });
    expect(contentType).toBe('application/x-www-form-urlencoded');
    const params = new URLSearchParams(body);
    expect([...params.keys()]).toEqual(['channel', 'text', 'unfurl_links', 'limit', 'blocks']);
    expect(params.get('text')).toBe('a & b');
    expect(params.get('unfurl_links')).toBe('false');
    expect(JSON.parse(params.get('blocks')!)).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }]);
  });

  it('refuses a body that is not named arguments', () => {
    expect(() => slackFormBody(['C123'])).toThrow(/must be an object of named arguments; got an array/);
    expect(slackFormBody(undefined).body).toBe('');
  });
});
