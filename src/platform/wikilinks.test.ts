import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractWikiLinks } from './wikilinks.ts';

test('every form of wikilink is found, trimmed, in order', () => {
  const links = extractWikiLinks(
    '[[Onboarding/First week]] then [[ Policies | our policies ]],\n' +
      '[[Leave#Parental leave]], [[Leave # Sick leave | when ill]] and ' +
      '[[#See also]].',
  );

  assert.deepEqual(links, [
    { title: 'Onboarding/First week', section: null, label: null },
    { title: 'Policies', section: null, label: 'our policies' },
    { title: 'Leave', section: 'Parental leave', label: null },
    { title: 'Leave', section: 'Sick leave', label: 'when ill' },
    { title: '', section: 'See also', label: null },
  ]);
});

test('titles in any script are kept as written', () => {
  assert.deepEqual(extractWikiLinks('[[Пример/Страница]] [[例|ラベル]]'), [
    { title: 'Пример/Страница', section: null, label: null },
    { title: '例', section: null, label: 'ラベル' },
  ]);
});

test('wikilinks in code spans, code blocks and fences are not links', () => {
  const links = extractWikiLinks(
    '`[[Span]]`\n\n    [[Indented]]\n\n```\n[[Fenced]]\n```\n\n~~~\n[[Tilde]]\n~~~',
  );

  assert.deepEqual(links, []);
});

test('an escaped, empty, unclosed or multi-line wikilink is text', () => {
  const links = extractWikiLinks(
    '\\[[Escaped]] [[]] [[ ]] [[#]] [[|label]] [[Open\nClose]] [[a[b]] [[End',
  );

  assert.deepEqual(links, []);
});

test('a wikilink in an image description is not a link', () => {
  assert.deepEqual(extractWikiLinks('![a [[Photo page]]](/x.png)'), []);
});

test('wikilinks inside lists, tables, quotes and headings are found', () => {
  const links = extractWikiLinks(
    '# About [[A]]\n\n- [[B]]\n\n> [[C]]\n\n| x |\n|---|\n| [[D]] |\n',
  );

  assert.deepEqual(
    links.map((link) => link.title),
    ['A', 'B', 'C', 'D'],
  );
});
