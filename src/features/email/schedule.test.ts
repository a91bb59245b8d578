import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextDigestAt } from './schedule.ts';

const london = { hour: 8, timeZone: 'Europe/London', weeklyDay: 1 };
const next = (
  time: typeof london,
  frequency: 'daily' | 'weekly',
  after: string,
) => nextDigestAt(time, frequency, new Date(after)).toISOString();

test('a daily digest is due at the next 08:00 on a London clock', () => {
  assert.equal(
    next(london, 'daily', '2026-12-04T07:59:00.000Z'),
    '2026-12-04T08:00:00.000Z',
  );
  assert.equal(
    next(london, 'daily', '2026-12-04T08:00:00.000Z'),
    '2026-12-05T08:00:00.000Z',
  );
});

test('the digest moves an hour in UTC when the clocks change, never skipped', () => {
  // Clocks go forward on 28 March 2027: 08:00 is then 07:00 UTC.
  assert.equal(
    next(london, 'daily', '2027-03-27T08:00:00.000Z'),
    '2027-03-28T07:00:00.000Z',
  );
  // And back on 31 October 2027.
  assert.equal(
    next(london, 'daily', '2027-10-30T07:00:00.000Z'),
    '2027-10-31T08:00:00.000Z',
  );
});

test('an hour the clocks skip comes after the jump, and a repeated one once', () => {
  const early = { ...london, hour: 1 };
  // 01:00 does not exist on 28 March 2027 in London: it is read as 02:00 BST.
  assert.equal(
    next(early, 'daily', '2027-03-27T02:00:00.000Z'),
    '2027-03-28T01:00:00.000Z',
  );
  // 01:00 happens twice on 31 October 2027: the first, 00:00 UTC.
  assert.equal(
    next(early, 'daily', '2027-10-30T02:00:00.000Z'),
    '2027-10-31T00:00:00.000Z',
  );
  assert.equal(
    next(early, 'daily', '2027-10-31T00:00:00.000Z'),
    '2027-11-01T01:00:00.000Z',
  );
});

test('a weekly digest waits for the chosen weekday in the person’s zone', () => {
  // Friday 4 December 2026; Monday is the 7th.
  assert.equal(
    next(london, 'weekly', '2026-12-04T12:00:00.000Z'),
    '2026-12-07T08:00:00.000Z',
  );
  // 07:00 on Saturday in Auckland (UTC+13) is 18:00 on Friday in UTC.
  const auckland = { hour: 7, timeZone: 'Pacific/Auckland', weeklyDay: 6 };
  assert.equal(
    next(auckland, 'weekly', '2026-12-04T12:00:00.000Z'),
    '2026-12-04T18:00:00.000Z',
  );
});
