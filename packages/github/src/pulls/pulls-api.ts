import type { HttpClient, Paginated } from '@connectors/core';
import * as v from 'valibot';
import type { RepoRef } from '../issues/issues-api.ts';
import { listing, type ListOptions } from '../internal/list-options.ts';
import { signalOf } from '../internal/signal-of.ts';
import { pullRequestSchema, pullRequestSimpleSchema, type PullRequest, type PullRequestSimple } from './pull-schemas.ts';

export interface ListPullRequestsParams extends RepoRef {
  state?: 'open' | 'closed' | 'all';
  /** `user:ref-name` or `organization:ref-name`. */
  head?: string;
  base?: string;
  sort?: 'created' | 'updated' | 'popularity' | 'long-running';
  direction?: 'asc' | 'desc';
}

export interface PullRequestRef extends RepoRef {
  pull_number: number;
}

/** `gh.pulls`. */
export interface PullsApi {
  /** `GET /repos/{owner}/{repo}/pulls`, every page. */
  list(params: ListPullRequestsParams, options?: ListOptions): Paginated<PullRequestSimple>;
  /** `GET /repos/{owner}/{repo}/pulls/{pull_number}`, with merge state; `mergeable` is null while GitHub computes it. */
  get(params: PullRequestRef, options?: { signal?: AbortSignal }): Promise<PullRequest>;
}

const pullListSchema = v.array(pullRequestSimpleSchema);

export function createPullsApi(http: HttpClient): PullsApi {
  return {
    list: ({ owner, repo, ...query }, options) =>
      http.paginate({ ...listing('pulls.list', '/repos/{owner}/{repo}/pulls', query, options), params: { owner, repo }, schema: pullListSchema }),
    get: ({ owner, repo, pull_number }, options = {}) =>
      http.request({
        path: '/repos/{owner}/{repo}/pulls/{pull_number}',
        params: { owner, repo, pull_number },
        schema: pullRequestSchema,
        operation: 'pulls.get',
        ...signalOf(options),
      }),
  };
}
