/**
 * Wall-clock times in a named time zone, with the Intl API only. A local
 * time is turned into an instant by one written rule, so an author is
 * told before saving what a time on the night the clocks change means:
 *
 * - a time that does not exist (the clocks jump from 01:00 to 02:00) is
 *   read with the offset in force just before the jump, so it lands as
 *   far after the jump as it was after the old hour: 01:30 → 02:30 BST;
 * - a time that happens twice (the clocks go back from 02:00 to 01:00)
 *   means the first of the two, the one with the earlier instant.
 *
 * This is what iCalendar (RFC 5545, section 3.3.5) and JavaScript's
 * Temporal call the "compatible" reading.
 */

export const DEFAULT_TIME_ZONE = 'Europe/London';

/** A date and time on a wall clock, with no zone. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** How a local time relates to the clock changes around it. */
export type LocalTimeKind = 'normal' | 'skipped' | 'repeated';

/** A local time read in a zone: the instant, and what happened to it. */
export interface ResolvedLocalTime {
  /** ISO 8601 in UTC with milliseconds, as the database stores times. */
  instant: string;
  kind: LocalTimeKind;
}

let zoneNames: Set<string> | undefined;

/** True for an IANA zone name Intl knows, such as `Europe/London`. */
export function isTimeZone(name: string): boolean {
  zoneNames ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
  return zoneNames.has(name);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function fieldsFormatter(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC at `epoch` (milliseconds), in milliseconds. */
function offsetAt(epoch: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const part of fieldsFormatter(zone).formatToParts(epoch)) {
    if (part.type !== 'literal') {
      parts[part.type] = Number(part.value);
    }
  }
  const wall = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return wall - Math.floor(epoch / 1000) * 1000;
}

/** The wall-clock date and time at an instant in a zone. */
export function localDateTimeAt(instant: string, zone: string): LocalDateTime {
  const epoch = Date.parse(instant);
  const wall = new Date(epoch + offsetAt(epoch, zone));
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
  };
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * The instant a wall-clock time in `zone` names, by the rule above. The
 * offsets a day either side are the ones in force before and after any
 * clock change near the time; each is tried, and kept when the zone
 * agrees it is the offset at the instant it gives.
 */
export function resolveLocalTime(
  local: LocalDateTime,
  zone: string,
): ResolvedLocalTime {
  const wall = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
  );
  const before = offsetAt(wall - DAY, zone);
  const after = offsetAt(wall + DAY, zone);
  const fits = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((epoch) => wall - offsetAt(epoch, zone) === epoch)
    .sort((a, b) => a - b);
  const first = fits[0];
  if (first === undefined) {
    return { instant: new Date(wall - before).toISOString(), kind: 'skipped' };
  }
  return {
    instant: new Date(first).toISOString(),
    kind: fits.length > 1 ? 'repeated' : 'normal',
  };
}

/**
 * Reads a date (`2027-03-28`) and a time (`01:30`, 24-hour) as a form
 * sends them; undefined unless both name a real calendar date and time.
 */
export function parseLocalDateTime(
  date: string,
  time: string,
): LocalDateTime | undefined {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  const t = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  if (!d || !t) {
    return undefined;
  }
  const local = {
    year: Number(d[1]),
    month: Number(d[2]),
    day: Number(d[3]),
    hour: Number(t[1]),
    minute: Number(t[2]),
  };
  const check = new Date(
    Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute),
  );
  const real =
    check.getUTCFullYear() === local.year &&
    check.getUTCMonth() === local.month - 1 &&
    check.getUTCDate() === local.day &&
    local.hour < 24 &&
    local.minute < 60;
  return real ? local : undefined;
}

/** `2027-03-28` and `01:30`, as a form's fields take them. */
export function formatLocalFields(local: LocalDateTime): {
  date: string;
  time: string;
} {
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${String(local.year).padStart(4, '0')}-${two(local.month)}-${two(local.day)}`,
    time: `${two(local.hour)}:${two(local.minute)}`,
  };
}

/**
 * An instant as people in `zone` read it: `Sunday 28 March 2027 at
 * 02:30 BST`, with the zone's short name where English has one and its
 * offset (`GMT+13`) where it has not.
 */
export function describeInstant(instant: string, zone: string): string {
  // Built from parts: ICU versions differ on a comma after the weekday.
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).formatToParts(Date.parse(instant));
  const value = (type: string) =>
    parts.find((part) => part.type === type)?.value ?? '';
  const date = `${value('weekday')} ${value('day')} ${value('month')} ${value('year')}`;
  return `${date} at ${clockTime(instant, zone)}`;
}

/** `02:30 BST`: the time at an instant in a zone with the zone's name. */
export function clockTime(instant: string, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).formatToParts(Date.parse(instant));
  const value = (type: string) =>
    parts.find((part) => part.type === type)?.value ?? '';
  return `${value('hour')}:${value('minute')} ${value('timeZoneName')}`;
}
