import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { before, describe, it } from 'node:test';
import { sharedDataPath } from '../../../test-support/shared-data.ts';
import { bodyOf } from './posts.ts';
import { readWxr } from './reader.ts';

// The theme unit test file's block posts, as the tester imported them:
// its tables, its poem in a preformatted block and its quotes' citations.

const WANTED = ['blocks-formatting', 'block-quotes', 'column-blocks'];

describe('the theme unit test block posts in Markdown', () => {
  const bodies = new Map<string, string>();

  before(async () => {
    const file = sharedDataPath('wxr', 'theme-unit-test-data.xml');
    for await (const event of readWxr(createReadStream(file))) {
      if (event.kind === 'item' && WANTED.includes(event.item.postName)) {
        bodies.set(event.item.postName, bodyOf(event.item).markdown);
      }
    }
  });

  function body(name: string): string {
    const text = bodies.get(name);
    assert.ok(text !== undefined, `${name} is in the file`);
    return text;
  }

  it('keeps the table block’s cells apart, in a pipe table', () => {
    assert.ok(
      body('blocks-formatting').includes(
        '|  |  |\n| --- | --- |\n' +
          '| The table block | This is the default style. |\n' +
          '|  | The cell next to this is empty. |\n' +
          '| Cell \\#5 | Cell \\#6 |',
      ),
    );
  });

  it('keeps the poem in the preformatted block one line to a line', () => {
    assert.ok(
      body('blocks-formatting').includes(
        'Two roads diverged in a yellow wood,\n' +
          'And sorry I could not travel both          (\\_/)  \n',
      ),
    );
  });

  it('leaves no backslash after a quote’s citation', () => {
    assert.ok(body('block-quotes').includes('> The Gutenberg Team\n\n'));
    assert.ok(body('column-blocks').includes('> Theme Reviewer\n\n'));
    for (const name of WANTED) {
      assert.equal(
        /\\$/m.test(body(name)),
        false,
        `${name} has no \\ at a line end`,
      );
    }
  });
});
