import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  characterCount,
  cleanLine,
  foldAccents,
  isBlank,
  searchWords,
  slugify,
} from './text.ts';

test('a slug keeps a word for every word of the title (BUG-26)', () => {
  assert.equal(
    slugify('Lasers & Feelings: Übersetzung fertig!'),
    'lasers-feelings-ubersetzung-fertig',
  );
  assert.equal(
    slugify("What's new? 50% off $10 plans"),
    'whats-new-50-off-10-plans',
  );
  assert.equal(slugify('Q&A'), 'q-a');
  assert.equal(slugify('مرحبا بالعالم'), 'مرحبا-بالعالم');
});

test('a title with no letters or digits gets the fallback slug', () => {
  assert.equal(slugify('🚀', 'page'), 'page');
  assert.equal(slugify('  ', 'page'), 'page');
});

test('a long slug is cut at 80 characters without a trailing hyphen', () => {
  const slug = slugify('word '.repeat(40));
  assert.ok(slug.length <= 80);
  assert.ok(!slug.endsWith('-'));
});

test('accents fold on Latin letters only', () => {
  assert.equal(foldAccents('Émile Zoë Straße'), 'emile zoe strasse');
  assert.equal(foldAccents('हिन्दी'), 'हिन्दी');
});

test('search words drop apostrophes and split on punctuation', () => {
  assert.deepEqual(searchWords("O'Brien, Head of HR/IT"), [
    'obrien',
    'head',
    'of',
    'hr',
    'it',
  ]);
});

test('lines fold no-break spaces and line breaks into single spaces', () => {
  assert.equal(cleanLine('  Head\u00a0of\n  Policy  '), 'Head of Policy');
});

test('a value of only zero-width characters is blank', () => {
  assert.equal(isBlank('\u200b\u200b\u200b'), true);
  assert.equal(isBlank(' a '), false);
});

test('length counts code points, not UTF-16 units or bytes', () => {
  assert.equal(characterCount('名'.repeat(3)), 3);
  assert.equal(characterCount('😀'), 1);
});
