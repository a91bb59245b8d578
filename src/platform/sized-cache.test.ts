import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SizedCache } from './sized-cache.ts';

it('drops the least recently used entries past its budget', () => {
  const cache = new SizedCache<string>(10);
  cache.set('a', 'A', 4);
  cache.set('b', 'B', 4);
  assert.equal(cache.get('a'), 'A');
  cache.set('c', 'C', 4);

  assert.equal(cache.get('b'), undefined);
  assert.equal(cache.get('a'), 'A');
  assert.equal(cache.get('c'), 'C');
  assert.equal(cache.size, 8);
});

it('counts a replaced entry once, and keeps nothing larger than its budget', () => {
  const cache = new SizedCache<string>(10);
  cache.set('a', 'A', 4);
  cache.set('a', 'A2', 6);
  assert.equal(cache.size, 6);
  assert.equal(cache.get('a'), 'A2');

  cache.set('huge', 'H', 11);
  assert.equal(cache.get('huge'), undefined);
  assert.equal(cache.get('a'), undefined);
  assert.equal(cache.size, 0);
});
