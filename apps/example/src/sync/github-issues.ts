import type { GitHub, Issue } from '@connectors/github';
import { issueRow } from '../store/app-rows.ts';
import type { AppStore } from '../store/app-store.ts';
import { type ListingResult, type ListingRunOptions, type ListingSpec, runListing } from './run-listing.ts';

/** GitHub's `since` compares against its own clock: start a little earlier so clock skew never loses an update. */
const CLOCK_SKEW_MS = 60_000;

export interface GitHubIssuesSyncOptions extends ListingRunOptions {
  /** Issues per page, 1-100. Default 100. */
  perPage?: number;
}

/**
 * The issues of one repository (pull requests included, as GitHub lists them), every state. Each run
 * after the first reads only issues updated since the previous run started.
 */
export function githubIssuesListing(gh: GitHub, repo: { owner: string; repo: string }, perPage = 100): ListingSpec<Issue> {
  const fullName = `${repo.owner}/${repo.repo}`;
  return {
    listing: `github:issues:${fullName}`,
    label: 'github issues',
    filter: (highWater): Record<string, string> => (highWater === null ? {} : { since: new Date(highWater - CLOCK_SKEW_MS).toISOString() }),
    open: (filter, checkpoint, signal) =>
      gh.issues.list(
        { ...repo, state: 'all', ...(filter['since'] ? { since: filter['since'] } : {}) },
        { perPage, ...(checkpoint ? { checkpoint } : {}), ...(signal ? { signal } : {}) },
      ),
    rows: (issues) => ({ issues: issues.map((issue) => issueRow(fullName, issue)) }),
  };
}

/** Syncs the repository's issues into `github_issues`, resuming an interrupted run. */
export function syncGitHubIssues(
  gh: GitHub,
  store: AppStore,
  repo: { owner: string; repo: string },
  options: GitHubIssuesSyncOptions = {},
): Promise<ListingResult> {
  return runListing(store, githubIssuesListing(gh, repo, options.perPage), options);
}
