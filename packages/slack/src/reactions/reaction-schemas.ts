import { slackResponse } from '../internal/slack-envelope.ts';

/** `reactions.add` answers `{ ok: true }` and nothing else. */
export const okSchema = slackResponse({});
