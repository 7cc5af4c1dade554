import type { HttpClient, Paginated } from '@connectors/core';
import { call, list, type SlackCallOptions, type SlackListOptions } from '../internal/slack-call.ts';
import { userInfoSchema, usersListSchema, type User } from './user-schemas.ts';

/** `slack.users`. */
export interface UsersApi {
  /** `users.list` (Tier 2), every page: the items are `members` (bots and deactivated users included). */
  list(params?: { team_id?: string; include_locale?: boolean }, options?: SlackListOptions): Paginated<User>;
  /** `users.info` (Tier 4). */
  info(user: string, params?: { include_locale?: boolean }, options?: SlackCallOptions): Promise<User>;
  /** `users.lookupByEmail` (Tier 3; scope `users:read.email`). An unknown address is `users_not_found` (permanent). */
  lookupByEmail(email: string, options?: SlackCallOptions): Promise<User>;
}

export function createUsersApi(http: HttpClient): UsersApi {
  return {
    list: (params, options) => list(http, 'users.list', { ...params }, 'members', usersListSchema, options),
    info: async (user, params = {}, options = {}) => (await call(http, 'users.info', { user, ...params }, userInfoSchema, { ...options, safe: true })).user,
    lookupByEmail: async (email, options = {}) => (await call(http, 'users.lookupByEmail', { email }, userInfoSchema, { ...options, safe: true })).user,
  };
}
