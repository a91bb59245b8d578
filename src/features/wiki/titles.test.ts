import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../platform/errors.ts';
import {
  ancestorTitles,
  normalizeTitle,
  parentKeyOf,
  titleKey,
} from './titles.ts';

function refusal(raw: string): string | undefined {
  try {
    normalizeTitle(raw);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    return error.fields?.title;
  }
}

describe('wiki titles', () => {
  it('reads underscores as spaces and folds runs of spaces', () => {
    assert.equal(normalizeTitle('  First__week   plan '), 'First week plan');
  });

  it('trims each part of a hierarchical title', () => {
    assert.equal(
      normalizeTitle('Onboarding / First week'),
      'Onboarding/First week',
    );
  });

  it('composes decomposed accents (NFC)', () => {
    assert.equal(normalizeTitle('Cafe\u0301'), 'Caf\u00e9');
  });

  it('finds "onboarding" and "Onboarding" under one key', () => {
    assert.equal(titleKey('onboarding'), titleKey('Onboarding'));
    assert.equal(titleKey('Onboarding/First_week'), 'onboarding/first week');
  });

  it('refuses empty segments, forbidden characters, controls and length', () => {
    assert.match(refusal('') ?? '', /Enter a title/);
    assert.match(refusal('a//b') ?? '', /between slashes/);
    assert.match(refusal('/a') ?? '', /between slashes/);
    assert.match(refusal('a/') ?? '', /between slashes/);
    for (const bad of [
      'a[b',
      'a]b',
      'a{b',
      'a}b',
      'a|b',
      'a#b',
      'a<b',
      'a>b',
    ]) {
      assert.match(refusal(bad) ?? '', /must not contain/, bad);
    }
    assert.match(refusal('a\u0000b') ?? '', /control/);
    assert.match(refusal('a\nb') ?? '', /control/);
    assert.equal(refusal('x'.repeat(255)), undefined);
    assert.match(refusal('x'.repeat(256)) ?? '', /255/);
  });

  it('gives a page its parent and ancestors by slash', () => {
    assert.equal(parentKeyOf('Onboarding/First week'), 'onboarding');
    assert.equal(parentKeyOf('Onboarding'), '');
    assert.deepEqual(ancestorTitles('A/B/C'), ['A', 'A/B']);
  });
});
