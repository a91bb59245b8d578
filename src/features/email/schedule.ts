import {
  localDateTimeAt,
  resolveLocalTime,
} from '../../platform/time-zones.ts';
import type { DigestFrequency } from './tables.ts';

/** When and where a person's digests go. */
export interface DigestTime {
  /** Local hour, 0 to 23. */
  hour: number;
  timeZone: string;
  /** 1 (Monday) to 7 (Sunday), for the weekly digest. */
  weeklyDay: number;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * The first instant after `after` at which the person's digest of this
 * frequency is due: their hour on their wall clock, which moves in UTC
 * when their clocks change. On the night the clocks go forward an hour
 * that does not exist comes as far after the jump as it was after the
 * old hour (01:30 → 02:30); an hour that happens twice goes the first
 * time (platform/time-zones.ts), so a digest is never skipped or doubled.
 */
export function nextDigestAt(
  time: DigestTime,
  frequency: DigestFrequency,
  after: Date,
): Date {
  const today = localDateTimeAt(after.toISOString(), time.timeZone);
  for (let offset = 0; offset <= 8; offset += 1) {
    const date = new Date(
      Date.UTC(today.year, today.month - 1, today.day + offset),
    );
    const weekday = ((date.getUTCDay() + 6) % 7) + 1;
    if (frequency === 'weekly' && weekday !== time.weeklyDay) {
      continue;
    }
    const due = resolveLocalTime(
      {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        hour: time.hour,
        minute: 0,
      },
      time.timeZone,
    );
    if (Date.parse(due.instant) > after.getTime()) {
      return new Date(due.instant);
    }
  }
  // Unreachable: some day in the next eight has the hour and weekday.
  return new Date(after.getTime() + DAY);
}
