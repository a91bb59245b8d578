import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  numberVariants,
  titleMatches,
  titlePattern,
  topicOf,
} from './words.ts';

describe('the words of a topic', () => {
  it('pairs a word with its plain singular or plural', () => {
    assert.deepEqual(numberVariants('api'), ['api', 'apis']);
    assert.deepEqual(numberVariants('apis'), ['apis', 'api']);
    assert.deepEqual(numberVariants('policy'), ['policy', 'policies']);
    assert.deepEqual(numberVariants('policies'), ['policies', 'policy']);
    assert.deepEqual(numberVariants('class'), ['class']);
  });

  it('matches tags folded as tag keys, joined by a hyphen or a space', () => {
    assert.deepEqual(topicOf('  Open   Data ').keys, [
      'open data',
      'open datas',
      'open-data',
      'open-datas',
      'open',
      'opens',
      'data',
      'datas',
    ]);
    assert.deepEqual(topicOf('#Kubernetes').keys, ['kubernetes', 'kubernete']);
  });

  it('matches a title holding every word, as whole words, in either number', () => {
    const topic = topicOf('API design');

    assert.equal(
      titleMatches('Designing good APIs: design notes', topic),
      true,
    );
    assert.equal(titleMatches('Rapid design', topic), false);
    assert.equal(titleMatches('API notes', topic), false);
  });

  it('narrows titles by the start all forms of the longest word share', () => {
    assert.equal(titlePattern(topicOf('policies')), '%polic%');
    assert.equal(titlePattern(topicOf('100%_sure')), '%sure%');
    assert.equal(titlePattern(topicOf('the')), null);
  });
});
