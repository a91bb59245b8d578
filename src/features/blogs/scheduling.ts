import { ValidationError } from '../../platform/errors.ts';
import {
  clockTime,
  describeInstant,
  formatLocalFields,
  localDateTimeAt,
  parseLocalDateTime,
  resolveLocalTime,
} from '../../platform/time-zones.ts';
import type { LocalTimeKind } from '../../platform/time-zones.ts';

// When a scheduled post publishes. The API takes an instant with its
// offset; the form takes a date and time on the SITE's clock (never the
// browser's, BUG-22) and, when that time is skipped or repeated by a
// clock change, shows the author the instant it will be before saving.

// An ISO 8601 date and time with seconds optional and an offset or Z.
const INSTANT =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** The API's `publishAt`: an instant with an offset, as UTC ISO text. */
export function readApiInstant(value: unknown): string {
  if (typeof value !== 'string' || !INSTANT.test(value.trim())) {
    throw new ValidationError({
      publishAt:
        'Send publishAt as a date and time with its offset, like ' +
        '2025-03-10T09:00:00+13:00',
    });
  }
  const epoch = Date.parse(value.trim());
  if (Number.isNaN(epoch)) {
    throw new ValidationError({ publishAt: 'publishAt is not a real time' });
  }
  return new Date(epoch).toISOString();
}

/** A form's date and time read on the site's clock. */
export interface LocalSchedule {
  instant: string;
  kind: LocalTimeKind;
  /** What the author is told the time means, for the form to show. */
  explanation: string;
}

/** Reads the form's `publishDate` and `publishTime` in `zone`. */
export function readLocalSchedule(
  date: unknown,
  time: unknown,
  zone: string,
): LocalSchedule {
  const local =
    typeof date === 'string' && typeof time === 'string'
      ? parseLocalDateTime(date, time)
      : undefined;
  if (!local) {
    throw new ValidationError({
      publishDate:
        'Enter the date as year-month-day and the time as hours:minutes, ' +
        'like 2027-03-28 and 09:30',
    });
  }
  const resolved = resolveLocalTime(local, zone);
  const { time: asked } = formatLocalFields(local);
  const shown = clockTime(resolved.instant, zone);
  const utc = clockTime(resolved.instant, 'UTC');
  const explanation =
    resolved.kind === 'skipped'
      ? `${asked} does not happen that night: the clocks go forward. ` +
        `It will publish at ${shown} (${utc}), ` +
        `${describeInstant(resolved.instant, zone)}.`
      : resolved.kind === 'repeated'
        ? `${asked} happens twice that night: the clocks go back. ` +
          `It will publish at the first, ${shown} (${utc}).`
        : `It will publish ${describeInstant(resolved.instant, zone)}.`;
  return { ...resolved, explanation };
}

/** The form's date and time fields for an instant, on the site's clock. */
export function localFieldsOf(
  instant: string | null,
  zone: string,
): { publishDate: string; publishTime: string } {
  if (instant === null) {
    return { publishDate: '', publishTime: '' };
  }
  const { date, time } = formatLocalFields(localDateTimeAt(instant, zone));
  return { publishDate: date, publishTime: time };
}

/** Refuses a scheduled time that has already passed. */
export function requireFuture(
  instant: string,
  now: string,
  field: string,
): void {
  if (Date.parse(instant) <= Date.parse(now)) {
    throw new ValidationError({
      [field]: 'Choose a time in the future, or publish the post now',
    });
  }
}
