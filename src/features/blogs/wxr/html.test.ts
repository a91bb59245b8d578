import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainText, wordPressToMarkdown } from './html.ts';

describe('WordPress HTML to Markdown', () => {
  it('parts paragraphs at blank lines and breaks at single line ends', () => {
    const { markdown } = wordPressToMarkdown(
      'First line\nsame paragraph\n\nSecond *paragraph*',
    );
    assert.equal(
      markdown,
      'First line\\\nsame paragraph\n\nSecond \\*paragraph\\*',
    );
  });

  it('leaves block editor posts and preformatted text as they are', () => {
    const block = wordPressToMarkdown(
      '<!-- wp:paragraph -->\n<p>One\ntwo</p>\n<!-- /wp:paragraph -->',
    );
    assert.equal(block.markdown, 'One two');
    const pre = wordPressToMarkdown('Code:\n\n<pre>a\n\nb</pre>');
    assert.equal(pre.markdown, 'Code:\n\n```\na\n\nb\n```');
  });

  it('turns a caption into its image and text', () => {
    const { markdown } = wordPressToMarkdown(
      '[caption id="a" align="alignnone" width="300"]' +
        '<img src="https://files.example/boat.jpg" alt="A boat" /> ' +
        'The boat at dawn[/caption]',
    );
    assert.equal(
      markdown,
      '[Image: A boat](https://files.example/boat.jpg)\n\nThe boat at dawn',
    );
  });

  it('links embeds and media files, and counts shortcodes it keeps', () => {
    const converted = wordPressToMarkdown(
      '[embed]https://video.example/v/1[/embed]\n\n[gallery ids="1,2"]\n\n' +
        '[audio mp3="https://files.example/a.mp3"][/audio]\n\n' +
        'A coracle [simple boat].',
    );
    assert.equal(
      converted.markdown,
      '[https://video.example/v/1](https://video.example/v/1)\n\n' +
        '\\[gallery ids="1,2"\\]\n\n' +
        '[audio: https://files.example/a.mp3](https://files.example/a.mp3)\n\n' +
        'A coracle \\[simple boat\\].',
    );
    assert.deepEqual(converted.shortcodesKept, { gallery: 1 });
  });

  it('reads an excerpt as one line of text', () => {
    assert.equal(plainText(' <p>One &amp;\n<b>two</b></p> '), 'One & two');
  });
});
