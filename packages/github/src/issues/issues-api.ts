import type { HttpClient, Paginated } from '@connectors/core';
import * as v from 'valibot';
import { commaList, listing, type ListOptions } from '../internal/list-options.ts';
import { signalOf } from '../internal/signal-of.ts';
import { issueCommentSchema, issueSchema, type Issue, type IssueComment } from './issue-schemas.ts';

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface IssueRef extends RepoRef {
  issue_number: number;
}

export interface ListIssuesParams extends RepoRef {
  /** Default `open`. */
  state?: 'open' | 'closed' | 'all';
  /** Issues with all of these labels. */
  labels?: string | readonly string[];
  sort?: 'created' | 'updated' | 'comments';
  direction?: 'asc' | 'desc';
  /** Only issues updated at or after this time (ISO 8601): the incremental-sync parameter. */
  since?: string;
  /** A milestone number, `*` (any) or `none`. */
  milestone?: string | number;
  /** A login, `*` or `none`. */
  assignee?: string;
  creator?: string;
  mentioned?: string;
}

export interface CreateIssueParams extends RepoRef {
  title: string;
  body?: string;
  assignees?: readonly string[];
  milestone?: number | null;
  labels?: readonly string[];
}

export interface UpdateIssueParams extends IssueRef {
  title?: string;
  body?: string | null;
  state?: 'open' | 'closed';
  state_reason?: 'completed' | 'not_planned' | 'reopened' | 'duplicate' | null;
  assignees?: readonly string[];
  /** Replaces every label. */
  labels?: readonly string[];
  milestone?: number | null;
}

export interface ListCommentsParams extends IssueRef {
  since?: string;
}

export interface CreateCommentParams extends IssueRef {
  body: string;
}

/** `gh.issues`. GitHub's issue endpoints also return pull requests: those carry `pull_request`. */
export interface IssuesApi {
  /** `GET /repos/{owner}/{repo}/issues`, every page. */
  list(params: ListIssuesParams, options?: ListOptions): Paginated<Issue>;
  /** `GET /repos/{owner}/{repo}/issues/{issue_number}`. A transferred issue answers 301 and is followed. */
  get(params: IssueRef, options?: { signal?: AbortSignal }): Promise<Issue>;
  /**
   * `POST /repos/{owner}/{repo}/issues`. GitHub has no idempotency keys, so a create that fails after
   * sending is not retried (it may have been applied): check before creating again.
   */
  create(params: CreateIssueParams, options?: { signal?: AbortSignal }): Promise<Issue>;
  /** `PATCH /repos/{owner}/{repo}/issues/{issue_number}`. It only sets values, so it is retried like a read. */
  update(params: UpdateIssueParams, options?: { signal?: AbortSignal }): Promise<Issue>;
  /** `GET /repos/{owner}/{repo}/issues/{issue_number}/comments`, every page. */
  listComments(params: ListCommentsParams, options?: ListOptions): Paginated<IssueComment>;
  /** `POST /repos/{owner}/{repo}/issues/{issue_number}/comments`. Not retried after sending, like `create`. */
  createComment(params: CreateCommentParams, options?: { signal?: AbortSignal }): Promise<IssueComment>;
}

const issueListSchema = v.array(issueSchema);
const commentListSchema = v.array(issueCommentSchema);

export function createIssuesApi(http: HttpClient): IssuesApi {
  return {
    list: ({ owner, repo, labels, milestone, ...query }, options) =>
      http.paginate({
        ...listing('issues.list', '/repos/{owner}/{repo}/issues', { ...query, labels: commaList(labels), milestone: milestone === undefined ? undefined : String(milestone) }, options),
        params: { owner, repo },
        schema: issueListSchema,
      }),
    get: ({ owner, repo, issue_number }, options = {}) =>
      http.request({
        path: '/repos/{owner}/{repo}/issues/{issue_number}',
        params: { owner, repo, issue_number },
        schema: issueSchema,
        operation: 'issues.get',
        ...signalOf(options),
      }),
    create: ({ owner, repo, ...body }, options = {}) =>
      http.request({
        method: 'POST',
        path: '/repos/{owner}/{repo}/issues',
        params: { owner, repo },
        body,
        schema: issueSchema,
        operation: 'issues.create',
        ...signalOf(options),
      }),
    update: ({ owner, repo, issue_number, ...body }, options = {}) =>
      http.request({
        method: 'PATCH',
        path: '/repos/{owner}/{repo}/issues/{issue_number}',
        params: { owner, repo, issue_number },
        body,
        schema: issueSchema,
        operation: 'issues.update',
        // Every field sets a value (labels replace, not add), so sending it twice ends in the same state.
        idempotent: true,
        ...signalOf(options),
      }),
    listComments: ({ owner, repo, issue_number, ...query }, options) =>
      http.paginate({
        ...listing('issues.listComments', '/repos/{owner}/{repo}/issues/{issue_number}/comments', query, options),
        params: { owner, repo, issue_number },
        schema: commentListSchema,
      }),
    createComment: ({ owner, repo, issue_number, body }, options = {}) =>
      http.request({
        method: 'POST',
        path: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
        params: { owner, repo, issue_number },
        body: { body },
        schema: issueCommentSchema,
        operation: 'issues.createComment',
        ...signalOf(options),
      }),
  };
}
