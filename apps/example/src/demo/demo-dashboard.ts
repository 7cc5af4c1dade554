import { randomBytes } from 'node:crypto';

/** A fresh operator token for one `pnpm demo --serve` run (printed once, never stored). */
export function demoOperatorToken(): string {
  return randomBytes(24).toString('hex');
}

/** The demo's last lines: where the dashboard is, and how to keep it up. */
export function dashboardLines(baseUrl: string, operatorToken: string | undefined): string[] {
  if (operatorToken === undefined) {
    return [`Dashboard  ${baseUrl}/dashboard  (this run has ended; \`pnpm demo --serve\` keeps it running)`];
  }
  return [
    `Dashboard  ${baseUrl}/dashboard  (serving until Ctrl-C)`,
    `           operator token for replay/discard: ${operatorToken}`,
    `           also ${baseUrl}/health and ${baseUrl}/metrics`,
  ];
}

/** `/dashboard` answers, and the attempts it shows per connector are the attempts `/metrics` counted. */
export async function dashboardCheck(baseUrl: string, metrics: string): Promise<{ ok: boolean; label: string; line: string }> {
  const page = await fetch(`${baseUrl}/dashboard`);
  await page.text();
  const state = (await (await fetch(`${baseUrl}/dashboard/api/state`)).json()) as { connectors: { connector: string; health: { window?: { attempts: number } } }[] };
  const shown = Object.fromEntries(state.connectors.map((c) => [c.connector, c.health.window?.attempts ?? 0]));
  const counted: Record<string, number> = {};
  for (const line of metrics.split('\n')) {
    const match = /^connector_requests_total\{.*connector="([^"]+)".*\} (\d+)$/.exec(line);
    if (match) counted[match[1]!] = (counted[match[1]!] ?? 0) + Number(match[2]);
  }
  const same = Object.keys(counted).length > 0 && Object.entries(counted).every(([connector, n]) => shown[connector] === n);
  const summary = Object.entries(shown).map(([c, n]) => `${c} ${n}`).join(', ');
  return {
    ok: page.status === 200 && same,
    label: `dashboard: /dashboard answers ${page.status}; attempts shown (${summary}) equal /metrics (${Object.entries(counted).map(([c, n]) => `${c} ${n}`).join(', ')})`,
    line: `   ${'/dashboard'.padEnd(11)}${page.status}, attempts per connector ${summary} (the same as /metrics)`,
  };
}
