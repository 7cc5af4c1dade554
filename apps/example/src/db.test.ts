import { describe, expect, it } from 'vitest';
import { customerRow, type IssueLike, issueRow, openDatabase } from './db.ts';

const issue = (updatedAt: string, title: string): IssueLike => ({
  id: 7, number: 7, title, state: 'open', body: null, labels: [{ name: 'bug' }, 'ui'], comments: 0, user: { login: 'octocat' },
  created_at: '2025-01-01T00:00:00Z', updated_at: updatedAt, closed_at: null,
});

describe('openDatabase', () => {
  it('never lets an older copy of an issue overwrite a newer one', () => {
    const db = openDatabase(':memory:');
    db.upsertIssues([issueRow('o/r', issue('2025-02-01T00:00:00Z', 'newer'))]);
    db.upsertIssues([issueRow('o/r', issue('2025-01-15T00:00:00Z', 'older'))]);
    expect(db.issues()).toMatchObject([{ title: 'newer', labels: '["bug","ui"]', author: 'octocat', is_pull_request: 0 }]);
    db.upsertIssues([issueRow('o/r', issue('2025-03-01T00:00:00Z', 'newest'))]);
    expect(db.issues()[0]!.title).toBe('newest');
    db.close();
  });

  it('orders Stripe webhook effects by event time; a listing always writes the current state', () => {
    const db = openDatabase(':memory:');
    const customer = { id: 'cus_1', email: 'a@example.com', name: 'A', created: 1, metadata: { b: '2', a: '1' } };
    db.upsertCustomers([customerRow(customer)]);
    db.upsertCustomers([customerRow({ ...customer, email: 'late@example.com' }, 200)]);
    db.upsertCustomers([customerRow({ ...customer, email: 'stale@example.com' }, 100)]);
    expect(db.customers()).toMatchObject([{ email: 'late@example.com', event_at: 200, metadata: '{"a":"1","b":"2"}' }]);
    db.markCustomerDeleted('cus_1', 150);
    expect(db.customers()[0]!.deleted).toBe(0);
    db.markCustomerDeleted('cus_1', 300);
    expect(db.customers()[0]).toMatchObject({ deleted: 1, event_at: 300 });
    db.close();
  });

  it('applies a webhook once per key, and not at all when its effect fails (so a retry can)', () => {
    const db = openDatabase(':memory:');
    let runs = 0;
    const effect = () => {
      runs++;
      db.upsertIssues([issueRow('o/r', issue('2025-02-01T00:00:00Z', 'from a webhook'))]);
      return 'issue #7 edited';
    };
    expect(db.applyWebhook('github:d1', 'github', 'issues', effect, 1)).toBe(true);
    expect(db.applyWebhook('github:d1', 'github', 'issues', effect, 2)).toBe(false);
    expect(runs).toBe(1);
    expect(() => db.applyWebhook('github:d2', 'github', 'issues', () => { throw new Error('disk full'); }, 3)).toThrow('disk full');
    expect(db.webhookEffects()).toEqual([{ key: 'github:d1', source: 'github', type: 'issues', target: 'issue #7 edited', applied_at: 1 }]);
    expect(db.applyWebhook('github:d2', 'github', 'issues', () => undefined, 4)).toBe(true);
    db.close();
  });
});
