import sax from 'sax';

// A small, forgiving HTML reader for post bodies: enough to turn what
// Stack Exchange rendered into a tree for the Markdown writer. It never
// executes or outputs anything; it only builds nodes. Tags it does not
// know become elements like any other, for the writer to keep as text.

/** A piece of text, with character references already decoded. */
export interface TextNode {
  type: 'text';
  text: string;
}

/** An element with lower-cased name and attribute names. */
export interface ElementNode {
  type: 'element';
  name: string;
  attributes: Record<string, string>;
  children: HtmlNode[];
}

export type HtmlNode = TextNode | ElementNode;

/** Elements that never have content or a closing tag. */
const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);

/** Elements whose content is text up to their closing tag. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp']);

/** Elements that end an open paragraph, as HTML parsers do. */
const CLOSES_PARAGRAPH = new Set([
  'address',
  'blockquote',
  'div',
  'dl',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'ol',
  'p',
  'pre',
  'table',
  'ul',
]);

/** Reads an HTML fragment into a list of top-level nodes. */
export function parseHtml(html: string): HtmlNode[] {
  const root: ElementNode = element('#root', {});
  const open: ElementNode[] = [root];
  const current = () => open.at(-1) ?? root;
  let at = 0;
  while (at < html.length) {
    const lt = html.indexOf('<', at);
    const textEnd = lt === -1 ? html.length : lt;
    if (textEnd > at) {
      appendText(current(), decodeReferences(html.slice(at, textEnd)));
    }
    if (lt === -1) {
      break;
    }
    const tag = readTag(html, lt);
    if (!tag) {
      appendText(current(), '<');
      at = lt + 1;
      continue;
    }
    at = tag.end;
    if (tag.kind === 'comment') {
      continue;
    }
    if (tag.kind === 'close') {
      const index = open.findLastIndex((node) => node.name === tag.name);
      if (index > 0) {
        open.length = index;
      }
      continue;
    }
    if (CLOSES_PARAGRAPH.has(tag.name) && current().name === 'p') {
      open.pop();
    }
    if (tag.name === 'li') {
      closeOpenItem(open);
    }
    const node = element(tag.name, tag.attributes);
    current().children.push(node);
    if (RAW_TEXT.has(tag.name)) {
      const close = html.toLowerCase().indexOf(`</${tag.name}`, at);
      const end = close === -1 ? html.length : close;
      appendText(node, html.slice(at, end));
      at = close === -1 ? end : html.indexOf('>', close) + 1 || html.length;
    } else if (!VOID.has(tag.name) && !tag.selfClosing) {
      open.push(node);
    }
  }
  return root.children;
}

/** Ends an open list item, up to the nearest list, when a new one starts. */
function closeOpenItem(open: ElementNode[]): void {
  for (let index = open.length - 1; index > 0; index -= 1) {
    const name = open[index]?.name;
    if (name === 'ul' || name === 'ol') {
      return;
    }
    if (name === 'li') {
      open.length = index;
      return;
    }
  }
}

type Tag =
  | { kind: 'comment'; end: number }
  | { kind: 'close'; name: string; end: number }
  | {
      kind: 'open';
      name: string;
      attributes: Record<string, string>;
      selfClosing: boolean;
      end: number;
    };

const NAME = /[A-Za-z][A-Za-z0-9:-]*/y;
const ATTRIBUTE =
  /\s*([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/y;

/** Reads the tag starting at `start` (a `<`), or undefined when it is text. */
function readTag(html: string, start: number): Tag | undefined {
  if (html.startsWith('<!--', start)) {
    const close = html.indexOf('-->', start + 4);
    return { kind: 'comment', end: close === -1 ? html.length : close + 3 };
  }
  if (html.startsWith('<!', start) || html.startsWith('<?', start)) {
    const close = html.indexOf('>', start);
    return { kind: 'comment', end: close === -1 ? html.length : close + 1 };
  }
  const closing = html[start + 1] === '/';
  NAME.lastIndex = start + (closing ? 2 : 1);
  const name = NAME.exec(html)?.[0].toLowerCase();
  if (!name) {
    return undefined;
  }
  let at = NAME.lastIndex;
  const attributes: Record<string, string> = {};
  for (;;) {
    ATTRIBUTE.lastIndex = at;
    const match = ATTRIBUTE.exec(html);
    if (!match?.[1]) {
      break;
    }
    const key = match[1].toLowerCase();
    attributes[key] ??= decodeReferences(
      match[2] ?? match[3] ?? match[4] ?? '',
    );
    at = ATTRIBUTE.lastIndex;
  }
  const close = html.indexOf('>', at);
  if (close === -1) {
    return undefined;
  }
  const selfClosing = html.slice(at, close).trim() === '/';
  if (closing) {
    return { kind: 'close', name, end: close + 1 };
  }
  return { kind: 'open', name, attributes, selfClosing, end: close + 1 };
}

function element(name: string, attributes: Record<string, string>) {
  return { type: 'element', name, attributes, children: [] } as ElementNode;
}

function appendText(parent: ElementNode, text: string): void {
  const last = parent.children.at(-1);
  if (last?.type === 'text') {
    last.text += text;
  } else if (text !== '') {
    parent.children.push({ type: 'text', text });
  }
}

// sax's table of HTML's named references; @types/sax declares it only on
// a parser, where non-strict parsers inherit it through the prototype.
const HTML_ENTITIES = (sax as unknown as { ENTITIES: Record<string, string> })
  .ENTITIES;

/**
 * Decodes `&amp;`, `&#39;`, `&#x27;` and the HTML named references sax
 * knows; an unknown one stays as written. A code point that cannot be
 * text (NUL, a surrogate, beyond Unicode) becomes U+FFFD.
 */
export function decodeReferences(text: string): string {
  return text.replace(
    /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g,
    (whole, decimal?: string, hex?: string, name?: string) => {
      if (name !== undefined) {
        // Own keys only: `&constructor;` must not reach Object's.
        return Object.hasOwn(HTML_ENTITIES, name)
          ? (HTML_ENTITIES[name] ?? whole)
          : whole;
      }
      const code =
        decimal !== undefined ? Number(decimal) : parseInt(hex ?? '', 16);
      const usable =
        code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
      return usable ? String.fromCodePoint(code) : '\uFFFD';
    },
  );
}
