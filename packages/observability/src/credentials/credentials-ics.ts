import { createHash } from 'node:crypto';
import { createEvents, type EventAttributes } from 'ics';
import type { CredentialEntry } from './credentials-inventory.ts';

export interface CredentialsIcsOptions {
  /** Reminders before each expiry, in days. Default 14, 7 and 1 (two weeks leaves time for a ticket, an approval and a deploy). */
  remindDaysBefore?: readonly number[];
  /** The calendar's name. Default `Credential expirations`. */
  calendarName?: string;
}

/**
 * Calendar reminders for credential expirations (RFC 5545, via the `ics` library): one all-day
 * event on each expiry date with alarms before it. Credentials without an expiry are left out. The
 * UID is derived from the credential's name and expiry, so importing a newer file updates events
 * instead of duplicating them. No value is ever written, only names, locations and users.
 */
export function credentialsToIcs(entries: readonly CredentialEntry[], options: CredentialsIcsOptions = {}): string {
  const remind = options.remindDaysBefore ?? [14, 7, 1];
  for (const days of remind) {
    if (!Number.isInteger(days) || days < 0) throw new TypeError(`credentialsToIcs: remindDaysBefore must be whole numbers of days >= 0; got ${String(days)}`);
  }
  const events: EventAttributes[] = entries
    .filter((entry) => entry.expiresAt !== undefined)
    .map((entry) => {
      const expires = new Date(entry.expiresAt!);
      const day: [number, number, number] = [expires.getUTCFullYear(), expires.getUTCMonth() + 1, expires.getUTCDate()];
      const next = new Date(Date.UTC(day[0], day[1] - 1, day[2] + 1));
      return {
        uid: `${createHash('sha256').update(`${entry.name}\u0000${entry.expiresAt}`).digest('hex').slice(0, 32)}@connectors.credentials`,
        title: `Credential expires: ${entry.name} (${entry.kind})`,
        description: [
          `${entry.name} (${entry.kind}) expires at ${entry.expiresAt}.`,
          `Where it lives: ${entry.source}.`,
          `Used by: ${entry.connectors.join(', ')}${entry.operations.length ? ` (${entry.operations.join(', ')})` : ''}.`,
          ...(entry.notes ? [entry.notes] : []),
          'Rotate it before then, deploy the new value, and update its expiry in the configuration.',
        ].join('\n'),
        start: day,
        end: [next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()],
        transp: 'TRANSPARENT',
        categories: ['credentials'],
        alarms: remind.map((days) => ({ action: 'display' as const, description: `${entry.name} expires in ${days} day(s)`, trigger: { days, before: true } })),
      };
    });
  const calName = options.calendarName ?? 'Credential expirations';
  if (events.length === 0) {
    // `ics` refuses an empty list; an empty calendar is still a valid file to import.
    return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'CALSCALE:GREGORIAN', 'PRODID:connectors/credentials', 'METHOD:PUBLISH', `X-WR-CALNAME:${calName}`, 'END:VCALENDAR', ''].join('\r\n');
  }
  const { error, value } = createEvents(events, { productId: 'connectors/credentials', calName });
  if (error || value === null) throw new Error(`credentialsToIcs: could not write the calendar: ${error?.message ?? 'no output'}`);
  return value;
}
