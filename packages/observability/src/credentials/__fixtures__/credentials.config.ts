// A credentials configuration module, as an app would write it for `connectors credentials --config`.
import type { CredentialDeclaration } from '../credentials-inventory.ts';

export default [
  { name: 'GITHUB_TOKEN', kind: 'bearer', source: { env: 'GITHUB_TOKEN' }, connectors: ['github'], operations: ['issues.list', 'repos.get'], expiresAt: '2026-03-20T12:00:00Z', notes: 'Fine-grained PAT of the ops bot; rotate in GitHub settings.' },
  { name: 'github:octocat:Iv1.abc', kind: 'oauth2', source: { store: 'sqlite-token-store', key: 'github:octocat:Iv1.abc' }, connectors: ['github'], expiresAt: '2026-08-30T00:00:00Z' },
  { name: 'STRIPE_SECRET_KEY', kind: 'api-key', source: { env: 'STRIPE_SECRET_KEY' }, connectors: ['stripe'] },
] satisfies CredentialDeclaration[];
