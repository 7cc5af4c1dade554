import * as v from 'valibot';
import { slackResponse } from '../internal/slack-envelope.ts';

/** `files.getUploadURLExternal` (https://docs.slack.dev/reference/methods/files.getUploadURLExternal): where to send the bytes, and the file's id. */
export const uploadUrlSchema = slackResponse({ upload_url: v.pipe(v.string(), v.url()), file_id: v.string() });
export type UploadUrl = v.InferOutput<typeof uploadUrlSchema>;

/** A file as `files.completeUploadExternal` lists it: its id and title (the full file object is larger and varies by type). */
export const uploadedFileSchema = v.looseObject({ id: v.string(), title: v.optional(v.string()), name: v.optional(v.string()), size: v.optional(v.number()), permalink: v.optional(v.string()) });
export type UploadedFile = v.InferOutput<typeof uploadedFileSchema>;

/** `files.completeUploadExternal`: the files, now shared where `channel_id` said. */
export const completeUploadSchema = slackResponse({ files: v.array(uploadedFileSchema) });
