// Runs in a fresh project that installed only `@connectors/github` from the local registry. `tsc`
// type-checks it against the published declarations, then Node runs it against the GitHub sandbox.
import { github, type Issue } from '@connectors/github';

const gh = github.create({ token: process.env.SANDBOX_TOKEN!, baseUrl: process.env.SANDBOX_URL! });
const me = await gh.verifyCredentials();
const titles: string[] = [];
for await (const issue of gh.issues.list({ owner: 'octocat', repo: 'Hello-World', state: 'open' })) {
  const typed: Issue = issue;
  titles.push(typed.title);
  if (titles.length === 5) break;
}
if (!me.identity || titles.length !== 5) {
  console.error(`typed call: unexpected result identity=${me.identity} titles=${titles.length}`);
  process.exit(1);
}
console.log(`typed call ok: ${me.identity}, first issue "${titles[0]}"`);
