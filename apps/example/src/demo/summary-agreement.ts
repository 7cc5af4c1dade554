/**
 * Reads the demo's printed output and holds every number of its report (the "Report" lines) against
 * the check that speaks of the same thing (the "Checks" lines), as a person reading both would.
 * Returns one sentence per disagreement, or per line it cannot read; none when they all agree.
 * The demo's tests run it on a real run's output, so a counter wired to the wrong traffic (another
 * connector's, another webhook source's, another stretch of the run) fails them.
 */
export function summaryDisagreements(output: string): string[] {
  const problems: string[] = [];
  const report = output.indexOf('\nReport\n');
  const checksAt = output.indexOf('\nChecks\n');
  if (report < 0 || checksAt < 0 || checksAt < report) return ['the output has no "Report" section followed by a "Checks" section'];
  const summary = new Map<string, string>();
  for (const line of output.slice(report, checksAt).split('\n')) {
    const match = /^ {2}(\S.*?) {2,}(\S.*)$/.exec(line);
    if (match) summary.set(match[1]!, match[2]!);
  }
  const checks = output
    .slice(checksAt)
    .split('\n')
    .map((line) => /^ {2}✓ (.*)$/.exec(line)?.[1])
    .filter((label): label is string => label !== undefined);

  /** The numbers `pattern` captures in the summary line `label` (undefined for an optional group that did not match). */
  const fromSummary = (label: string, pattern: RegExp): (number | undefined)[] | undefined => {
    const text = summary.get(label);
    const match = text === undefined ? null : pattern.exec(text);
    if (!match) {
      problems.push(`summary "${label}": ${text === undefined ? 'no such line' : `"${text}" does not read as ${pattern}`}`);
      return undefined;
    }
    return match.slice(1).map((n) => (n === undefined ? undefined : Number(n)));
  };
  /** The numbers `pattern` captures in the passed check whose label starts with `prefix`. */
  const fromCheck = (prefix: string, pattern: RegExp): (number | undefined)[] | undefined => {
    const label = checks.find((l) => l.startsWith(prefix));
    const match = label === undefined ? null : pattern.exec(label);
    if (!match) {
      problems.push(`check "${prefix}": ${label === undefined ? 'not among the passed checks' : `"${label}" does not read as ${pattern}`}`);
      return undefined;
    }
    return match.slice(1).map((n) => (n === undefined ? undefined : Number(n)));
  };
  const agree = (what: string, summaryValue: number | undefined, checkValue: number | undefined): void => {
    if (summaryValue !== checkValue) problems.push(`${what}: the summary says ${summaryValue}, the check says ${checkValue}`);
  };

  // API calls: the total is the sum of the per-connector counts.
  const calls = summary.get('API calls');
  const callsMatch = calls === undefined ? null : /^(\d+) calls? \(([^)]*)\)/.exec(calls);
  if (!callsMatch) problems.push(`summary "API calls": cannot read "${calls}"`);
  else agree('API calls: total and per connector', Number(callsMatch[1]), perName(callsMatch[2]!).total);

  // The GitHub/Stripe burst.
  const webhooks = fromSummary('webhooks', /^(\d+) events in (\d+) deliveries to [^:]*: (\d+) accepted \((\d+) applied, (\d+) dead-lettered\), (\d+) duplicates? dropped, (\d+) rejected \(bad signature\)$/);
  const idempotent = fromCheck('idempotent: ', /^idempotent: (\d+) accepted events, (\d+) applied exactly once each and (\d+) dead-lettered; (\d+) duplicate deliver/);
  const signatures = fromCheck('signatures: ', /^signatures: (\d+) badly signed deliver/);
  const deadLetters = fromCheck('dead letters: ', /^dead letters: exactly the (\d+) malformed payload/);
  if (webhooks) {
    const [events, deliveries, accepted, applied, dead, duplicates, rejected] = webhooks;
    const sent = burstSent(output);
    if (sent) {
      agree('webhooks: events (step 4 sent)', events, sent.events);
      agree('webhooks: deliveries (step 4 sent)', deliveries, sent.deliveries);
    } else problems.push('step 4: no "N deliveries of M events" line per source');
    if (idempotent) {
      agree('webhooks: accepted', accepted, idempotent[0]);
      agree('webhooks: applied', applied, idempotent[1]);
      agree('webhooks: dead-lettered (idempotent check)', dead, idempotent[2]);
      agree('webhooks: duplicates', duplicates, idempotent[3]);
    }
    if (signatures) agree('webhooks: rejected (bad signature)', rejected, signatures[0]);
    if (deadLetters) agree('webhooks: dead-lettered (dead letters check)', dead, deadLetters[0]);
  }

  // Faults: what the sandbox sent, less what the simulated crash cut off unread, is what the client retried.
  const faults = fromCheck('faults absorbed: ', /the sandbox sent (\d+) × 429, (\d+) × 503 and revoked (\d+) GitHub access tokens? \(401\)/);
  const faultsLabel = checks.find((l) => l.startsWith('faults absorbed: ')) ?? '';
  const unread = (status: string) => Number(new RegExp(`not read: [^)]*?(\\d+) × ${status}`).exec(faultsLabel)?.[1] ?? 0);
  const resolved = Number(/but (\d+) ambiguous chat\.postMessage failures?/.exec(faultsLabel)?.[1] ?? 0);
  const retries = fromSummary('retries', /^(\d+) \((\d+) after a 429, (\d+) after a 503, (\d+) after a 401 with a fresh token\)/);
  const absorbed = fromSummary('429s absorbed', /^(\d+) of (\d+) /);
  const failed = fromSummary('failed calls', /^(\d+)(?: \((\d+) of them chat\.postMessage)?/);
  if (retries) {
    const [total, after429, after503, after401] = retries;
    agree('retries: total and by status', total, after429! + after503! + after401!);
    const by = /\): (.*)$/.exec(summary.get('retries') ?? '')?.[1];
    if (total) agree('retries: total and per connector', total, by === undefined ? undefined : perName(by).total);
    if (faults) {
      agree('retries after a 429 (the sandbox\'s 429s, less those cut off unread)', after429, faults[0]! - unread('429'));
      agree('retries after a 503 (and ambiguous posts the app resolved)', after503! + resolved, faults[1]! - unread('503'));
      agree('retries after a 401 (GitHub access tokens revoked)', after401, faults[2]! - unread('401'));
    }
  }
  if (absorbed && faults) {
    agree('429s absorbed: those received', absorbed[1], faults[0]! - unread('429'));
    agree('429s absorbed: of those received', absorbed[0], absorbed[1]);
  }
  if (failed) {
    agree('failed calls (the check: none failed for good but the resolved posts)', failed[0], resolved);
    agree('failed calls: of them chat.postMessage', failed[1] ?? 0, resolved);
  }

  // Token refreshes, in total and by connector.
  const refreshes = fromSummary('token refreshes', /^(\d+) \(the refresh token rotated (\d+) times?\)/);
  const refreshCheck = fromCheck('token refresh: ', /^token refresh: (\d+) refresh(?:es)?, each rotated the refresh token/);
  const slackRotation = fromCheck('slack token rotation: ', /^slack token rotation: (\d+) refresh(?:es)? through oauth\.v2\.access \((\d+) tokens? reported token_expired/);
  if (refreshes) {
    const byConnector = refreshesByConnector(/\): (.*)$/.exec(summary.get('token refreshes') ?? '')?.[1] ?? '');
    agree('token refreshes: total and per connector', refreshes[0], [...byConnector.values()].reduce((a, r) => a + r.total, 0));
    if (refreshCheck) {
      agree('token refreshes', refreshes[0], refreshCheck[0]);
      agree('token refreshes: rotations (the check: each rotated)', refreshes[1], refreshCheck[0]);
    }
    const github = byConnector.get('github');
    if (github && faults && github.refused > faults[2]!) problems.push(`token refreshes: github ${github.refused} after a refused access token, but the sandbox revoked ${faults[2]}`);
    const slack = byConnector.get('slack');
    if (slackRotation) {
      agree('token refreshes: slack', slack?.total ?? 0, slackRotation[0]);
      if (slack && slack.refused > slackRotation[1]!) problems.push(`token refreshes: slack ${slack.refused} after a refused access token, but ${slackRotation[1]} tokens reported token_expired`);
    }
  }

  // The restart.
  const resume = /stopped after page (\d+) of (\S+); the restart resumed at page (\d+)/.exec(summary.get('resume') ?? '');
  const resumeCheck = /^resume: the restart resumed (\S+) at page (\d+) after the saved page (\d+)/.exec(checks.find((l) => l.startsWith('resume: ')) ?? '');
  if (!resume || !resumeCheck) problems.push('resume: the summary line or the check cannot be read');
  else if (resume[1] !== resumeCheck[3] || resume[2] !== resumeCheck[1] || resume[3] !== resumeCheck[2]) {
    problems.push(`resume: the summary says page ${resume[1]} of ${resume[2]} then ${resume[3]}, the check says ${resumeCheck[3]} of ${resumeCheck[1]} then ${resumeCheck[2]}`);
  }

  // Slack, when configured.
  if (summary.has('slack')) {
    const slack = fromSummary('slack', /^(\d+) messages? posted; (\d+) events in (\d+) deliveries to [^:]*: (\d+) accepted \((\d+) applied, (\d+) dead-lettered\), (\d+) duplicates? dropped, (\d+) rejected \(bad signature\); (\d+) tokens? expired mid-run and rotated, (\d+) tier limits? met$/);
    const post = fromCheck('slack post: ', /\((\d+) messages? posted in the sandbox\)/);
    const events = fromCheck('slack events: ', /^slack events: (\d+) accepted events applied exactly once each .*; (\d+) duplicate deliver/);
    const forged = fromCheck('slack signatures: ', /^slack signatures: (\d+) forged deliver/);
    const tiers = fromCheck('slack tiers: ', /never had to answer (429)/);
    if (slack) {
      const [posted, , , accepted, applied, dead, duplicates, rejected, expired, tierLimits] = slack;
      if (post) agree('slack: messages posted', posted, post[0]);
      if (events) {
        agree('slack: accepted', accepted, events[0]);
        agree('slack: applied (each accepted event)', applied, events[0]);
        agree('slack: dead-lettered (each accepted event applied)', dead, 0);
        agree('slack: duplicates', duplicates, events[1]);
      }
      if (forged) agree('slack: rejected (bad signature)', rejected, forged[0]);
      if (slackRotation) agree('slack: tokens expired mid-run', expired, slackRotation[1]);
      if (tiers) agree('slack: tier limits met', tierLimits, 0);
    }
  }
  return problems;
}

/** `github 11, slack 16, stripe 12` */
function perName(text: string): { total: number; names: Map<string, number> } {
  const names = new Map<string, number>();
  for (const part of text.split(', ')) {
    const match = /^(\S+) (\d+)$/.exec(part);
    if (match) names.set(match[1]!, Number(match[2]));
  }
  return { total: [...names.values()].reduce((a, b) => a + b, 0), names };
}

/** `github 1 for the first token; slack 1 for the first token, 3 after the server refused the access token mid-run` */
function refreshesByConnector(text: string): Map<string, { total: number; refused: number }> {
  const result = new Map<string, { total: number; refused: number }>();
  for (const part of text.split('; ').filter(Boolean)) {
    const [, name = '', reasons = ''] = /^(\S+) (.*)$/.exec(part) ?? [];
    let total = 0;
    let refused = 0;
    for (const reason of reasons.split(', ')) {
      const n = Number(/^(\d+) /.exec(reason)?.[1] ?? 0);
      total += n;
      if (reason.includes('refused')) refused += n;
    }
    result.set(name, { total, refused });
  }
  return result;
}

/** What step 4 says it sent: one `<source> N deliveries of M events` line per source of the burst. */
function burstSent(output: string): { events: number; deliveries: number } | undefined {
  const start = output.indexOf('\n4. Webhooks');
  if (start < 0) return undefined;
  const step = output.slice(start, output.indexOf('\n\n', start + 1));
  let events = 0;
  let deliveries = 0;
  let lines = 0;
  for (const match of step.matchAll(/^ {3}\S+ +(\d+) deliveries of (\d+) events:/gm)) {
    deliveries += Number(match[1]);
    events += Number(match[2]);
    lines++;
  }
  return lines ? { events, deliveries } : undefined;
}
