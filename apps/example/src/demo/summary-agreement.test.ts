import { describe, expect, it } from 'vitest';
import { summaryDisagreements } from './summary-agreement.ts';

// The parts of a real run's output that the report and the checks share (`pnpm demo`, seed 8).
const RUN = `
4. Webhooks: 24 events POSTed to http://127.0.0.1:40001/webhooks/github and /webhooks/stripe
   github  16 deliveries of 13 events: 10 stored, 1 duplicate answered 200 and dropped, 5 badly signed and refused (401)
   stripe  14 deliveries of 11 events: 10 stored, 3 duplicates answered 200 and dropped, 1 badly signed and refused (401)
   worker  applied 19 events to the database, dead-lettered 1 (a payload that does not match GitHub's schema: kept for inspection and replay)

Report
  counted           the app's own clients (github, slack, stripe) and its webhook inbox; the Shopify and HubSpot parts count theirs above
  API calls         39 calls (github 11, slack 16, stripe 12), 52 HTTP attempts
  retries           10 (4 after a 429, 6 after a 503, 0 after a 401 with a fresh token): github 4, slack 4, stripe 2
  429s absorbed     4 of 4 (waited 4.2 s in total, as Retry-After asked)
  throttled waits   0 (one call at a time stayed within every limit; the pacer never had to hold one back)
  token refreshes   5 (the refresh token rotated 5 times): github 1 for the first token; slack 1 for the first token, 3 after the server refused the access token mid-run
  failed calls      0 (plus 1 cut short by the simulated crash)
  webhooks          24 events in 30 deliveries to /webhooks/github and /webhooks/stripe: 20 accepted (19 applied, 1 dead-lettered), 4 duplicates dropped, 6 rejected (bad signature)
  resume            stopped after page 3 of github:issues:octocat/Hello-World; the restart resumed at page 4
  slack             1 message posted; 8 events in 9 deliveries to /webhooks/slack: 6 accepted (6 applied, 0 dead-lettered), 1 duplicate dropped, 2 rejected (bad signature); 3 tokens expired mid-run and rotated, 0 tier limits met
  elapsed           25.6 s

Checks
  ✓ resume: the restart resumed github:issues:octocat/Hello-World at page 4 after the saved page 3; all 29 pages read once each, none twice, none skipped
  ✓ faults absorbed: the sandbox sent 4 × 429, 6 × 503 and revoked 0 GitHub access tokens (401); the client retried every one, and no call failed for good
  ✓ token refresh: 5 refreshes, each rotated the refresh token and stored it first; the sandbox saw no spent token reused (0 invalid_grant)
  ✓ idempotent: 20 accepted events, 19 applied exactly once each and 1 dead-lettered; 4 duplicate deliveries acknowledged and dropped
  ✓ signatures: 6 badly signed deliveries refused with 401; none was stored or applied
  ✓ dead letters: exactly the 1 malformed payload sent, nothing else
  ✓ slack post: the message was posted exactly once (1 message posted in the sandbox)
  ✓ slack tiers: every method paced by its tier (chat.postMessage per channel); the sandbox's tier windows never had to answer 429
  ✓ slack token rotation: 4 refreshes through oauth.v2.access (3 tokens reported token_expired mid-run), no spent refresh token reused
  ✓ slack events: 6 accepted events applied exactly once each (deduplicated on event_id); 1 duplicate delivery acknowledged and dropped
  ✓ slack signatures: 2 forged deliveries refused with 401

All 38 checks passed.
`;

describe('summaryDisagreements', () => {
  it('finds none in a run whose report and checks agree', () => {
    expect(summaryDisagreements(RUN)).toEqual([]);
  });

  it("finds the report's old numbers: Slack's deliveries, 429s and refreshes counted under GitHub/Stripe's labels", () => {
    const old = RUN.replace('20 accepted (19 applied, 1 dead-lettered), 4 duplicates dropped, 6 rejected', '26 accepted (25 applied, 1 dead-lettered), 5 duplicates dropped, 8 rejected')
      .replace('the sandbox sent 4 × 429', 'the sandbox sent 3 × 429')
      .replace('github 1 for the first token; slack 1 for the first token, 3 after', 'github 2 for the first token, 3 after');
    expect(summaryDisagreements(old)).toEqual([
      'webhooks: accepted: the summary says 26, the check says 20',
      'webhooks: applied: the summary says 25, the check says 19',
      'webhooks: duplicates: the summary says 5, the check says 4',
      'webhooks: rejected (bad signature): the summary says 8, the check says 6',
      "retries after a 429 (the sandbox's 429s, less those cut off unread): the summary says 4, the check says 3",
      '429s absorbed: those received: the summary says 4, the check says 3',
      'token refreshes: github 3 after a refused access token, but the sandbox revoked 0',
      'token refreshes: slack: the summary says 0, the check says 4',
    ]);
  });

  it.each([
    ['39 calls (github 11', '40 calls (github 11', 'API calls: total and per connector'],
    ['24 events in 30 deliveries', '25 events in 30 deliveries', 'webhooks: events (step 4 sent)'],
    ['24 events in 30 deliveries', '24 events in 31 deliveries', 'webhooks: deliveries (step 4 sent)'],
    ['19 applied, 1 dead-lettered), 4', '19 applied, 2 dead-lettered), 4', 'webhooks: dead-lettered (idempotent check)'],
    ['exactly the 1 malformed', 'exactly the 2 malformed', 'webhooks: dead-lettered (dead letters check)'],
    ['10 (4 after a 429, 6 after a 503', '10 (4 after a 429, 5 after a 503', 'retries: total and by status'],
    [': github 4, slack 4, stripe 2', ': github 4, slack 4, stripe 3', 'retries: total and per connector'],
    ['4 of 4 (waited', '3 of 4 (waited', 'of those received'],
    ['failed calls      0', 'failed calls      1', 'failed calls'],
    ['token refreshes   5 (the refresh token rotated 5 times)', 'token refreshes   5 (the refresh token rotated 4 times)', 'rotations'],
    ['stopped after page 3', 'stopped after page 2', 'resume'],
    ['1 message posted;', '2 messages posted;', 'slack: messages posted'],
    ['6 accepted (6 applied', '7 accepted (6 applied', 'slack: accepted'],
    ['1 duplicate dropped, 2 rejected', '2 duplicates dropped, 2 rejected', 'slack: duplicates'],
    ['2 rejected (bad signature); 3', '3 rejected (bad signature); 3', 'slack: rejected'],
    ['3 tokens expired', '4 tokens expired', 'slack: tokens expired'],
    ['0 tier limits met', '1 tier limit met', 'slack: tier limits'],
  ])('finds one changed number: %s -> %s', (from, to, what) => {
    const changed = RUN.replace(from, to);
    expect(changed).not.toBe(RUN);
    expect(summaryDisagreements(changed).join('\n')).toContain(what);
  });

  it('allows for faults the crash cut off unread and for ambiguous posts the app resolved, as the check names them', () => {
    const run = RUN.replace('the sandbox sent 4 × 429, 6 × 503 and revoked 0 GitHub access tokens (401); the client retried every one,', 'the sandbox sent 4 × 429, 6 × 503 and revoked 0 GitHub access tokens (401) (not read: 1 × 503 answered to a call cut short by the simulated crash); the client retried every one but 1 ambiguous chat.postMessage failure, which the app resolved by looking for its message before posting again,')
      .replace('10 (4 after a 429, 6 after a 503, 0 after a 401 with a fresh token): github 4, slack 4, stripe 2', '8 (4 after a 429, 4 after a 503, 0 after a 401 with a fresh token): github 4, slack 2, stripe 2')
      .replace('failed calls      0', 'failed calls      1 (1 of them chat.postMessage, which may have posted: the app looked for its message in the channel before posting again)');
    expect(summaryDisagreements(run)).toEqual([]);
    expect(summaryDisagreements(run.replace('failed calls      1 (1 of them', 'failed calls      1 (0 of them'))).toEqual(['failed calls: of them chat.postMessage: the summary says 0, the check says 1']);
  });

  it('says so when a line or a check is missing rather than passing', () => {
    expect(summaryDisagreements('no report here')).toEqual(['the output has no "Report" section followed by a "Checks" section']);
    expect(summaryDisagreements(RUN.replace(/^ {2}webhooks .*\n/m, '')).join('\n')).toContain('summary "webhooks": no such line');
    expect(summaryDisagreements(RUN.replace('✓ idempotent', '✗ idempotent')).join('\n')).toContain('check "idempotent: ": not among the passed checks');
  });
});
