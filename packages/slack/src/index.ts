export { slack, SLACK_BASE_URL, type Slack, type SlackApi, type SlackOptions } from './slack-connector.ts';
export { slackOAuth, SLACK_TOKEN_URL, type SlackOAuthOptions } from './auth/slack-oauth.ts';
export { slackResponseCheck, SLACK_AUTH_REJECTED_CODES } from './errors/slack-response-check.ts';
export { SLACK_METHOD_TIERS, slackRateLimitRoutes, tierBudget, type SlackTier, type SlackRateLimitOptions } from './rate-limit/slack-tiers.ts';
export { slackFormBody } from './internal/slack-form-body.ts';
export { slackCursor, type SlackCallOptions, type SlackListOptions } from './internal/slack-call.ts';

export { authTestSchema, type AuthTest } from './auth/auth-schemas.ts';
export { createConversationsApi, type ConversationsApi, type ConversationListParams, type ConversationHistoryParams, type ConversationRepliesParams } from './conversations/conversations-api.ts';
export { conversationSchema, messageSchema, reactionSchema, type Conversation, type Message } from './conversations/conversation-schemas.ts';
export { createUsersApi, type UsersApi } from './users/users-api.ts';
export { userSchema, userProfileSchema, type User } from './users/user-schemas.ts';
export { createChatApi, type ChatApi, type MessageContent, type PostMessageParams, type UpdateMessageParams } from './chat/chat-api.ts';
export { postMessageSchema, updateMessageSchema, deleteMessageSchema, type PostedMessage, type UpdatedMessage, type DeletedMessage } from './chat/chat-schemas.ts';
export { createReactionsApi, type ReactionsApi } from './reactions/reactions-api.ts';
export { createFilesApi, type FilesApi, type GetUploadUrlParams, type CompleteUploadParams, type UploadFileParams } from './files/files-api.ts';
export { uploadUrlSchema, uploadedFileSchema, type UploadUrl, type UploadedFile } from './files/file-schemas.ts';

export { slackScheme, verifySlackWebhook, parseSlackWebhook, slackRetryOf, type SlackWebhookPayload, type SlackWebhookResult, type SlackRetry } from './webhooks/slack-webhooks.ts';
export {
  eventCallbackSchema,
  eventsApiPayloadSchema,
  interactionPayloadSchema,
  slashCommandSchema,
  messageEventSchema,
  appMentionEventSchema,
  reactionAddedEventSchema,
  memberJoinedChannelEventSchema,
  type SlackEvent,
  type MessageEvent,
  type AppMentionEvent,
  type ReactionAddedEvent,
  type MemberJoinedChannelEvent,
  type EventCallback,
  type EventsApiPayload,
  type InteractionPayload,
  type SlashCommand,
} from './webhooks/slack-webhook-schemas.ts';
