import type { HttpClient, Paginated } from '@connectors/core';
import * as v from 'valibot';
import { listing, type ListOptions } from '../internal/list-options.ts';
import { signalOf } from '../internal/signal-of.ts';
import { repositorySchema, type Repository } from './repo-schemas.ts';

export interface GetRepositoryParams {
  owner: string;
  repo: string;
}

export interface ListOrgRepositoriesParams {
  org: string;
  type?: 'all' | 'public' | 'private' | 'forks' | 'sources' | 'member';
  sort?: 'created' | 'updated' | 'pushed' | 'full_name';
  direction?: 'asc' | 'desc';
}

export interface ListUserRepositoriesParams {
  username: string;
  type?: 'all' | 'owner' | 'member';
  sort?: 'created' | 'updated' | 'pushed' | 'full_name';
  direction?: 'asc' | 'desc';
}

/** `gh.repos`. */
export interface ReposApi {
  /** `GET /repos/{owner}/{repo}`. A 404 means missing *or* invisible to these credentials. */
  get(params: GetRepositoryParams, options?: { signal?: AbortSignal }): Promise<Repository>;
  /** `GET /orgs/{org}/repos`, every page: `for await (const repo of gh.repos.listForOrg({ org }))`. */
  listForOrg(params: ListOrgRepositoriesParams, options?: ListOptions): Paginated<Repository>;
  /** `GET /users/{username}/repos`, every page. */
  listForUser(params: ListUserRepositoriesParams, options?: ListOptions): Paginated<Repository>;
}

const repositoryListSchema = v.array(repositorySchema);

export function createReposApi(http: HttpClient): ReposApi {
  return {
    get: ({ owner, repo }, options = {}) =>
      http.request({ path: '/repos/{owner}/{repo}', params: { owner, repo }, schema: repositorySchema, operation: 'repos.get', ...signalOf(options) }),
    listForOrg: ({ org, ...query }, options) =>
      http.paginate({ ...listing('repos.listForOrg', '/orgs/{org}/repos', query, options), params: { org }, schema: repositoryListSchema }),
    listForUser: ({ username, ...query }, options) =>
      http.paginate({ ...listing('repos.listForUser', '/users/{username}/repos', query, options), params: { username }, schema: repositoryListSchema }),
  };
}
