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
  // Errors are added in the page's field order: the error summary lists
  // them as they come.
  const errors: Record<string, string> = {};
  const frequencies = { ...current.frequencies };
  const given = source === 'api' ? readApiFrequencies(body, errors) : body;
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
  const hour = readWhole(body.digestHour, current.digestHour, 0, 23, source);
  if (hour === undefined) {
    errors.digestHour = 'Choose an hour from 00:00 to 23:00';
  }
  const zone = body.timeZone === undefined ? current.timeZone : body.timeZone;
  const zoneName = canonicalZone(typeof zone === 'string' ? zone.trim() : '');
  if (zoneName === undefined) {
    errors.timeZone =
      'Enter a time zone by its name, like Europe/London or America/New_York';
  }
  const day = readWhole(body.weeklyDay, current.weeklyDay, 1, 7, source);
  if (day === undefined) {
    errors.weeklyDay = 'Choose a day of the week';
  }
  if (Object.keys(errors).length > 0) {
    throw new ValidationError(errors, 'Some of the values are not valid', 400);
  }
  return {
    frequencies,
    digestHour: hour ?? current.digestHour,
    weeklyDay: day ?? current.weeklyDay,
    timeZone: zoneName ?? current.timeZone,
  };
}

/**
 * The API's `frequencies`: left out, or an object whose keys are all
 * kinds. Anything else is an error, not silently nothing.
 */
function readApiFrequencies(
  body: Record<string, unknown>,
  errors: Record<string, string>,
): Record<string, unknown> {
  const given = body.frequencies;
  if (given === undefined) {
    return {};
  }
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    errors.frequencies = 'frequencies must be an object of kind: frequency';
    return {};
  }
  const known: readonly string[] = EMAIL_KINDS;
  for (const key of Object.keys(given)) {
    if (!known.includes(key)) {
      errors[`frequencies.${key}`] =
        `There is no kind of notification called ${key}`;
    }
  }
  return given as Record<string, unknown>;
}

/**
 * The name to store for a zone, or undefined if Intl does not know it.
 * A name in Intl's list is taken in the list's spelling (europe/london
 * becomes Europe/London). Another name Intl accepts is kept as typed if
 * it is written as IANA writes names (Asia/Kolkata, which the ICU of
 * Node 20 still calls Asia/Calcutta); otherwise it becomes the name Intl
 * resolves it to (etc/utc becomes UTC).
 */
export function canonicalZone(name: string): string | undefined {
  if (name === '') {
    return undefined;
  }
  if (isTimeZone(name)) {
    return name;
  }
  const listed = zoneByLowerCase().get(name.toLowerCase());
  if (listed) {
    return listed;
  }
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-GB', {
      timeZone: name,
    }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  return /^[A-Z][A-Za-z_+-]*(\/[A-Z0-9][A-Za-z0-9_+-]*)+$/.test(name)
    ? name
    : resolved;
}

let zones: Map<string, string> | undefined;
function zoneByLowerCase(): Map<string, string> {
  zones ??= new Map(
    Intl.supportedValuesOf('timeZone').map((zone) => [
      zone.toLowerCase(),
      zone,
    ]),
  );
  return zones;
}

/** A whole number: a JSON number from the API, digits from a form. */
function readWhole(
  value: unknown,
  fallback: number,
  min: number,
  max: number,
  source: 'form' | 'api',
): number | undefined {
  if (value === undefined) {
    return fallback;
  }
  if (source === 'api' && typeof value !== 'number') {
    return undefined;
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
