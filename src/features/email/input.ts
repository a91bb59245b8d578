import { ValidationError } from '../../platform/errors.ts';
import { isTimeZone } from '../../platform/time-zones.ts';
import { EMAIL_FREQUENCIES, EMAIL_KINDS } from './preferences.ts';
import type { EmailChoices } from './preferences.ts';
import type { EmailFrequency } from './tables.ts';

/** Labels for the page and the API's messages, in the page's order. */
export const KIND_NAMES: Record<(typeof EMAIL_KINDS)[number], string> = {
  mention: 'Mentions of you',
  reply: 'Replies to you',
  watched: 'New content in what you watch',
  invitation: 'Invitations to groups',
  request: 'Requests to join groups you run',
  accepted_answer: 'Answers accepted on your questions',
  page_changed: 'Changes to wiki pages you watch',
};

export const WEEKDAYS = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
];

/** The page's field for a kind; the API uses the kind itself. */
export const kindField = (kind: string) => `kind-${kind}`;

/**
 * Reads choices from a form (`kind-mention`, `digestHour` …) or the API
 * (`frequencies: { mention }`, `digestHour` …). What is left out keeps
 * its current value. Throws a ValidationError keyed by the source's own
 * field names.
 */
export function readEmailChoices(
  body: Record<string, unknown>,
  current: EmailChoices,
  source: 'form' | 'api',
): EmailChoices {
  const errors: Record<string, string> = {};
  const frequencies = { ...current.frequencies };
  const given =
    source === 'api'
      ? ((body.frequencies ?? {}) as Record<string, unknown>)
      : body;
  if (source === 'api' && typeof given !== 'object') {
    errors.frequencies = 'frequencies must be an object of kind: frequency';
  }
  for (const kind of EMAIL_KINDS) {
    const field = source === 'api' ? kind : kindField(kind);
    const value = given[field];
    if (value === undefined) {
      continue;
    }
    if (!EMAIL_FREQUENCIES.includes(value as EmailFrequency)) {
      errors[source === 'api' ? `frequencies.${kind}` : field] =
        `Choose when to get e-mail about ${KIND_NAMES[kind].toLowerCase()}`;
      continue;
    }
    frequencies[kind] = value as EmailFrequency;
  }
  const hour = readWhole(body.digestHour, current.digestHour, 0, 23);
  if (hour === undefined) {
    errors.digestHour = 'Choose an hour from 00:00 to 23:00';
  }
  const day = readWhole(body.weeklyDay, current.weeklyDay, 1, 7);
  if (day === undefined) {
    errors.weeklyDay = 'Choose a day of the week';
  }
  const zone = body.timeZone === undefined ? current.timeZone : body.timeZone;
  const zoneText = typeof zone === 'string' ? zone.trim() : '';
  if (!isZoneName(zoneText)) {
    errors.timeZone =
      'Enter a time zone by its name, like Europe/London or America/New_York';
  }
  if (Object.keys(errors).length > 0) {
    const status = source === 'form' ? 400 : 422;
    throw new ValidationError(
      errors,
      'Some of the values are not valid',
      status,
    );
  }
  return {
    frequencies,
    digestHour: hour ?? current.digestHour,
    weeklyDay: day ?? current.weeklyDay,
    timeZone: zoneText,
  };
}

/**
 * A zone Intl can use. Intl's list holds only canonical names, and in
 * the ICU of Node 20 India's is still Asia/Calcutta, so a name the list
 * lacks is also tried directly: Asia/Kolkata is what people type.
 */
function isZoneName(name: string): boolean {
  if (isTimeZone(name)) {
    return true;
  }
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: name });
    return name.includes('/');
  } catch {
    return false;
  }
}

function readWhole(
  value: unknown,
  fallback: number,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) {
    return fallback;
  }
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' &&
    Number.isInteger(number) &&
    number >= min &&
    number <= max &&
    !(typeof value === 'string' && !/^\d{1,2}$/.test(value))
    ? number
    : undefined;
}
