import { randomUUID } from 'node:crypto';
import { githubSandboxWebhookEvents, GITHUB_SANDBOX_REPO } from '@connectors/github/sandbox';
import { stripeSandboxWebhookEvents } from '@connectors/stripe/sandbox';
import type { SandboxWebhookEvent } from '@connectors/testing/sandbox';
import type { CustomerLike, IssueLike, PaymentIntentLike } from '../store/app-rows.ts';
import { seeded } from './demo-sandbox.ts';

/** What an event should do to the database once accepted. */
export type ExpectedEffect =
  | { kind: 'issue'; issue: IssueLike }
  | { kind: 'customer'; customer: CustomerLike; eventAt: number }
  | { kind: 'payment-intent'; intent: PaymentIntentLike; eventAt: number }
  /** Recorded as seen, no table changes (a push, an installation...). */
  | { kind: 'none' }
  /** A payload that can never be applied: it must end in the dead-letter queue. */
  | { kind: 'dead-letter' };

export interface BurstEvent {
  source: 'github' | 'stripe';
  /** The inbox key (`source:id`) it is stored and applied under. */
  key: string;
  event: SandboxWebhookEvent;
  effect: ExpectedEffect;
}

type Json = Record<string, unknown>;
const REPO = `${GITHUB_SANDBOX_REPO.owner}/${GITHUB_SANDBOX_REPO.repo}`;
const EDITED_AT = Date.parse('2025-07-01T00:00:00Z');

function template(events: SandboxWebhookEvent[], type: string): Json {
  const found = events.find((event) => event.type === type);
  if (!found) throw new Error(`the sandbox has no ${type} webhook template`);
  return found.payload as Json;
}

function github(type: string, payload: unknown, effect: ExpectedEffect): BurstEvent {
  const id = randomUUID();
  return { source: 'github', key: `github:${id}`, event: { id, type, payload }, effect };
}

/**
 * GitHub deliveries: issues of the synced repository edited, closed and opened, a push, a pull
 * request and an installation (seen, nothing to store), and one `issues` payload that does not match
 * GitHub's schema (a poison message for the dead-letter queue).
 */
export function githubBurst(): BurstEvent[] {
  const templates = githubSandboxWebhookEvents();
  const issuesTemplate = template(templates, 'issues');
  const issues = seeded.issues;
  const byNumber = (n: number) => issues.find((issue) => issue['number'] === n)!;
  const at = (minutes: number) => new Date(EDITED_AT + minutes * 60_000).toISOString().replace('.000Z', 'Z');
  const out: BurstEvent[] = [];
  const issueEvent = (action: string, issue: Json) =>
    out.push(github('issues', { ...issuesTemplate, action, issue, repository: { ...(issuesTemplate['repository'] as Json), full_name: REPO } }, { kind: 'issue', issue: issue as unknown as IssueLike }));

  for (const n of [1, 2, 3, 6, 9, 10]) {
    const issue = byNumber(n);
    issueEvent('edited', { ...issue, title: `${String(issue['title'])} (edited)`, updated_at: at(n) });
  }
  for (const n of [5, 7]) {
    issueEvent('closed', { ...byNumber(n), state: 'closed', state_reason: 'completed', closed_at: at(20 + n), updated_at: at(20 + n) });
  }
  const newest = byNumber(120);
  issueEvent('opened', { ...newest, id: 1_000_121, node_id: 'I_sandbox121', number: 121, title: 'Opened while the app was running', labels: [], comments: 0, state: 'open', state_reason: null, closed_at: null, created_at: at(30), updated_at: at(30) });
  for (const type of ['push', 'pull_request', 'installation']) out.push(github(type, template(templates, type), { kind: 'none' }));
  out.push(github('issues', { ...issuesTemplate, action: 'edited', issue: { id: 'not-a-number', title: 42 } }, { kind: 'dead-letter' }));
  return out;
}

/** Stripe events: customers updated and created, payment intents that succeeded. */
export function stripeBurst(): BurstEvent[] {
  const templates = stripeSandboxWebhookEvents();
  const envelope = template(templates, 'customer.updated');
  const created0 = Math.floor(EDITED_AT / 1000);
  let n = 0;
  const event = (type: string, object: Json, previous?: Json): BurstEvent => {
    n++;
    const id = `evt_demo${String(n).padStart(4, '0')}${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const eventAt = created0 + n;
    const payload = { ...envelope, id, type, created: eventAt, data: { object, ...(previous ? { previous_attributes: previous } : {}) } };
    const effect: ExpectedEffect = type.startsWith('customer.')
      ? { kind: 'customer', customer: object as unknown as CustomerLike, eventAt }
      : { kind: 'payment-intent', intent: object as unknown as PaymentIntentLike, eventAt };
    return { source: 'stripe', key: `stripe:${id}`, event: { id, type, payload }, effect };
  };
  const out: BurstEvent[] = [];
  for (const customer of seeded.customers.slice(0, 6)) {
    const email = String(customer['email']).replace('@', '+new@');
    out.push(event('customer.updated', { ...customer, email }, { email: customer['email'] }));
  }
  const first = seeded.customers[0]!;
  out.push(event('customer.created', { ...first, id: 'cus_Sbx000000000000000000061', email: 'new.customer@example.com', name: 'New Customer', created: created0, metadata: { plan: 'pro', seed: 'webhook' } }));
  for (const intent of seeded.paymentIntents.filter((pi) => pi['status'] === 'requires_payment_method').slice(0, 4)) {
    out.push(event('payment_intent.succeeded', { ...intent, status: 'succeeded', amount_received: intent['amount'], latest_charge: `ch_${String(intent['id']).slice(3)}` }));
  }
  return out;
}
