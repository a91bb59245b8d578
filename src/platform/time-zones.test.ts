import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  clockTime,
  describeInstant,
  formatLocalFields,
  isTimeZone,
  localDateTimeAt,
  parseLocalDateTime,
  resolveLocalTime,
} from './time-zones.ts';
import type { LocalDateTime } from './time-zones.ts';

function at(date: string, time: string): LocalDateTime {
  const local = parseLocalDateTime(date, time);
  assert.ok(local, `${date} ${time} parses`);
  return local;
}

test('an ordinary London winter time is GMT', () => {
  assert.deepEqual(
    resolveLocalTime(at('2027-01-15', '09:00'), 'Europe/London'),
    {
      instant: '2027-01-15T09:00:00.000Z',
      kind: 'normal',
    },
  );
});

test('an ordinary London summer time is an hour ahead of UTC', () => {
  assert.deepEqual(
    resolveLocalTime(at('2027-07-01', '09:00'), 'Europe/London'),
    {
      instant: '2027-07-01T08:00:00.000Z',
      kind: 'normal',
    },
  );
});

test('01:30 on the night London clocks go forward moves on to 02:30 BST', () => {
  const resolved = resolveLocalTime(at('2027-03-28', '01:30'), 'Europe/London');

  assert.deepEqual(resolved, {
    instant: '2027-03-28T01:30:00.000Z',
    kind: 'skipped',
  });
  assert.equal(clockTime(resolved.instant, 'Europe/London'), '02:30 BST');
});

test('01:30 on the night London clocks go back means the first, BST', () => {
  const resolved = resolveLocalTime(at('2026-10-25', '01:30'), 'Europe/London');

  assert.deepEqual(resolved, {
    instant: '2026-10-25T00:30:00.000Z',
    kind: 'repeated',
  });
  assert.equal(clockTime(resolved.instant, 'Europe/London'), '01:30 BST');
});

test('the times either side of the London changes are ordinary', () => {
  const zone = 'Europe/London';

  assert.deepEqual(resolveLocalTime(at('2027-03-28', '00:59'), zone), {
    instant: '2027-03-28T00:59:00.000Z',
    kind: 'normal',
  });
  assert.deepEqual(resolveLocalTime(at('2027-03-28', '02:00'), zone), {
    instant: '2027-03-28T01:00:00.000Z',
    kind: 'normal',
  });
  assert.deepEqual(resolveLocalTime(at('2026-10-25', '02:00'), zone), {
    instant: '2026-10-25T02:00:00.000Z',
    kind: 'normal',
  });
});

test('09:00 on 10 March 2025 in Auckland is 20:00 UTC the day before (BUG-22)', () => {
  const resolved = resolveLocalTime(
    at('2025-03-10', '09:00'),
    'Pacific/Auckland',
  );

  assert.deepEqual(resolved, {
    instant: '2025-03-09T20:00:00.000Z',
    kind: 'normal',
  });
  assert.deepEqual(localDateTimeAt(resolved.instant, 'Pacific/Auckland'), {
    year: 2025,
    month: 3,
    day: 10,
    hour: 9,
    minute: 0,
  });
  assert.equal(
    describeInstant(resolved.instant, 'Pacific/Auckland'),
    'Monday 10 March 2025 at 09:00 GMT+13',
  );
});

test('a form gets back the date and time it sent', () => {
  assert.deepEqual(formatLocalFields(at('2025-03-10', '9:05')), {
    date: '2025-03-10',
    time: '09:05',
  });
});

test('a date or time that is not on the calendar is refused', () => {
  assert.equal(parseLocalDateTime('2027-02-29', '09:00'), undefined);
  assert.equal(parseLocalDateTime('2027-02-28', '24:00'), undefined);
  assert.equal(parseLocalDateTime('2027-02-28', '09:60'), undefined);
  assert.equal(parseLocalDateTime('28/02/2027', '09:00'), undefined);
  assert.equal(parseLocalDateTime('2027-02-28', ''), undefined);
});

test('only zone names Intl knows are zones', () => {
  assert.equal(isTimeZone('Europe/London'), true);
  assert.equal(isTimeZone('Pacific/Auckland'), true);
  assert.equal(isTimeZone('UTC'), true);
  assert.equal(isTimeZone('Europe/Atlantis'), false);
  assert.equal(isTimeZone(''), false);
});

test('London dates read in words with BST or GMT', () => {
  assert.equal(
    describeInstant('2027-03-28T01:30:00.000Z', 'Europe/London'),
    'Sunday 28 March 2027 at 02:30 BST',
  );
  assert.equal(
    clockTime('2026-10-25T01:30:00.000Z', 'Europe/London'),
    '01:30 GMT',
  );
});
