import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { markdownParser } from '../../../platform/markdown/parser.ts';
import { commentToMarkdown, htmlToMarkdown } from './html-markdown.ts';

function md(html: string): string {
  return htmlToMarkdown(html).markdown;
}

describe('converting Stack Exchange HTML to Markdown', () => {
  it('keeps paragraphs, emphasis, inline code and line breaks', () => {
    assert.equal(
      md(
        '<p>Some <em>light</em> and <strong>strong</strong> <code>a`b</code>' +
          '<br>next line</p>\n\n<p>Two &amp; <del>gone</del></p>',
      ),
      'Some *light* and **strong** ``a`b``\\\nnext line\n\nTwo & ~~gone~~',
    );
  });

  it('turns headings, rules and block quotes into their Markdown', () => {
    assert.equal(
      md('<h2>Why #1</h2><hr /><blockquote><p>a</p><p>b</p></blockquote>'),
      '## Why \\#1\n\n---\n\n> a\n>\n> b',
    );
  });

  it('writes tight, loose, numbered and nested lists', () => {
    assert.equal(
      md('<ul><li>one<li>two<ul><li>inner</li></ul></li></ul>'),
      '- one\n- two\n  - inner',
    );
    assert.equal(
      md('<ol start="3"><li><p>a</p><p>b</p></li><li>c</li></ol>'),
      '3. a\n\n   b\n\n4. c',
    );
  });

  it('fences code blocks longer than any backtick run inside, with the language', () => {
    assert.equal(
      md(
        '<pre class="lang-js prettyprint-override"><code>a &lt; b\n```\n</code></pre>',
      ),
      '````js\na < b\n```\n````',
    );
  });

  it('writes links with titles and images as links', () => {
    assert.equal(
      md(
        '<p><a href="https://e.example/a_(b)" title="Say &quot;hi&quot;" ' +
          'rel="nofollow">the *site*</a> ' +
          '<img src="https://i.stack.imgur.com/x.png" alt="a map"></p>',
      ),
      '[the \\*site\\*](<https://e.example/a_(b)> "Say \\"hi\\"") ' +
        '[Image: a map](https://i.stack.imgur.com/x.png)',
    );
  });

  it('escapes text that Markdown would read as syntax', () => {
    assert.equal(
      md('<p>1. not a list [[Wiki]] *x* &amp;amp; a|b</p><p>- no</p>'),
      '1\\. not a list \\[\\[Wiki\\]\\] \\*x\\* \\&amp; a\\|b\n\n\\- no',
    );
  });

  it('keeps unknown elements as text and counts them', () => {
    const converted = htmlToMarkdown(
      '<div><span>a</span></div><div>b<sup>2</sup></div>',
    );
    assert.equal(converted.markdown, 'a\n\nb2');
    assert.deepEqual(converted.keptAsText, { div: 2, span: 1, sup: 1 });
  });
});

describe('hostile HTML comes out inert', () => {
  const hostile =
    '<p onclick="alert(1)">Hi<script>alert("x")</script></p>' +
    '<img src="x" onerror="alert(2)">' +
    '<a href="javascript:alert(3)">click</a> ' +
    '<a href="JaVa&#x09;script:alert(4)">tab</a> ' +
    '<img src="data:text/html,&lt;script&gt;alert(5)&lt;/script&gt;" alt="d">' +
    '<iframe src="https://evil.example"></iframe>' +
    '<style>body{display:none}</style>' +
    '<p>&lt;script&gt;alert(6)&lt;/script&gt;</p>';

  it('leaves no tag, handler or script link in the Markdown', () => {
    const converted = htmlToMarkdown(hostile);
    assert.equal(
      converted.markdown,
      'Hialert("x")\n\n[Image](x)click tab Image: d\n\n' +
        'body{display:none}\n\n\\<script\\>alert(6)\\</script\\>',
    );
    assert.equal(converted.refusedLinks, 3);
    assert.deepEqual(converted.keptAsText, {
      script: 1,
      iframe: 1,
      style: 1,
    });
  });

  // markdown-it alone, before the site's sanitiser: the Markdown itself
  // must be inert, not only the page.
  it('renders to HTML with nothing executable left, even unsanitised', () => {
    const html = markdownParser.render(md(hostile));
    assert.doesNotMatch(html, /<script|<iframe|<style|<img/i);
    assert.doesNotMatch(html, /\son[a-z]+=/i);
    assert.doesNotMatch(html, /javascript:|data:/i);
  });

  it('keeps a comment one line and escapes a block start', () => {
    assert.equal(
      commentToMarkdown('# not a heading\n<b>x</b>\u0000 `c`'),
      '\\# not a heading <b>x</b> `c`',
    );
    assert.equal(commentToMarkdown('> quoted'), '\\> quoted');
    assert.equal(commentToMarkdown('1. first'), '1\\. first');
    const html = markdownParser.render(
      commentToMarkdown('<script>alert(1)</script>'),
    );
    assert.doesNotMatch(html, /<script/);
  });

  it('decodes no reference into a key of Object', () => {
    assert.equal(
      md('<p>&constructor; &#0; &#xD800;</p>'),
      '\\&constructor; \uFFFD \uFFFD',
    );
  });
});

describe('tables, preformatted text and stray breaks', () => {
  it('writes a simple table as a pipe table, escaping a | in a cell', () => {
    const html =
      '<table><tbody><tr><td>The table block</td><td>a|b</td></tr>' +
      '<tr><td></td><td>Cell <em>two</em><br>wrapped</td></tr></tbody></table>';

    const markdown = md(html);

    assert.equal(
      markdown,
      '|  |  |\n| --- | --- |\n| The table block | a\\|b |\n' +
        '|  | Cell *two* wrapped |',
    );
    assert.equal(
      markdownParser.render(markdown).match(/<td>/g)?.length,
      4,
      'four cells, the | inside one of them',
    );
  });

  it('takes a thead row, or a row of th cells, as the header', () => {
    assert.equal(
      md(
        '<table><thead><tr><td>Name</td><td>Role</td></tr></thead>' +
          '<tbody><tr><td>Ann</td></tr></tbody></table>',
      ),
      '| Name | Role |\n| --- | --- |\n| Ann |  |',
    );
    assert.equal(
      md('<table><tr><th>A</th></tr><tr><td>1</td></tr></table>'),
      '| A |\n| --- |\n| 1 |',
    );
  });

  it('writes a table with merged cells or lists as rows of cells', () => {
    assert.equal(
      md(
        '<table><tr><td colspan="2">Both</td></tr>' +
          '<tr><td>1</td><td><ul><li>x</li></ul></td></tr></table>',
      ),
      'Both\n\n1 \\| x',
    );
  });

  it('keeps each line of preformatted text that uses <br>', () => {
    assert.equal(
      md('<pre>Two roads diverged<br>in a yellow wood,<br/>  and I</pre>'),
      '```\nTwo roads diverged\nin a yellow wood,\n  and I\n```',
    );
  });

  it('drops breaks at the start and end of a block', () => {
    assert.equal(
      md(
        '<blockquote><p>Words</p><cite>The Team<br></cite></blockquote>' +
          '<p><br>Lead<br>next<br><br></p><p>a back\\slash<br></p>',
      ),
      '> Words\n>\n> The Team\n\nLead\\\nnext\n\na back\\\\slash',
    );
  });
});
