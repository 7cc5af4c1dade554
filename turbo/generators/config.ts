import type { PlopTypes } from '@turbo/gen';

// `pnpm turbo gen connector` (or non-interactively:
// `pnpm turbo gen connector --args <name> <baseUrl> <auth> <pagination>`).
// Templates stay thin: configs call the shared presets in packages/tooling, so generated
// packages cannot drift from the rest of the monorepo.

const AUTH = ['bearer', 'api-key', 'basic', 'oauth2'] as const;
const PAGINATION = ['cursor', 'link-header', 'offset', 'page', 'next-url'] as const;

export default function generator(plop: PlopTypes.NodePlopAPI): void {
  plop.setHelper('eq', (a: unknown, b: unknown) => a === b);
  plop.setHelper('envName', (name: string) => `${name.replace(/[^a-z0-9]+/gi, '_').toUpperCase()}`);

  plop.setGenerator('connector', {
    description: 'A new provider connector package with a typed operation, a fixture and the conformance suite',
    prompts: [
      {
        type: 'input',
        name: 'name',
        message: 'Provider name (kebab-case, e.g. "acme-crm")',
        validate: (value: string) =>
          /^[a-z][a-z0-9-]*$/.test(value) || 'Use lowercase letters, digits and dashes, starting with a letter (e.g. "acme-crm").',
      },
      {
        type: 'input',
        name: 'baseUrl',
        message: 'Base URL of the API (e.g. https://api.acme.com/v1)',
        validate: (value: string) => {
          try {
            const url = new URL(value);
            return url.protocol === 'https:' || url.protocol === 'http:' || 'The base URL must start with https:// or http://';
          } catch {
            return `"${value}" is not an absolute URL; write it like https://api.acme.com/v1`;
          }
        },
      },
      { type: 'list', name: 'auth', message: 'How does it authenticate?', choices: [...AUTH] },
      { type: 'list', name: 'pagination', message: 'How does it paginate lists?', choices: [...PAGINATION] },
    ],
    actions: (answers) => {
      const a = answers as { name: string; auth: string; pagination: string };
      if (!AUTH.includes(a.auth as (typeof AUTH)[number])) throw new Error(`auth must be one of ${AUTH.join(', ')}; got "${a.auth}"`);
      if (!PAGINATION.includes(a.pagination as (typeof PAGINATION)[number])) {
        throw new Error(`pagination must be one of ${PAGINATION.join(', ')}; got "${a.pagination}"`);
      }
      const dir = '{{ turbo.paths.root }}/packages/{{ name }}';
      const tpl = 'templates/connector';
      const files = [
        'package.json',
        'tsconfig.json',
        'tsup.config.ts',
        'vitest.config.ts',
        'README.md',
        'LICENSE',
        'src/index.ts',
        'src/connector.ts',
        'src/connector.test.ts',
        'src/conformance.test.ts',
        'src/__fixtures__/items-page-1.json',
        'src/__fixtures__/items-page-2.json',
        'src/__fixtures__/item.json',
        'src/__fixtures__/me.json',
      ];
      return [
        ...files.map((file) => ({ type: 'add' as const, path: `${dir}/${file}`, templateFile: `${tpl}/${file}.hbs`, abortOnFail: true })),
        { type: 'add' as const, path: '{{ turbo.paths.root }}/.changeset/{{ name }}-initial.md', templateFile: `${tpl}/changeset.md.hbs` },
      ];
    },
  });
}
