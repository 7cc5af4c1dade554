import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';
import { validate, type DriftFinding, type HttpClient } from '@connectors/core';
import { camel, loadPatchedDescription } from '@connectors/openapi-codegen';
import { describe, expect, it } from 'vitest';
import manifest from './generated/manifest.json' with { type: 'json' };
import { createRestApi } from './generated/rest-api.ts';

/**
 * The generated surface against GitHub's own material: every documented example response in the
 * vendored description, and every recorded exchange of @octokit/fixtures, must validate against the
 * schema of its operation without an error and without a drift finding. The description is read as
 * the generator reads it, with the corrections of openapi.config.json (`patches`) applied: where
 * GitHub's example and GitHub's schema disagree, one of them is corrected there, with its reason.
 */

interface Described {
  operationId: string;
  tags: string[];
  responses: Record<string, { $ref?: string; content?: Record<string, { examples?: Record<string, { $ref?: string; value?: unknown }>; example?: unknown }> }>;
}
type Document = { paths: Record<string, Record<string, Described>> };

const loaded = await loadPatchedDescription(fileURLToPath(new URL('../openapi.config.json', import.meta.url)));
const description = loaded.document as unknown as Document;
/** Follows a `$ref` (a response, an example) to what it points at. */
const deref = <T>(node: T | { $ref?: string }): T => ((node as { $ref?: string }).$ref ? (loaded.resolve((node as { $ref: string }).$ref) as T) : (node as T));
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Runs a generated operation against a client that records what it would send instead of sending. */
function schemaOf(resource: string, name: string): { schema: unknown; items?: string } {
  let seen: { schema: unknown; items?: string } | undefined;
  const http = {
    request: (options: { schema?: unknown }) => ((seen = { schema: options.schema }), Promise.resolve()),
    paginate: (options: { schema?: unknown; items?: string }) => ((seen = { schema: options.schema, ...(options.items ? { items: options.items } : {}) }), undefined),
  } as unknown as HttpClient;
  const ops = createRestApi({ http }) as unknown as Record<string, Record<string, (params: object) => unknown>>;
  const op = ops[resource]?.[name];
  if (!op) throw new Error(`no generated operation ${resource}.${name}`);
  void op({});
  if (!seen) throw new Error(`${resource}.${name} sent nothing`);
  return seen;
}

async function check(schema: unknown, value: unknown, operation: string): Promise<{ error?: string; drift: DriftFinding[] }> {
  const drift: DriftFinding[] = [];
  try {
    await validate(schema as Parameters<typeof validate>[0], value, { connector: 'github', operation, direction: 'response', drift: 'report', onDrift: (f) => drift.push(f) });
    return { drift };
  } catch (error) {
    return { error: (error as Error).message.slice(0, 400), drift };
  }
}

function operationFor(method: string, path: string): { resource: string; name: string } | undefined {
  const op = description.paths[path]?.[method];
  return op ? { resource: camel(op.tags[0]!), name: camel(op.operationId.split('/').pop()!).replace(/_$/, '') } : undefined;
}

describe('generated GitHub REST surface', () => {
  it('has a typed operation for every operation in the vendored description', () => {
    let described = 0;
    for (const item of Object.values(description.paths)) for (const m of METHODS) if (item[m]) described++;
    const generated = Object.values(manifest.resources).reduce((n, names) => n + names.length, 0);
    expect(generated).toBe(described);
    expect(manifest.operations).toBe(described);
    expect(described).toBeGreaterThan(1000);
  });

  it('validates every documented example response without errors or drift', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const [path, item] of Object.entries(description.paths)) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        const { resource, name } = operationFor(method, path)!;
        for (const [status, raw] of Object.entries(op.responses)) {
          if (!/^2\d\d$/.test(status)) continue;
          const response = deref(raw);
          const media = response.content?.['application/json'];
          if (!media) continue;
          const examples = Object.values(media.examples ?? {}).map((e) => deref<{ value?: unknown }>(e).value);
          if (media.example !== undefined) examples.push(media.example);
          const { schema } = schemaOf(resource, name);
          for (const example of examples) {
            if (example === undefined) continue;
            checked++;
            const result = await check(schema, example, `${resource}.${name}`);
            if (result.error || result.drift.length) failures.push(`${resource}.${name} ${status}: ${result.error ?? JSON.stringify(result.drift)}`);
          }
        }
      }
    }
    expect(checked).toBe(1010);
    // None accepted: an example that contradicts its schema is a typo to correct in the example, or
    // a schema to correct, in openapi.config.json with the evidence (see the package README).
    expect(failures).toEqual([]);
  });

  it('reads a BundlePricing budget, as a declared value, through every operation that returns a budget', async () => {
    // GitHub lists BundlePricing budgets (get_all_budgets_with_user_filter) and accepts the type in its
    // budget request bodies; each response schema with the budget_type enum gets it in openapi.config.json.
    const cases: Array<{ op: string; path: string; method: string; set: (example: Record<string, unknown>, type: string) => unknown }> = [
      { op: 'getAllBudgetsOrg', path: '/organizations/{org}/settings/billing/budgets', method: 'get', set: (e, type) => ({ ...e, budgets: (e['budgets'] as object[]).map((b) => ({ ...b, budget_type: type })) }) },
      { op: 'getBudgetOrg', path: '/organizations/{org}/settings/billing/budgets/{budget_id}', method: 'get', set: (e, type) => ({ ...e, budget_type: type }) },
      { op: 'createOrganizationBudget', path: '/organizations/{org}/settings/billing/budgets', method: 'post', set: (e, type) => ({ ...e, budget: { ...(e['budget'] as object), budget_type: type } }) },
      { op: 'updateBudgetOrg', path: '/organizations/{org}/settings/billing/budgets/{budget_id}', method: 'patch', set: (e, type) => ({ ...e, budget: { ...(e['budget'] as object), budget_type: type } }) },
    ];
    const typesOf = (body: unknown): unknown[] => {
      const b = body as { budget_type?: unknown; budget?: { budget_type?: unknown }; budgets?: Array<{ budget_type?: unknown }> };
      return b.budgets ? b.budgets.map((x) => x.budget_type) : [b.budget?.budget_type ?? b.budget_type];
    };
    for (const { op, path, method, set } of cases) {
      expect(operationFor(method, path)).toEqual({ resource: 'billing', name: op });
      const media = deref(description.paths[path]![method]!.responses['200']!).content!['application/json']!;
      const example = Object.values(media.examples ?? {}).map((e) => deref<{ value?: unknown }>(e).value)[0] as Record<string, unknown>;
      const { schema } = schemaOf('billing', op);
      const bundle = set(example, 'BundlePricing');
      // strict drift mode fails on an undeclared enum value: BundlePricing is declared.
      const read = await validate(schema as Parameters<typeof validate>[0], bundle, { connector: 'github', operation: `billing.${op}`, direction: 'response', drift: 'strict' });
      expect(typesOf(read).length).toBeGreaterThan(0);
      expect(typesOf(read).every((t) => t === 'BundlePricing')).toBe(true);
      // A type GitHub adds later passes and is reported as drift, as every open enum is.
      const later = await check(schema, set(example, 'SeatPricing'), `billing.${op}`);
      expect(later.error).toBeUndefined();
      expect(later.drift).toEqual([{ kind: 'unknown-enum-value', path: expect.stringMatching(/budget_type$/), value: 'SeatPricing' }]);
    }
  });

  it('validates every recorded exchange of @octokit/fixtures that has a documented operation', async () => {
    const scenarios = JSON.parse(brotliDecompressSync(readFileSync(new URL('./__fixtures__/octokit-fixtures.json.br', import.meta.url))).toString('utf8')) as Record<
      string,
      Array<{ method: string; path: string; status: number; response: unknown }>
    >;
    const templates = Object.keys(description.paths).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }));
    const failures: string[] = [];
    let checked = 0;
    for (const [scenario, exchanges] of Object.entries(scenarios)) {
      for (const exchange of exchanges) {
        if (exchange.status < 200 || exchange.status > 299 || exchange.response === '' || typeof exchange.response !== 'object') continue;
        const path = exchange.path.split('?')[0]!;
        const matches = templates.filter((t) => t.pattern.test(path) && description.paths[t.template]![exchange.method.toLowerCase()]);
        // The most specific template: the fewest placeholders (`/repos/{o}/{r}/issues/comments` over `/{issue_number}`).
        const match = matches.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0))[0];
        if (!match) continue;
        const { resource, name } = operationFor(exchange.method.toLowerCase(), match.template)!;
        const { schema } = schemaOf(resource, name);
        if (!schema) continue;
        checked++;
        const result = await check(schema, exchange.response, `${resource}.${name}`);
        if (result.error || result.drift.length) failures.push(`${scenario}: ${exchange.method} ${path} (${resource}.${name}): ${result.error ?? JSON.stringify(result.drift)}`);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(30);
    expect(failures).toEqual([]);
  });
});
