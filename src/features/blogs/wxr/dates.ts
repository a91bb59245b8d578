import { resolveLocalTime } from '../../../platform/time-zones.ts';

// WordPress writes each date twice: `post_date` in the blog's own zone
// and `post_date_gmt` in UTC, both as "YYYY-MM-DD HH:MM:SS". Drafts and
// some scheduled posts carry "0000-00-00 00:00:00" as the UTC one; then
// the local one is read in the site's time zone.

const WORDPRESS_DATE =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function readFields(value: string): Fields | undefined {
  const match = WORDPRESS_DATE.exec(value.trim());
  if (!match) {
    return undefined;
  }
  const [year, month, day, hour, minute, second] = match
    .slice(1)
    .map((part) => Number(part ?? 0));
  const fields = {
    year: year ?? 0,
    month: month ?? 0,
    day: day ?? 0,
    hour: hour ?? 0,
    minute: minute ?? 0,
    second: second ?? 0,
  };
  // Date.UTC rolls 31 February over into March; a date that does so is
  // not a date, and "0000-00-00" is WordPress's "none".
  const time = utcOf(fields);
  const back = new Date(time);
  if (
    fields.year < 1 ||
    back.getUTCMonth() + 1 !== fields.month ||
    back.getUTCDate() !== fields.day ||
    fields.hour > 23 ||
    fields.minute > 59 ||
    fields.second > 59
  ) {
    return undefined;
  }
  return fields;
}

function utcOf(fields: Fields): number {
  const time = new Date(0);
  time.setUTCFullYear(fields.year, fields.month - 1, fields.day);
  time.setUTCHours(fields.hour, fields.minute, fields.second, 0);
  return time.getTime();
}

/**
 * The instant a wall-clock time in `zone` names, by the site's one rule
 * (platform/time-zones.ts): a time the clocks skip is moved on by the
 * gap, and a time that happens twice is the first of the two. Undefined
 * for text that is not a date.
 */
export function instantOfLocal(
  value: string,
  zone: string,
): string | undefined {
  const fields = readFields(value);
  if (!fields) {
    return undefined;
  }
  const { instant } = resolveLocalTime(fields, zone);
  return new Date(Date.parse(instant) + fields.second * 1000).toISOString();
}

/** The instant of a UTC "YYYY-MM-DD HH:MM:SS", or undefined. */
export function instantOfUtc(value: string): string | undefined {
  const fields = readFields(value);
  return fields ? new Date(utcOf(fields)).toISOString() : undefined;
}

/** The UTC date when there is one, else the local date in `zone`. */
export function instantOf(
  gmt: string,
  local: string,
  zone: string,
): string | undefined {
  return instantOfUtc(gmt) ?? instantOfLocal(local, zone);
}
