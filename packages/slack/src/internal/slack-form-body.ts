import type { BodyEncoder } from '@connectors/core';

/**
 * Slack's own encoding of method arguments, as `@slack/web-api` sends them (`WebClient.serializeBody`):
 * `application/x-www-form-urlencoded`, one field per argument, strings, numbers and booleans as text,
 * anything else (`blocks`, `attachments`, `metadata`) as a JSON string, `undefined`/`null` left out.
 * Not the core's `formBody`: Slack does not read Rails-style brackets (`blocks[0][type]`).
 */
export const slackFormBody: BodyEncoder = (body) => {
  const params = new URLSearchParams();
  if (body !== undefined && body !== null) {
    if (typeof body !== 'object' || Array.isArray(body)) throw new TypeError(`slack: method arguments must be an object of named arguments; got ${Array.isArray(body) ? 'an array' : typeof body}`);
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (value === undefined || value === null) continue;
      params.append(key, typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value));
    }
  }
  return { body: params.toString(), contentType: 'application/x-www-form-urlencoded' };
};
