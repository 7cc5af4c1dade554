import type { HttpClient } from '@connectors/core';
import { call, type SlackCallOptions } from '../internal/slack-call.ts';
import { completeUploadSchema, uploadUrlSchema, type UploadedFile, type UploadUrl } from './file-schemas.ts';

export interface GetUploadUrlParams {
  filename: string;
  /** Size in bytes. */
  length: number;
  alt_text?: string;
  snippet_type?: string;
}

export interface CompleteUploadParams {
  files: readonly { id: string; title?: string }[];
  /** Share the files in this channel; without it they stay private to the uploader. */
  channel_id?: string;
  /** A comma-separated list of channels, instead of `channel_id`. */
  channels?: string;
  initial_comment?: string;
  thread_ts?: string;
  blocks?: readonly Record<string, unknown>[];
}

export interface UploadFileParams extends Omit<CompleteUploadParams, 'files'> {
  filename: string;
  /** The bytes, or text (sent as UTF-8). */
  content: Uint8Array | string;
  title?: string;
  alt_text?: string;
  snippet_type?: string;
}

/** Sends the bytes to the URL `files.getUploadURLExternal` gave (a different host, no credentials). */
export type SendUploadBytes = (uploadUrl: string, bytes: Uint8Array, options: SlackCallOptions) => Promise<void>;

/** `slack.files`: Slack's external upload flow (https://docs.slack.dev/messaging/working-with-files#uploading_files). */
export interface FilesApi {
  /** `files.getUploadURLExternal` (Tier 4): a one-time upload URL and the file id. */
  getUploadURLExternal(params: GetUploadUrlParams, options?: SlackCallOptions): Promise<UploadUrl>;
  /** `files.completeUploadExternal` (Tier 4): finishes the uploads and shares the files. */
  completeUploadExternal(params: CompleteUploadParams, options?: SlackCallOptions): Promise<UploadedFile[]>;
  /**
   * Uploads a file end to end, as `@slack/web-api`'s `files.uploadV2` does: asks for an upload URL,
   * POSTs the bytes there, then completes the upload (sharing it when `channel_id` is given).
   */
  uploadFile(params: UploadFileParams, options?: SlackCallOptions): Promise<UploadedFile>;
}

export function createFilesApi(http: HttpClient, send: SendUploadBytes): FilesApi {
  const getUploadURLExternal: FilesApi['getUploadURLExternal'] = (params, options = {}) =>
    // Asking again only yields another unused URL: safe to repeat.
    call(http, 'files.getUploadURLExternal', { ...params }, uploadUrlSchema, { ...options, safe: true });
  const completeUploadExternal: FilesApi['completeUploadExternal'] = async (params, options = {}) =>
    (await call(http, 'files.completeUploadExternal', { ...params }, completeUploadSchema, { ...options, safe: false })).files;
  return {
    getUploadURLExternal,
    completeUploadExternal,
    async uploadFile(params, options = {}) {
      const { filename, content, title, alt_text, snippet_type, ...share } = params;
      if (typeof filename !== 'string' || filename === '') throw new TypeError('slack files.uploadFile: `filename` is required');
      const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
      if (!(bytes instanceof Uint8Array)) throw new TypeError('slack files.uploadFile: `content` must be a Uint8Array (e.g. a Buffer) or a string');
      if (bytes.byteLength === 0) throw new TypeError('slack files.uploadFile: `content` is empty; Slack refuses empty files');
      const target = await getUploadURLExternal({ filename, length: bytes.byteLength, ...(alt_text ? { alt_text } : {}), ...(snippet_type ? { snippet_type } : {}) }, options);
      await send(target.upload_url, bytes, options);
      const files = await completeUploadExternal({ ...share, files: [{ id: target.file_id, title: title ?? filename }] }, options);
      return files.find((file) => file.id === target.file_id) ?? files[0]!;
    },
  };
}
