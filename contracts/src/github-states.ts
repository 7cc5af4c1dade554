import issue from '../../packages/github/src/issues/__fixtures__/issue.json' with { type: 'json' };
import issues from '../../packages/github/src/issues/__fixtures__/issues.json' with { type: 'json' };

/** The provider state every GitHub interaction assumes: the sandbox's seeded repository. */
export const GITHUB_STATE = 'the seeded repository octocat/Hello-World';

// The seeded repository's issue 1 is open, unlocked and not a pull request: the fixture (a closed,
// locked pull-request issue) seen in that state.
export const openIssue = { ...issue, state: 'open', state_reason: null, closed_at: null, closed_by: null, locked: false, active_lock_reason: null };
export const openIssues = (issues as (typeof issue)[]).map((item) => ({ ...item, ...openIssue }));
