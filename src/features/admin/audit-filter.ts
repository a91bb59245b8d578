import { ValidationError } from '../../platform/errors.ts';
import { AUDIT_ACTIONS } from '../audit/audit.ts';
import type { AuditAction, AuditFilter } from '../audit/audit.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads the audit log's filters from a query string: `action` (one of the
 * recorded actions), `person` (an id, as actor or subject), and `from` and
 * `to` (days, YYYY-MM-DD, both included).
 */
export function readAuditFilter(query: Record<string, unknown>): {
  filter: AuditFilter;
  values: Record<string, string>;
} {
  const errors: Record<string, string> = {};
  const filter: AuditFilter = {};
  const values: Record<string, string> = {};
  const text = (key: string) =>
    typeof query[key] === 'string' ? query[key].trim() : '';

  const action = text('action');
  if (action) {
    if ((AUDIT_ACTIONS as readonly string[]).includes(action)) {
      filter.action = action as AuditAction;
    } else {
      errors.action = 'Choose an action from the list';
    }
  }
  const person = text('person');
  if (person) {
    if (/^[1-9]\d{0,9}$/.test(person)) {
      filter.personId = Number(person);
    } else {
      errors.person = 'Person must be a person’s number';
    }
  }
  for (const key of ['from', 'to'] as const) {
    const day = text(key);
    if (!day) {
      continue;
    }
    const date = DAY.test(day) ? new Date(`${day}T00:00:00Z`) : undefined;
    if (
      !date ||
      Number.isNaN(date.getTime()) ||
      !date.toISOString().startsWith(day)
    ) {
      errors[key] =
        `Enter the ${key === 'from' ? 'first' : 'last'} day as YYYY-MM-DD`;
      continue;
    }
    // Days are London days, as the log shows its times.
    const next = new Date(date.getTime() + 86_400_000)
      .toISOString()
      .slice(0, 10);
    filter[key] = londonMidnight(key === 'from' ? day : next);
  }
  if (Object.keys(errors).length > 0) {
    throw new ValidationError(errors, 'The filter is not valid', 400);
  }
  for (const key of ['action', 'person', 'from', 'to']) {
    values[key] = text(key);
  }
  return { filter, values };
}

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: '2-digit',
  hourCycle: 'h23',
});

/** The instant a day (YYYY-MM-DD) begins in London, as ISO text. */
export function londonMidnight(day: string): string {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  // London is UTC or one hour ahead; at UTC midnight in summer it is 1am.
  const hour = Number(LONDON.format(new Date(utcMidnight)));
  return new Date(utcMidnight - hour * 3_600_000).toISOString();
}
