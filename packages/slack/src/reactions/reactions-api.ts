import type { HttpClient } from '@connectors/core';
import { call, type SlackCallOptions } from '../internal/slack-call.ts';
import { okSchema } from './reaction-schemas.ts';

/** `slack.reactions`. */
export interface ReactionsApi {
  /**
   * `reactions.add` (Tier 3): `name` without colons (`thumbsup`). Adding it twice is `already_reacted`
   * (permanent); treat that as success if you retry yourself.
   */
  add(params: { channel: string; timestamp: string; name: string }, options?: SlackCallOptions): Promise<void>;
}

export function createReactionsApi(http: HttpClient): ReactionsApi {
  return {
    add: async (params, options = {}) => {
      await call(http, 'reactions.add', { ...params, name: params.name.replace(/^:|:$/g, '') }, okSchema, { ...options, safe: false });
    },
  };
}
