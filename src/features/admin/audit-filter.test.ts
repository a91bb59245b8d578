import assert from 'node:assert/strict';
import { test } from 'node:test';
import { londonMidnight, readAuditFilter } from './audit-filter.ts';

test('a day begins at London midnight, in summer and winter time', () => {
  assert.equal(londonMidnight('2026-12-04'), '2026-12-04T00:00:00.000Z');
  assert.equal(londonMidnight('2026-07-01'), '2026-06-30T23:00:00.000Z');
  assert.equal(londonMidnight('2026-03-29'), '2026-03-29T00:00:00.000Z');
  assert.equal(londonMidnight('2026-10-25'), '2026-10-24T23:00:00.000Z');
});

test('from and to take whole London days, both included', () => {
  const { filter } = readAuditFilter({ from: '2026-07-01', to: '2026-07-01' });

  assert.equal(filter.from, '2026-06-30T23:00:00.000Z');
  assert.equal(filter.to, '2026-07-01T23:00:00.000Z');
});
