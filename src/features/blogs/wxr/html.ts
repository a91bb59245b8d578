import { htmlToMarkdown } from '../../talk/stackexchange/html-markdown.ts';
import {
  decodeReferences,
  parseHtml,
} from '../../talk/stackexchange/html-tree.ts';
import type { HtmlNode } from '../../talk/stackexchange/html-tree.ts';

// WordPress stores a post as HTML that its themes finish at display time:
// blank lines part paragraphs and single line ends are breaks (wpautop),
// and shortcodes such as [caption] become markup. This pre-pass does the
// same before the shared HTML-to-Markdown writer runs. Block editor posts
// (`<!-- wp:… -->`) are already whole HTML, as WordPress skips wpautop
// for them.

/** A converted body, and the shortcodes left as they were written. */
export interface ConvertedPost {
  markdown: string;
  /** Shortcodes with no Markdown form, kept as text, by name. */
  shortcodesKept: Record<string, number>;
}

const BLOCK_NAMES = (
  'address article aside blockquote dd details div dl dt figcaption ' +
  'figure footer form h[1-6] header hr li main nav ol p pre section table ' +
  'tbody td tfoot th thead tr ul'
).split(' ');
const BLOCK_TAG = new RegExp(`</?(?:${BLOCK_NAMES.join('|')})\\b`, 'i');

/** Converts a post, page or comment body to Markdown. */
export function wordPressToMarkdown(html: string): ConvertedPost {
  const shortcodesKept: Record<string, number> = {};
  const expanded = expandShortcodes(html, shortcodesKept);
  const paragraphed = /<!--\s*wp:/.test(expanded)
    ? expanded
    : autoParagraphs(expanded);
  const { markdown } = htmlToMarkdown(guardSpaces(paragraphed));
  return { markdown: unguardSpaces(markdown), shortcodesKept };
}

// Characters JavaScript's trim() removes but HTML keeps as text: the
// shared writer trims each line, which would drop a no-break space or a
// BOM at a paragraph's end. They travel through it as private-use
// stand-ins from the top of Unicode and are put back afterwards.
const TRIMMED_BY_JAVASCRIPT = [
  0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007,
  0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
];
const STAND_IN_BASE = 0x10ff00;

function guardSpaces(html: string): string {
  return html
    .replace(
      /&(?:#[xX]([0-9a-fA-F]{1,6})|#(\d{1,7})|(nbsp));/g,
      (whole, hex?: string, decimal?: string, nbsp?: string) => {
        const code = nbsp ? 0xa0 : hex ? parseInt(hex, 16) : Number(decimal);
        return TRIMMED_BY_JAVASCRIPT.includes(code)
          ? String.fromCodePoint(code)
          : whole;
      },
    )
    .replace(
      /[\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF]/g,
      (char) =>
        String.fromCodePoint(
          STAND_IN_BASE + TRIMMED_BY_JAVASCRIPT.indexOf(char.charCodeAt(0)),
        ),
    );
}

function unguardSpaces(markdown: string): string {
  return markdown.replace(/[\u{10FF00}-\u{10FF12}]/gu, (char) =>
    String.fromCodePoint(
      TRIMMED_BY_JAVASCRIPT[(char.codePointAt(0) ?? 0) - STAND_IN_BASE] ??
        0xfffd,
    ),
  );
}

/** The text of an HTML fragment on one line, such as an excerpt. */
export function plainText(html: string): string {
  const text = textOf(parseHtml(html));
  return text.replace(/[ \t\n\r\f]+/g, ' ').trim();
}

function textOf(nodes: HtmlNode[]): string {
  return nodes
    .map((node) =>
      node.type === 'text' ? node.text : ` ${textOf(node.children)} `,
    )
    .join('');
}

/**
 * Blank lines part paragraphs and a single line end is a break, as
 * WordPress shows classic posts. A stretch that holds block markup is
 * left alone, and so is everything inside <pre>.
 */
export function autoParagraphs(html: string): string {
  const kept: string[] = [];
  const guarded = html.replace(/<pre\b[\s\S]*?<\/pre>/gi, (pre) => {
    kept.push(pre);
    return `\u0000${kept.length - 1}\u0000`;
  });
  return guarded
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((stretch) => stretch.trim())
    .filter((stretch) => stretch !== '')
    .map((stretch) =>
      BLOCK_TAG.test(stretch) || /^\u0000\d+\u0000$/.test(stretch)
        ? stretch
        : `<p>${stretch.replace(/\n/g, '<br>\n')}</p>`,
    )
    .join('\n')
    .replace(
      /\u0000(\d+)\u0000/g,
      (_, index: string) => kept[Number(index)] ?? '',
    );
}

const SHORTCODE =
  /\[(caption|wp_caption|embed|audio|video)\b([^\]]*)\](?:([\s\S]*?)\[\/\1\])?/gi;

const MEDIA_ATTRIBUTES = ['src', 'mp3', 'm4a', 'ogg', 'wav', 'mp4', 'webm'];

/**
 * Turns the shortcodes that carry content into HTML: a caption into the
 * image and its text, an embed or media file into a link. Any other
 * `[name …]` stays as written, and is counted.
 */
function expandShortcodes(html: string, kept: Record<string, number>) {
  const expanded = html.replace(
    SHORTCODE,
    (whole, name: string, attributeText: string, inner?: string) => {
      const attributes = readAttributes(attributeText);
      const kind = name.toLowerCase();
      if (kind === 'caption' || kind === 'wp_caption') {
        return captioned(inner ?? '', attributes.caption);
      }
      const url =
        kind === 'embed'
          ? (inner ?? '').trim()
          : MEDIA_ATTRIBUTES.map((key) => attributes[key]).find(Boolean);
      if (!url) {
        return whole;
      }
      const label = kind === 'embed' ? url : `${kind}: ${url}`;
      return `<p><a href="${escapeAttribute(url)}">${escapeText(label)}</a></p>`;
    },
  );
  // `[name]`, `[name /]` or `[name key=…`: "[simple boat]" is prose.
  const shortcode = /\[([a-z][\w-]*)(?=\s*\/?\]|\s+[\w-]+\s*=)/gi;
  for (const match of expanded.matchAll(shortcode)) {
    const name = (match[1] ?? '').toLowerCase();
    kept[name] = (kept[name] ?? 0) + 1;
  }
  return expanded;
}

/** The image of a [caption] (perhaps in a link), then its text. */
function captioned(inner: string, attribute?: string): string {
  const image = /^\s*(?:<a\b[^>]*>\s*<img\b[^>]*>\s*<\/a>|<img\b[^>]*>)/i.exec(
    inner,
  );
  if (!image) {
    return `<p>${attribute ?? inner}</p>`;
  }
  const caption = attribute ?? inner.slice(image[0].length).trim();
  return `<div>${image[0]}</div><p>${caption}</p>`;
}

/** `id="x" align='y' width=3` as a record; names lower-cased. */
function readAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  const pattern = /([A-Za-z_][\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))/g;
  for (const match of text.matchAll(pattern)) {
    const key = (match[1] ?? '').toLowerCase();
    attributes[key] = decodeReferences(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attributes;
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}
