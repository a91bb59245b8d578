import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDateTime } from './views.ts';

test('times after midnight and at noon read the GOV.UK way', () => {
  assert.equal(
    formatDateTime('2026-12-04T00:27:00.000Z'),
    '4 December 2026 at 12:27am',
  );
  assert.equal(
    formatDateTime('2026-12-04T12:00:00.000Z'),
    '4 December 2026 at 12:00pm',
  );
  assert.equal(
    formatDateTime('2026-07-01T13:05:00.000Z'),
    '1 July 2026 at 2:05pm',
  );
});
