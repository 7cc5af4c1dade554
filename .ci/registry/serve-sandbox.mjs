// Serves the GitHub sandbox from the workspace's built packages for the release round trip, prints
// `SANDBOX_URL=... SANDBOX_TOKEN=...` once listening, and runs until killed. Imported by file path:
// the fresh projects under test must not see the workspace.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const load = (path) => import(pathToFileURL(resolve(root, path)).href);
const { startSandbox } = await load('packages/testing/dist/sandbox.js');
const { githubSandboxProvider, GITHUB_SANDBOX_TOKEN } = await load('packages/github/dist/sandbox.js');

const sandbox = await startSandbox({ providers: [githubSandboxProvider], seed: 7 });
console.log(`SANDBOX_URL=${sandbox.urlFor('github')} SANDBOX_TOKEN=${GITHUB_SANDBOX_TOKEN}`);
const stop = () => sandbox.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
