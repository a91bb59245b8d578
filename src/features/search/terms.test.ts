import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stem } from './stemmer.ts';
import { parseQuery, termsOf, titleKeyOf } from './terms.ts';

describe('stemming', () => {
  it('brings the forms of a word to one stem, as Porter does', () => {
    const stems = Object.fromEntries(
      [
        'caresses',
        'ponies',
        'relational',
        'conditional',
        'hopping',
        'hoping',
        'agreed',
        'happy',
        'electrical',
        'controlling',
        'generalization',
      ].map((word) => [word, stem(word)]),
    );
    assert.deepEqual(stems, {
      caresses: 'caress',
      ponies: 'poni',
      relational: 'relat',
      conditional: 'condit',
      hopping: 'hop',
      hoping: 'hope',
      agreed: 'agre',
      happy: 'happi',
      electrical: 'electr',
      controlling: 'control',
      generalization: 'gener',
    });
  });

  it('gives policy and policies one stem, and sum and summer two', () => {
    assert.equal(stem('policies'), stem('policy'));
    assert.notEqual(stem('summer'), stem('sum'));
    assert.deepEqual(['invite', 'invited', 'invites', 'invitation'].map(stem), [
      'invit',
      'invit',
      'invit',
      'invit',
    ]);
  });
});

describe('terms', () => {
  it('splits a URL into its words, stemmed like any others', () => {
    assert.deepEqual(
      termsOf('See https://intranet.example.org/travel-policy'),
      ['see', 'http', 'intranet', 'exampl', 'org', 'travel', 'polici'],
    );
  });

  it('folds case and accents and keeps other scripts whole', () => {
    assert.deepEqual(termsOf('Café ÜBER naïve Ελλάδα'), [
      'cafe',
      'uber',
      'naiv',
      'ελλαδα',
    ]);
  });

  it('turns Chinese, Japanese and Korean into overlapping pairs', () => {
    assert.deepEqual(termsOf('東京都に 한국어'), [
      '東京',
      '京都',
      '都に',
      '한국',
      '국어',
    ]);
    assert.deepEqual(termsOf('東'), ['東']);
  });

  it('reads quoted phrases, runs of joined words and lone CJK characters', () => {
    assert.deepEqual(parseQuery('"annual leave" travel-policy sum 東 sum'), [
      { terms: ['annual', 'leav'], prefix: false },
      { terms: ['travel', 'polici'], prefix: false },
      { terms: ['sum'], prefix: false },
      { terms: ['東'], prefix: true },
    ]);
    assert.deepEqual(parseQuery(' -- "" '), []);
  });

  it('keys titles on their words, unstemmed', () => {
    assert.equal(titleKeyOf('  The Sum of Us!  '), 'the sum of us');
    assert.equal(titleKeyOf('Invitations'), 'invitations');
  });
});
