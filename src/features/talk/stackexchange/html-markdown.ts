import { isSafeLinkTarget } from '../../../platform/markdown/links.ts';
import { parseHtml } from './html-tree.ts';
import type { ElementNode, HtmlNode } from './html-tree.ts';

// Turns the HTML of a Stack Exchange post into our Markdown: paragraphs,
// headings, lists, block quotes, code, emphasis, links, and images as
// links. Every other element keeps its content as text and is counted,
// and every character of text that Markdown would read as syntax is
// escaped, so no HTML and no unintended Markdown comes out. A link whose
// target is not http(s), mailto or on this site keeps only its text.

/** A converted body and which elements it kept only as text. */
export interface ConvertedBody {
  markdown: string;
  /** Elements not converted, by name, whose content stayed as text. */
  keptAsText: Record<string, number>;
  /** Links and images whose target was refused (javascript: and such). */
  refusedLinks: number;
}

const HEADINGS: Record<string, string> = {
  h1: '#',
  h2: '##',
  h3: '###',
  h4: '####',
  h5: '#####',
  h6: '######',
};

/** Elements the writer turns into Markdown blocks. */
const BLOCKS = new Set([
  ...Object.keys(HEADINGS),
  'blockquote',
  'hr',
  'li',
  'ol',
  'p',
  'pre',
  'table',
  'ul',
]);

/** Unknown elements that still part blocks from each other. */
const BLOCKISH = new Set([
  'address',
  'article',
  'aside',
  'center',
  'dd',
  'details',
  'div',
  'dl',
  'dt',
  'figure',
  'footer',
  'header',
  'main',
  'nav',
  'script',
  'section',
  'style',
  'summary',
  'td',
  'th',
  'tr',
]);

/** Inline elements converted as they are; others keep their text. */
const EMPHASIS: Record<string, string> = {
  b: '**',
  del: '~~',
  em: '*',
  i: '*',
  s: '~~',
  strike: '~~',
  strong: '**',
};

/** Converts a post body. */
export function htmlToMarkdown(html: string): ConvertedBody {
  const writer = new MarkdownWriter();
  const markdown = writer.blocks(parseHtml(html)).join('\n\n');
  return {
    markdown: withoutControls(markdown).trim(),
    keptAsText: writer.keptAsText,
    refusedLinks: writer.refusedLinks,
  };
}

/**
 * Readies a comment's text. Stack Exchange comments are one line of a
 * small Markdown (emphasis, code, links), which ours reads alike; only a
 * start that ours would take as a block (a heading, list or quote) is
 * escaped, and line breaks become spaces, as the site showed them.
 */
export function commentToMarkdown(text: string): string {
  return guardLineStart(
    withoutControls(text).replace(/\s+/g, ' ').trim().replace(/^[#>]/, '\\$&'),
  );
}

class MarkdownWriter {
  readonly keptAsText: Record<string, number> = {};
  refusedLinks = 0;

  blocks(nodes: HtmlNode[]): string[] {
    const out: string[] = [];
    let run: HtmlNode[] = [];
    const endRun = () => {
      const text = this.paragraph(run);
      if (text !== '') {
        out.push(text);
      }
      run = [];
    };
    for (const node of nodes) {
      const name = node.type === 'element' ? node.name : '';
      if (node.type === 'element' && (BLOCKS.has(name) || BLOCKISH.has(name))) {
        endRun();
        out.push(...this.block(node));
      } else {
        run.push(node);
      }
    }
    endRun();
    return out;
  }

  private block(node: ElementNode): string[] {
    const heading = HEADINGS[node.name];
    if (heading) {
      const text = this.inline(node.children).replace(/\\\n/g, ' ');
      return text.trim() === '' ? [] : [`${heading} ${text.trim()}`];
    }
    switch (node.name) {
      case 'p': {
        const text = this.paragraph(node.children);
        return text === '' ? [] : [text];
      }
      case 'hr':
        return ['---'];
      case 'pre':
        return [this.codeBlock(node)];
      case 'blockquote': {
        const inner = this.blocks(node.children).join('\n\n');
        return inner === '' ? [] : [prefixLines(inner, '> ', '>')];
      }
      case 'ul':
      case 'ol':
        return [this.list(node)];
      case 'li':
        return [this.list({ ...node, name: 'ul', children: [node] })];
      case 'table':
        return this.table(node);
      default:
        this.keep(node.name);
        return this.blocks(node.children);
    }
  }

  private paragraph(nodes: HtmlNode[]): string {
    // A break before or after everything else in a block breaks nothing,
    // and a lone `\` at the end would show as a backslash.
    return this.inline(nodes)
      .replace(/^(?:\\\n|[ \t\n])+|(?:\\\n|[ \t\n])+$/g, '')
      .split('\n')
      .map((line) => guardLineStart(line.trim()))
      .filter((line) => line !== '\\')
      .join('\n')
      .replace(/\n?\\$/, '')
      .trim();
  }

  private inline(nodes: HtmlNode[], inLink = false): string {
    return nodes.map((node) => this.inlineNode(node, inLink)).join('');
  }

  private inlineNode(node: HtmlNode, inLink: boolean): string {
    if (node.type === 'text') {
      return escapeMarkdownText(node.text.replace(/[ \t\n\r\f]+/g, ' '));
    }
    const marker = EMPHASIS[node.name];
    if (marker) {
      return wrap(marker, this.inline(node.children, inLink));
    }
    switch (node.name) {
      case 'br':
        return '\\\n';
      case 'code':
      case 'kbd':
        return inlineCode(textOf(node));
      case 'a':
        return this.link(node, inLink);
      case 'img':
        return this.image(node, inLink);
      default:
        this.keep(node.name);
        return this.inline(node.children, inLink);
    }
  }

  private link(node: ElementNode, inLink: boolean): string {
    const text = this.inline(node.children, true).trim();
    const href = node.attributes.href?.trim() ?? '';
    if (inLink || href === '') {
      return text;
    }
    if (!isSafeLinkTarget(href)) {
      this.refusedLinks += 1;
      return text;
    }
    const title = node.attributes.title?.replace(/\s+/g, ' ').trim();
    const titlePart = title ? ` "${title.replace(/["\\]/g, '\\$&')}"` : '';
    return `[${text || escapeMarkdownText(href)}](${destination(href)}${titlePart})`;
  }

  private image(node: ElementNode, inLink: boolean): string {
    const alt = escapeMarkdownText(
      node.attributes.alt?.replace(/\s+/g, ' ').trim() ?? '',
    );
    const label = alt ? `Image: ${alt}` : 'Image';
    const src = node.attributes.src?.trim() ?? '';
    if (inLink || src === '') {
      return label;
    }
    if (!isSafeLinkTarget(src)) {
      this.refusedLinks += 1;
      return label;
    }
    return `[${label}](${destination(src)})`;
  }

  /**
   * A table as a GFM pipe table: its first row is the header when it is
   * in `thead` or all `th`, else the header is left empty. A table with
   * merged cells or blocks in its cells has no pipe-table form, so each
   * row becomes a paragraph of its cells' text separated by ` | `.
   */
  private table(node: ElementNode): string[] {
    const rows = rowsOf(node);
    const caption = node.children.find(
      (child) => child.type === 'element' && child.name === 'caption',
    );
    const before = caption ? [this.paragraph([caption])] : [];
    if (rows.length === 0) {
      return before.filter((text) => text !== '');
    }
    const cells = rows.map((row) => row.cells);
    const simple = cells.every((row) =>
      row.every(
        (cell) =>
          Number(cell.attributes.colspan ?? 1) <= 1 &&
          Number(cell.attributes.rowspan ?? 1) <= 1 &&
          !hasBlock(cell),
      ),
    );
    const text = (cell: ElementNode) =>
      this.inline(cell.children)
        .replace(/\\\n/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
    if (!simple) {
      const lines = cells
        .map((row) => row.map(text).filter((cell) => cell !== ''))
        .filter((row) => row.length > 0)
        .map((row) => guardLineStart(row.join(' \\| ')));
      return [...before, ...lines].filter((line) => line !== '');
    }
    const width = Math.max(...cells.map((row) => row.length));
    const line = (row: string[]) =>
      `| ${[...row, ...Array<string>(width - row.length).fill('')].join(' | ')} |`;
    const first = rows[0];
    const headed =
      first !== undefined &&
      (first.inHead || first.cells.every((cell) => cell.name === 'th'));
    const header = headed ? (cells[0] ?? []).map(text) : [];
    const body = (headed ? cells.slice(1) : cells).map((row) => row.map(text));
    const table = [
      line(header),
      line(Array<string>(width).fill('---')),
      ...body.map(line),
    ].join('\n');
    return [...before, table].filter((part) => part !== '');
  }

  private codeBlock(node: ElementNode): string {
    const code = preformattedText(node)
      .replace(/^\r?\n/, '')
      .replace(/\s+$/, '');
    const longest = Math.max(
      0,
      ...[...code.matchAll(/`+/g)].map((match) => match[0].length),
    );
    const fence = '`'.repeat(Math.max(3, longest + 1));
    const className = [node, ...node.children]
      .map((child) => (child.type === 'element' ? child.attributes.class : ''))
      .join(' ');
    const language = /\blang(?:uage)?-([A-Za-z0-9_+-]{1,30})\b/.exec(
      className,
    )?.[1];
    return `${fence}${language ?? ''}\n${code}\n${fence}`;
  }

  private list(node: ElementNode): string {
    const items = node.children.filter(
      (child) => child.type === 'element' || child.text.trim() !== '',
    );
    const start = Number.parseInt(node.attributes.start ?? '1', 10);
    let number = Number.isInteger(start) && start >= 0 ? start : 1;
    const rendered = items.map((item) => {
      const children =
        item.type === 'element' && item.name === 'li' ? item.children : [item];
      const blocks = this.blocks(children);
      // As HTML shows them: items are apart only when they hold paragraphs.
      const loose = children.some(
        (child) => child.type === 'element' && child.name === 'p',
      );
      const marker = node.name === 'ol' ? `${number++}.` : '-';
      const indent = ' '.repeat(marker.length + 1);
      const body = blocks.join(loose ? '\n\n' : '\n');
      return {
        loose,
        text: `${marker} ${prefixLines(body, indent, '', true)}`,
      };
    });
    const loose = rendered.some((item) => item.loose);
    return rendered
      .map((item) => item.text.trimEnd())
      .join(loose ? '\n\n' : '\n');
  }

  private keep(name: string): void {
    this.keptAsText[name] = (this.keptAsText[name] ?? 0) + 1;
  }
}

/** A table's rows in order, from its head, bodies and foot. */
function rowsOf(
  table: ElementNode,
): { inHead: boolean; cells: ElementNode[] }[] {
  const rows: { inHead: boolean; cells: ElementNode[] }[] = [];
  const visit = (nodes: HtmlNode[], inHead: boolean) => {
    for (const child of nodes) {
      if (child.type !== 'element') {
        continue;
      }
      if (child.name === 'tr') {
        const cells = child.children.filter(
          (cell): cell is ElementNode =>
            cell.type === 'element' &&
            (cell.name === 'td' || cell.name === 'th'),
        );
        rows.push({ inHead, cells });
      } else if (['thead', 'tbody', 'tfoot'].includes(child.name)) {
        visit(child.children, child.name === 'thead');
      }
    }
  };
  visit(table.children, false);
  return rows.filter((row) => row.cells.length > 0);
}

/** Whether a cell holds something a pipe table cannot: a block. */
function hasBlock(node: ElementNode): boolean {
  return node.children.some(
    (child) =>
      child.type === 'element' &&
      ((BLOCKS.has(child.name) && child.name !== 'p') ||
        BLOCKISH.has(child.name) ||
        (child.name === 'p' &&
          node.children.filter((c) => c.type === 'element' && c.name === 'p')
            .length > 1) ||
        hasBlock(child)),
  );
}

/** The text of preformatted content, where a `<br>` is a new line. */
function preformattedText(node: HtmlNode): string {
  if (node.type === 'text') {
    return node.text;
  }
  if (node.name === 'br') {
    return '\n';
  }
  return node.children.map(preformattedText).join('');
}

/** All the text inside a node, as written (for code). */
function textOf(node: HtmlNode): string {
  if (node.type === 'text') {
    return node.text;
  }
  return node.children.map(textOf).join('');
}

/** Backslash-escapes every character Markdown could read as syntax. */
export function escapeMarkdownText(text: string): string {
  return text
    .replace(/[\\`*_[\]<>#|~]/g, '\\$&')
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&');
}

/** Escapes the start of a line that Markdown would take as a block. */
function guardLineStart(line: string): string {
  return line.replace(/^([-+=])/, '\\$1').replace(/^(\d{1,9})([.)])/, '$1\\$2');
}

/** `**text**`, with outer spaces kept outside the markers. */
function wrap(marker: string, inner: string): string {
  const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner);
  const [, before = '', core = '', after = ''] = match ?? [];
  return core === '' ? inner : `${before}${marker}${core}${marker}${after}`;
}

function inlineCode(text: string): string {
  const code = text.replace(/\s+/g, ' ');
  if (code.trim() === '') {
    return code;
  }
  const longest = Math.max(
    0,
    ...[...code.matchAll(/`+/g)].map((match) => match[0].length),
  );
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(code) ? ' ' : '';
  return `${fence}${pad}${code}${pad}${fence}`;
}

/** A link target Markdown reads back unchanged. */
function destination(url: string): string {
  if (/^[^\s()<>\\]+$/.test(url)) {
    return url;
  }
  return `<${url.replace(/[\s<>\\]/g, (char) => encodeURIComponent(char))}>`;
}

/** Prefixes each line; blank lines get `blank`; `skipFirst` for list items. */
function prefixLines(
  text: string,
  prefix: string,
  blank: string,
  skipFirst = false,
): string {
  return text
    .split('\n')
    .map((line, index) => {
      if (skipFirst && index === 0) {
        return line;
      }
      return line === '' ? blank : `${prefix}${line}`;
    })
    .join('\n');
}

function withoutControls(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
}
