import assert from 'node:assert/strict';
import { it } from 'node:test';
import { walkBySeek } from './query.ts';

it('seeks rows on the walk only while a page is expected within the row budget', () => {
  // 2,000 matches among the newest 4,000 ids: one row in two matches, so
  // a first page of 20 is about 40 rows away, and page 13 about 520.
  assert.equal(walkBySeek(2000, 4000, 20), true);
  assert.equal(walkBySeek(2000, 4000, 250), true);
  assert.equal(walkBySeek(2000, 4000, 260), false);
  // 2,000 among 200,000 ids (1%): 2,000 rows for the first page.
  assert.equal(walkBySeek(2000, 200_000, 20), false);
  assert.equal(walkBySeek(2000, 200_000, 20, 2000), true);
  // PostgreSQL tells no span; nothing matched tells nothing.
  assert.equal(walkBySeek(2000, null, 20), false);
  assert.equal(walkBySeek(0, 0, 20), false);
});
