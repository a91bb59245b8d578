import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { numberVariants, topicOf, wordsMatch } from './words.ts';

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

  it('matches words folded and stemmed as the search index holds them', () => {
    const topic = topicOf('zurichsee APIs');

    assert.equal(topic.matched, 'zurichsee APIs');
    assert.equal(wordsMatch('Zürichsee: designing an API', topic), true);
    assert.equal(wordsMatch('Zürichsee plain', topic), false);
    assert.equal(wordsMatch('Rapid zurichseeing', topic), false);
  });

  it('matches Latvian wiki titles typed with or without their accents', () => {
    for (const [title, plain] of [
      ['Līpkolns', 'lipkolns'],
      ['Rogāļu ezers', 'rogalu'],
      ['Lielais akmiņs', 'akmins'],
    ] as const) {
      assert.equal(wordsMatch(title, topicOf(title)), true, title);
      assert.equal(wordsMatch(title, topicOf(plain)), true, plain);
    }
  });

  it('names only the meaningful words of a topic as matched', () => {
    assert.equal(topicOf('Welcome <b>x</b>').matched, 'Welcome');
    assert.equal(topicOf('the Āра data').matched, 'Āра data');
    assert.deepEqual(topicOf('the').parts, []);
  });
});
