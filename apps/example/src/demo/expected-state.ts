import { GITHUB_SANDBOX_REPO } from '@connectors/github/sandbox';
import { type CustomerLike, type CustomerRow, customerRow, type IssueLike, type IssueRow, issueRow, type PaymentIntentLike, type PaymentIntentRow, paymentIntentRow } from '../store/app-rows.ts';
import { seeded } from './demo-sandbox.ts';
import type { BurstEvent } from './webhook-burst.ts';

const REPO = `${GITHUB_SANDBOX_REPO.owner}/${GITHUB_SANDBOX_REPO.repo}`;

export interface ExpectedRows {
  issues: Map<number, IssueRow>;
  customers: Map<string, CustomerRow>;
  paymentIntents: Map<string, PaymentIntentRow>;
}

/** The rows a complete sync of the sandbox must produce: every seeded object, nothing else. */
export function syncedRows(): ExpectedRows {
  return {
    issues: new Map(seeded.issues.map((issue) => [issue['id'] as number, issueRow(REPO, issue as unknown as IssueLike)])),
    customers: new Map(seeded.customers.map((customer) => [customer['id'] as string, customerRow(customer as unknown as CustomerLike)])),
    paymentIntents: new Map(seeded.paymentIntents.map((intent) => [intent['id'] as string, paymentIntentRow(intent as unknown as PaymentIntentLike)])),
  };
}

/** The synced rows with the effects of the accepted events applied, newer over older like the app does. */
export function rowsAfterWebhooks(accepted: readonly BurstEvent[]): ExpectedRows {
  const rows = syncedRows();
  for (const { effect } of accepted) {
    if (effect.kind === 'issue') {
      const row = issueRow(REPO, effect.issue);
      const current = rows.issues.get(row.id);
      if (!current || row.updated_at >= current.updated_at) rows.issues.set(row.id, row);
    } else if (effect.kind === 'customer') {
      const current = rows.customers.get(effect.customer.id);
      if (!current || current.event_at === null || effect.eventAt >= current.event_at) rows.customers.set(effect.customer.id, customerRow(effect.customer, effect.eventAt));
    } else if (effect.kind === 'payment-intent') {
      const current = rows.paymentIntents.get(effect.intent.id);
      if (!current || current.event_at === null || effect.eventAt >= current.event_at) rows.paymentIntents.set(effect.intent.id, paymentIntentRow(effect.intent, effect.eventAt));
    }
  }
  return rows;
}
