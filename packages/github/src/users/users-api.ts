import type { HttpClient } from '@connectors/core';
import { signalOf } from '../internal/signal-of.ts';
import { authenticatedUserSchema, type AuthenticatedUser } from './user-schemas.ts';

/** `gh.users`: the account behind the credentials. */
export interface UsersApi {
  /** `GET /user`: the user the token belongs to (not available to GitHub App installation tokens). */
  getAuthenticated(options?: { signal?: AbortSignal }): Promise<AuthenticatedUser>;
}

export function createUsersApi(http: HttpClient): UsersApi {
  return {
    getAuthenticated: (options = {}) =>
      http.request({ path: '/user', schema: authenticatedUserSchema, operation: 'users.getAuthenticated', ...signalOf(options) }),
  };
}
