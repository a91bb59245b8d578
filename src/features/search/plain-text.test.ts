import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainText } from './plain-text.ts';

// Snippets are cut from the stored body, so it must be the text a reader
// sees, never the markup behind it.

describe('the plain text a body is indexed as', () => {
  it('keeps a wikilink’s words and drops its brackets', () => {
    assert.equal(
      plainText('See [[Birds of Prey|raptors]] and [[Egret]].'),
      'See raptors and Egret.',
    );
  });

  it('drops escapes, emphasis and heading marks', () => {
    assert.equal(
      plainText('## Photos\n\n\\[gallery\\] of **wading** _birds_'),
      'Photos [gallery] of wading birds',
    );
  });

  it('keeps a link’s text and address, an autolink’s once', () => {
    assert.equal(
      plainText(
        '[Travel](https://intranet.example.org/travel) and ' +
          'https://intranet.example.org/pay',
      ),
      'Travel https://intranet.example.org/travel and ' +
        'https://intranet.example.org/pay',
    );
  });

  it('keeps a MediaWiki table’s cells without its markup', () => {
    const table = [
      'Birds:',
      '',
      '{| style="width:100%" class="wikitable"',
      '|-',
      '! Name !! Size',
      '|-',
      '| style="color:red" | Heron || Large',
      '|}',
      '',
      'The end.',
    ].join('\n');
    assert.equal(plainText(table), 'Birds: Name · Size Heron · Large The end.');
  });
});
