import assert from 'node:assert/strict';
import { it } from 'node:test';
import sax from 'sax';
import { escapeXml, latestOf, renderAtom } from './atom.ts';
import type { AtomFeed } from './atom.ts';

// The Atom writer on its own: what it escapes, what it drops, and that
// what it writes is XML a strict parser reads back unchanged.

/** The text of every element named `name`, as a strict parser reads it. */
function textsOf(xml: string, name: string): string[] {
  const parser = sax.parser(true);
  const texts: string[] = [];
  let inside = false;
  parser.onopentag = (tag) => {
    inside = tag.name === name;
    if (inside) {
      texts.push('');
    }
  };
  parser.onclosetag = () => {
    inside = false;
  };
  parser.ontext = (text) => {
    if (inside) {
      texts[texts.length - 1] += text;
    }
  };
  parser.write(xml).close();
  return texts;
}

function feedWith(title: string, html: string): AtomFeed {
  return {
    id: 'https://intranet.example/talk/latest',
    title: 'Latest',
    updated: '2026-12-04T10:00:00.000Z',
    self: 'https://intranet.example/talk/latest.atom?a=1&b=2',
    alternate: 'https://intranet.example/talk/latest',
    entries: [
      {
        id: 'https://intranet.example/talk/posts/7',
        title,
        updated: '2026-12-04T10:00:00Z',
        published: '2026-12-04T09:00:00.000Z',
        authorName: 'Ada "A" <Lovelace>',
        link: 'https://intranet.example/talk/posts/7',
        html,
      },
    ],
  };
}

it('escapes the five XML specials and a carriage return', () => {
  assert.equal(
    escapeXml(`a & b < c > d "e" 'f'\r\n`),
    'a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;&#13;\n',
  );
});

it('drops characters XML 1.0 forbids and keeps tabs, newlines and emoji', () => {
  assert.equal(
    escapeXml('a\u0000b\u0007c\u001Bd\uFFFEe\uFFFFf\uD800g\th\ni😀'),
    'abcdefg\th\ni😀',
  );
});

it('writes a feed a strict parser reads back to the same title and html', () => {
  const title = 'Q&A: </title><script>alert(1)</script> \u0001';
  const html = '<p>1 &lt; 2 &amp; <a href="x?a=1&amp;b=2">x</a></p>';
  const xml = renderAtom(feedWith(title, html));

  assert.deepEqual(textsOf(xml, 'title'), [
    'Latest',
    'Q&A: </title><script>alert(1)</script> ',
  ]);
  assert.deepEqual(textsOf(xml, 'content'), [html]);
  assert.deepEqual(textsOf(xml, 'name'), ['Ada "A" <Lovelace>']);
  assert.deepEqual(textsOf(xml, 'updated'), [
    '2026-12-04T10:00:00.000Z',
    '2026-12-04T10:00:00.000Z',
  ]);
  assert.match(
    xml,
    /<link rel="self" href="https:\/\/intranet\.example\/talk\/latest\.atom\?a=1&amp;b=2"\/>/,
  );
});

it('takes the latest of some times, or the fallback when none is later', () => {
  assert.equal(
    latestOf(['2026-01-02T00:00:00Z', '2026-03-01T00:00:00Z'], '2025-01-01'),
    '2026-03-01T00:00:00Z',
  );
  assert.equal(
    latestOf([], '1970-01-01T00:00:00.000Z'),
    '1970-01-01T00:00:00.000Z',
  );
});

it('writes every author, the tags as categories and a plain summary', () => {
  const feed = feedWith('Budget', '<p>Body</p>');
  const [entry] = feed.entries;
  assert.ok(entry);
  feed.entries = [
    {
      ...entry,
      coAuthorNames: ['Bea', 'Cy'],
      categories: ['hr', 'pay & grading'],
      summary: 'Bands <b>C</b>',
    },
  ];
  const xml = renderAtom(feed);

  assert.deepEqual(textsOf(xml, 'name'), ['Ada "A" <Lovelace>', 'Bea', 'Cy']);
  assert.deepEqual(textsOf(xml, 'summary'), ['Bands <b>C</b>']);
  assert.match(xml, /<summary type="text">Bands &lt;b&gt;C&lt;\/b&gt;</);
  assert.match(
    xml,
    /<category term="hr"\/>\n\s+<category term="pay &amp; grading"\/>/,
  );
});

it('leaves out published and summary when an entry has none', () => {
  const feed = feedWith('Budget', '<p>Body</p>');
  const [entry] = feed.entries;
  assert.ok(entry);
  const { published: _published, ...rest } = entry;
  feed.entries = [rest];
  const xml = renderAtom(feed);

  assert.deepEqual(textsOf(xml, 'published'), []);
  assert.deepEqual(textsOf(xml, 'summary'), []);
  assert.deepEqual(textsOf(xml, 'category'), []);
});
