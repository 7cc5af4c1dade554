// Changelog lines for `changeset version`.
// With GITHUB_TOKEN set, entries link their pull request and author (@changesets/changelog-github,
// which asks GitHub's GraphQL API about every changeset and so needs a token and network). Without
// one, the plain git format: versioning works offline, on a fresh clone, with no account.
// Either way a changeset written as a bullet list becomes one entry per bullet, so it never renders
// as "- - core: ...".
import plain from '@changesets/cli/changelog';

const REPO = 'connectors-dev/connectors';

async function base() {
  if (!process.env.GITHUB_TOKEN) return { functions: plain, options: null };
  const { default: github } = await import('@changesets/changelog-github');
  return { functions: github, options: { repo: REPO } };
}

/** Splits "- a\n  more\n- b" into ["a\nmore", "b"]; any other summary stays whole. */
export function summaryEntries(summary) {
  const lines = summary.trim().split('\n');
  if (!/^[-*] /.test(lines[0] ?? '')) return [summary.trim()];
  const entries = [];
  for (const line of lines) {
    if (/^[-*] /.test(line)) entries.push(line.slice(2).trim());
    else if (line.trim() !== '') entries[entries.length - 1] += `\n${line.trim()}`;
  }
  return entries;
}

export default {
  async getReleaseLine(changeset, type) {
    const { functions, options } = await base();
    const lines = await Promise.all(
      summaryEntries(changeset.summary).map((summary) => functions.getReleaseLine({ ...changeset, summary }, type, options)),
    );
    return lines.join('\n');
  },
  async getDependencyReleaseLine(changesets, dependenciesUpdated) {
    const { functions, options } = await base();
    if (options) return functions.getDependencyReleaseLine(changesets, dependenciesUpdated, options);
    // The plain format writes "Updated dependencies" once per changeset; once is enough.
    if (dependenciesUpdated.length === 0) return '';
    return ['- Updated dependencies', ...dependenciesUpdated.map((d) => `  - ${d.name}@${d.newVersion}`)].join('\n');
  },
};
