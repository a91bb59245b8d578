import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tagLabelKeys, titleKeys } from './words.ts';

describe('the words of a question matched against people’s tags', () => {
  it('keeps meaningful words and neighbouring pairs, in lower case', () => {
    assert.deepEqual(
      titleKeys('How do I run Kubernetes for public procurement?'),
      [
        'run',
        'run kubernetes',
        'kubernetes',
        'public',
        'public procurement',
        'procurement',
      ],
    );
  });

  it('drops small words, bare numbers and repeats, and folds full-width letters', () => {
    assert.deepEqual(
      titleKeys('The ＧＤＰＲ and the GDPR in 2026: is it a problem?'),
      ['gdpr', 'problem'],
    );
  });

  it('gives a hyphenated tag its spaced words too', () => {
    assert.deepEqual(tagLabelKeys('open-data'), ['open-data', 'open data']);
    assert.deepEqual(tagLabelKeys('kubernetes'), ['kubernetes']);
  });
});
