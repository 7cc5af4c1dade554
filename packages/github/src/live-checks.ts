// Read-only checks `pnpm test:live --filter @connectors/github` runs against api.github.com when
// GITHUB_TOKEN is set (see scripts/test-live.ts). Public repositories only: any token can read them.
import { github } from './github-connector.ts';

type GitHub = ReturnType<typeof github.create>;
const REPO = { owner: 'octocat', repo: 'Hello-World' };

export const liveChecks = {
  env: ['GITHUB_TOKEN'],
  create: (common: Parameters<typeof github.create>[0]) => github.create({ ...common }),
  checks: [
    { name: 'verifyCredentials (GET /user)', run: (gh: GitHub) => gh.verifyCredentials() },
    { name: 'repos.get octocat/Hello-World', run: (gh: GitHub) => gh.repos.get(REPO) },
    { name: 'issues.list octocat/Hello-World (first 50)', run: (gh: GitHub) => take(gh.issues.list({ ...REPO, state: 'all' }), 50) },
    { name: 'issues.get octocat/Hello-World#1', run: (gh: GitHub) => gh.issues.get({ ...REPO, issue_number: 1 }) },
    { name: 'repos.listForOrg github (first 30)', run: (gh: GitHub) => take(gh.repos.listForOrg({ org: 'github' }), 30) },
  ],
};

async function take<T>(items: AsyncIterable<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) if (out.push(item) >= count) break;
  return out;
}
