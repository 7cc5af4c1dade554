import * as v from 'valibot';
import { messageSchema } from '../conversations/conversation-schemas.ts';
import { slackResponse, tsSchema } from '../internal/slack-envelope.ts';

/** `chat.postMessage` (https://docs.slack.dev/reference/methods/chat.postMessage): the channel id, the new message's `ts` and the message. */
export const postMessageSchema = slackResponse({ channel: v.string(), ts: tsSchema, message: messageSchema, deprecated_argument: v.optional(v.string()) });
export type PostedMessage = v.InferOutput<typeof postMessageSchema>;

/** `chat.update`: the channel, `ts`, the new text and the updated message. */
export const updateMessageSchema = slackResponse({ channel: v.string(), ts: tsSchema, text: v.string(), message: v.optional(v.looseObject({ text: v.optional(v.string()) })) });
export type UpdatedMessage = v.InferOutput<typeof updateMessageSchema>;

/** `chat.delete`: the channel and `ts` of the deleted message. */
export const deleteMessageSchema = slackResponse({ channel: v.string(), ts: tsSchema });
export type DeletedMessage = v.InferOutput<typeof deleteMessageSchema>;
