// The rows the app keeps for GitHub and Stripe: the same columns in SQLite and in PostgreSQL, so the
// demo compares them with the sandbox's data the same way whichever database holds them.

/** A GitHub issue as the app keeps it. Labels are a JSON array of names. */
export interface IssueRow {
  id: number;
  repo: string;
  number: number;
  title: string;
  state: string;
  state_reason: string | null;
  body: string | null;
  labels: string;
  comments: number;
  author: string | null;
  is_pull_request: number;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

/** A Stripe customer. `event_at` is the `created` time of the last webhook event applied to it. */
export interface CustomerRow {
  id: string;
  email: string | null;
  name: string | null;
  created: number;
  metadata: string;
  deleted: number;
  event_at: number | null;
}

export interface PaymentIntentRow {
  id: string;
  customer: string | null;
  amount: number;
  amount_received: number;
  currency: string;
  status: string;
  created: number;
  event_at: number | null;
}

/** Shapes the rows are built from: what the API returns, whether through a listing or a webhook. */
export interface IssueLike {
  id: number;
  number: number;
  title: string;
  state: string;
  state_reason?: string | null;
  body?: string | null;
  labels: readonly (string | { name?: string | null })[];
  comments: number;
  user: { login: string } | null;
  pull_request?: unknown;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface CustomerLike {
  id: string;
  email: string | null;
  name?: string | null;
  created: number;
  metadata: Record<string, string>;
}

export interface PaymentIntentLike {
  id: string;
  customer: string | { id: string } | null;
  amount: number;
  amount_received: number;
  currency: string;
  status: string;
  created: number;
}

export function issueRow(repo: string, issue: IssueLike): IssueRow {
  return {
    id: issue.id,
    repo,
    number: issue.number,
    title: issue.title,
    state: issue.state,
    state_reason: issue.state_reason ?? null,
    body: issue.body ?? null,
    labels: JSON.stringify(issue.labels.map((label) => (typeof label === 'string' ? label : (label.name ?? '')))),
    comments: issue.comments,
    author: issue.user?.login ?? null,
    is_pull_request: issue.pull_request ? 1 : 0,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at,
  };
}

export function customerRow(customer: CustomerLike, eventAt: number | null = null): CustomerRow {
  return {
    id: customer.id,
    email: customer.email,
    name: customer.name ?? null,
    created: customer.created,
    // Sorted keys, so the same metadata always compares equal.
    metadata: JSON.stringify(Object.fromEntries(Object.entries(customer.metadata).sort(([a], [b]) => a.localeCompare(b)))),
    deleted: 0,
    event_at: eventAt,
  };
}

export function paymentIntentRow(intent: PaymentIntentLike, eventAt: number | null = null): PaymentIntentRow {
  return {
    id: intent.id,
    customer: typeof intent.customer === 'string' ? intent.customer : (intent.customer?.id ?? null),
    amount: intent.amount,
    amount_received: intent.amount_received,
    currency: intent.currency,
    status: intent.status,
    created: intent.created,
    event_at: eventAt,
  };
}
