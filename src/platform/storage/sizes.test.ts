import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes } from './sizes.ts';

test('sizes read in the largest unit below 1,024 of it', () => {
  assert.equal(formatBytes(0), '0 bytes');
  assert.equal(formatBytes(1), '1 byte');
  assert.equal(formatBytes(1023), '1023 bytes');
  assert.equal(formatBytes(1024), '1 KB');
  assert.equal(formatBytes(1536), '1.5 KB');
  assert.equal(formatBytes(524_288_000), '500 MB');
  assert.equal(formatBytes(20 * 1024 ** 3), '20 GB');
  assert.equal(formatBytes(3 * 1024 ** 4), '3 TB');
  assert.equal(formatBytes(5000 * 1024 ** 4), '5,000 TB');
});
