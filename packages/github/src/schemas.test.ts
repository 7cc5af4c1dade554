import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import issueComment from './issues/__fixtures__/issue-comment.json' with { type: 'json' };
import issue from './issues/__fixtures__/issue.json' with { type: 'json' };
import issues from './issues/__fixtures__/issues.json' with { type: 'json' };
import { issueCommentSchema, issueSchema } from './issues/issue-schemas.ts';
import pullRequest from './pulls/__fixtures__/pull-request.json' with { type: 'json' };
import pullRequests from './pulls/__fixtures__/pull-requests.json' with { type: 'json' };
import { pullRequestSchema, pullRequestSimpleSchema } from './pulls/pull-schemas.ts';
import orgRepositories from './repos/__fixtures__/org-repositories.json' with { type: 'json' };
import repository from './repos/__fixtures__/repository.json' with { type: 'json' };
import { repositorySchema } from './repos/repo-schemas.ts';
import authenticatedUser from './users/__fixtures__/authenticated-user.json' with { type: 'json' };
import { authenticatedUserSchema } from './users/user-schemas.ts';

describe('schemas accept the documented responses (fixtures) and keep every field', () => {
  it.each([
    ['repository', repositorySchema, repository],
    ['issue', issueSchema, issue],
    ['issue comment', issueCommentSchema, issueComment],
    ['pull request', pullRequestSchema, pullRequest],
    ['authenticated user', authenticatedUserSchema, authenticatedUser],
  ] as const)('%s', (_, schema, fixture) => {
    const parsed = v.parse(schema as v.GenericSchema, fixture);
    expect(parsed).toEqual(fixture);
  });

  it.each([
    ['repositories', v.array(repositorySchema), orgRepositories],
    ['issues', v.array(issueSchema), issues],
    ['pull requests', v.array(pullRequestSimpleSchema), pullRequests],
  ] as const)('%s lists', (_, schema, fixture) => {
    expect(v.parse(schema as v.GenericSchema, fixture)).toEqual(fixture);
  });

  it('names the field when a response has the wrong shape', () => {
    const result = v.safeParse(issueSchema, { ...issue, user: { login: 42 } });
    expect(result.success).toBe(false);
    expect(result.issues?.map((i) => v.getDotPath(i))).toContain('user.login');
  });
});
