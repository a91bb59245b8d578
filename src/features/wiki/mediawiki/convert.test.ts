import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { convertWikitext } from './convert.ts';
import { NamespaceMap } from './namespaces.ts';

const namespaces = new NamespaceMap([
  { key: 0, case: 'first-letter', name: '' },
  { key: 1, case: 'first-letter', name: 'Talk' },
  { key: 6, case: 'first-letter', name: 'File' },
  { key: 10, case: 'first-letter', name: 'Taiss' },
  { key: 14, case: 'first-letter', name: 'Kategoreja' },
]);

function md(wikitext: string, pageTitle = 'Pyrus'): string {
  return convertWikitext(wikitext, { namespaces, pageTitle }).markdown;
}

describe('wikitext to Markdown', () => {
  test('headings, bold and italic', () => {
    assert.equal(md('== History =='), '## History');
    assert.equal(md("=== A ''b'' ==="), '### A *b*');
    assert.equal(
      md("'''Pyrus''' is a ''genus'' and '''''both'''''"),
      '**Pyrus** is a *genus* and ***both***',
    );
  });

  test('internal links keep our wikilink syntax, mapped through namespaces', () => {
    assert.equal(
      md('See [[Pear]], [[Apple|apples]], [[Fruit#Kinds]] and [[dog]]s.'),
      'See [[Pear]], [[Apple|apples]], [[Fruit#Kinds]] and [[dog|dogs]].',
    );
    assert.equal(md('[[Taiss:Place]]'), '[[Template/Place|Taiss:Place]]');
    assert.equal(md('[[Talk:Pear|talk]]'), '[[Pear/Talk|talk]]');
    assert.equal(md('[[/Sub|sub]]'), '[[Pyrus/Sub|sub]]');
  });

  test('external links and bare URLs', () => {
    assert.equal(
      md('[http://example.org/x a label] and https://example.com/a.'),
      '[a label](http://example.org/x) and <https://example.com/a>.',
    );
  });

  test('nested lists, definitions and indents', () => {
    assert.equal(
      md('* one\n** two\n# first\n#* nested\n;Term:Meaning\n: indented'),
      [
        '- one',
        '  - two',
        '1. first',
        '   - nested',
        '**Term** — Meaning',
        '',
        '> indented',
      ].join('\n'),
    );
  });

  test('a simple table becomes a Markdown table', () => {
    const table = '{| class="wikitable"\n! A !! B\n|-\n| 1 || [[X|y]]\n|}';
    assert.equal(md(table), '| A | B |\n| --- | --- |\n| 1 | [[X\\|y]] |');
  });

  test('a table with merged cells is kept as written and counted', () => {
    const table = '{|\n| colspan="2" | wide\n|}';
    const result = convertWikitext(table, { namespaces, pageTitle: 'T' });
    assert.equal(result.markdown, '```wikitext\n' + table + '\n```');
    assert.deepEqual(result.counts.table, { converted: 0, verbatim: 1 });
  });

  test('references become footnotes, a named one reused', () => {
    assert.equal(
      md(
        'A<ref>See [[Source]]</ref> b<ref name="n">Named</ref> c<ref name="n" />',
      ),
      'A[^1] b[^2] c[^2]\n\n[^1]: See [[Source]]\n[^2]: Named',
    );
  });

  test('files become links and categories become tags', () => {
    const result = convertWikitext(
      '[[File:Pear.jpg|thumb|A pear]] text [[Kategoreja:Fruit]][[Category:Trees|P]]',
      { namespaces, pageTitle: 'Pyrus' },
    );
    assert.equal(result.markdown, '[[File/Pear.jpg|File: A pear]] text');
    assert.deepEqual(result.tags, ['Fruit', 'Trees']);
  });

  test('a template becomes a visible placeholder linking its page', () => {
    assert.equal(
      md('{{Infobox place|name=Pear|big}}'),
      '[[Template/Infobox place|Template: Infobox place]] `(name=Pear, big)`',
    );
    assert.equal(md('{{Stub}}'), '[[Template/Stub|Template: Stub]]');
  });

  test('parser functions, magic words and parameters stay as written', () => {
    const result = convertWikitext(
      '{{#if:{{{1|}}}|yes|no}} {{PAGENAME}} __NOTOC__',
      { namespaces, pageTitle: 'Pyrus' },
    );
    assert.equal(
      result.markdown,
      '`{{#if:{{{1|}}}|yes|no}}` `{{PAGENAME}}` `__NOTOC__`',
    );
    assert.deepEqual(result.counts['parser function'], {
      converted: 0,
      verbatim: 1,
    });
  });

  test('a template over several lines is kept in a fenced block', () => {
    assert.equal(
      md('{{#switch:x\n|a=1\n}}'),
      '```wikitext\n{{#switch:x\n|a=1\n}}\n```',
    );
  });

  test('a redirect names its target in our titles', () => {
    const result = convertWikitext('#REDIRECT [[Taiss:Pear]]', {
      namespaces,
      pageTitle: 'Pyrus',
    });
    assert.equal(result.redirectTo, 'Template/Pear');
    assert.equal(result.markdown, 'Redirect to [[Template/Pear|Taiss:Pear]]');
  });

  test('raw HTML never comes out as HTML', () => {
    const out = md(
      '<script>alert(1)</script> <img src=x onerror=alert(1)> <b>ok</b> <!-- gone -->',
    );
    assert.equal(
      out,
      '\\<script\\>alert(1)\\</script\\> \\<img src=x onerror=alert(1)\\> **ok**',
    );
  });

  test('Markdown characters in text stay text', () => {
    assert.equal(md('1 * 2 * 3 and a_b'), '1 \\* 2 \\* 3 and a\\_b');
    assert.equal(md('# not a heading'), '1. not a heading');
    assert.equal(md('> not a quote'), '\\> not a quote');
  });

  test('nowiki and pre keep their insides literal', () => {
    assert.equal(md("<nowiki>''x''</nowiki>"), "\\'\\'x\\'\\'");
    assert.equal(md('<pre>a  <b>\n b</pre>'), '```\na  <b>\n b\n```');
  });

  test('leading-space lines become a code block', () => {
    assert.equal(
      md('text\n code here\n more'),
      'text\n\n```\ncode here\nmore\n```',
    );
  });
});
