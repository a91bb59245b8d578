import { convertInline, count, plain } from './inline.ts';
import type { ConstructCounts, InlineContext } from './inline.ts';
import type { NamespaceMap } from './namespaces.ts';
import { fenced, Stash, withoutStandIns } from './stash.ts';
import { convertTable } from './tables.ts';
import { replaceTemplates, verbatim } from './templates.ts';

// Wikitext to Markdown, as far as it can be done without running the
// wiki: headings, emphasis, links, lists, simple tables, footnotes. What
// cannot be converted is kept as written in a code span or fenced block
// and counted. The output is plain Markdown with no raw HTML: the site's
// renderer escapes HTML and sanitises what it makes.

export type { ConstructCounts } from './inline.ts';

/** What one revision's text became. */
export interface ConvertedText {
  markdown: string;
  /** Category names, which become the page's tags. */
  tags: string[];
  /** Our title of the redirect's target, for a `#REDIRECT` text. */
  redirectTo?: string;
  counts: ConstructCounts;
}

/** What the converter needs to know about the page. */
export interface ConvertOptions {
  namespaces: NamespaceMap;
  /** Our title of the page being converted. */
  pageTitle: string;
}

const REDIRECT = /^\s*#REDIRECT\s*:?\s*\[\[([^\]|]*)(?:\|[^\]]*)?\]\]/i;

/** Converts one revision's wikitext. */
export function convertWikitext(
  wikitext: string,
  options: ConvertOptions,
): ConvertedText {
  const context: InlineContext = {
    stash: new Stash(),
    namespaces: options.namespaces,
    pageTitle: options.pageTitle,
    counts: {},
    tags: [],
  };
  let text = withoutStandIns(wikitext).replace(/\r\n?/g, '\n');
  let redirectTo: string | undefined;
  const redirect = REDIRECT.exec(text);
  if (redirect) {
    const target = (redirect[1] ?? '').split('#')[0]?.trim() ?? '';
    const resolved = options.namespaces.resolveLink(target.replace(/_/g, ' '));
    redirectTo =
      resolved.kind === 'category'
        ? `Category/${resolved.name}`
        : resolved.title;
    count(context, 'redirect', 'converted');
    text = `Redirect to [[${redirect[1] ?? ''}]]${text.slice(redirect[0].length)}`;
  }

  text = protectLiteralTags(text, context);
  text = text.replace(/<!--[\s\S]*?(?:-->|$)/g, () => {
    count(context, 'comment', 'converted');
    return '';
  });
  text = replaceTemplates(text, context);
  const footnotes: string[] = [];
  text = replaceReferences(text, context, footnotes);
  const blocks = convertBlocks(text.split('\n'), context);
  const body = [
    blocks,
    ...(footnotes.length ? [footnotes.join('\n')] : []),
  ].join('\n\n');
  const markdown = context.stash
    .markdown(body)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return {
    markdown,
    tags: context.tags,
    ...(redirectTo !== undefined ? { redirectTo } : {}),
    counts: context.counts,
  };
}

/** <nowiki>, <pre>, code and maths: their insides are not wikitext. */
function protectLiteralTags(text: string, context: InlineContext): string {
  const { stash } = context;
  return text
    .replace(/<nowiki\s*\/>/gi, '')
    .replace(/<nowiki>([\s\S]*?)<\/nowiki>/gi, (whole, inner: string) => {
      count(context, 'nowiki', 'converted');
      const escaped = decode(inner).replace(/[\\`*_[\]<>~#|'{}=-]/g, '\\$&');
      return stash.put(escaped.replace(/\n/g, ' '), whole);
    })
    .replace(
      /<(pre|syntaxhighlight|source)\b([^>]*)>([\s\S]*?)<\/\1>/gi,
      (whole, tag: string, attributes: string, inner: string) => {
        count(context, 'preformatted', 'converted');
        const lang = /\blang\s*=\s*"?([\w+-]+)/i.exec(attributes)?.[1] ?? '';
        const code = tag.toLowerCase() === 'pre' ? decode(inner) : inner;
        return stash.put(`\n\n${fenced(code, lang)}\n\n`, whole);
      },
    )
    .replace(
      /<(math|chem|score|timeline|graph|hiero)\b[^>]*>[\s\S]*?<\/\1>/gi,
      (whole) => {
        count(context, 'extension tag', 'verbatim');
        return verbatim(whole, context);
      },
    )
    .replace(
      /<gallery\b[^>]*>([\s\S]*?)<\/gallery>/gi,
      (_whole, inner: string) => {
        count(context, 'gallery', 'converted');
        const lines = inner
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line !== '');
        const items = lines.map((line) => {
          const [file, ...caption] = line.split('|');
          const name = (file ?? '').replace(/^[^:]+:/, '');
          const shown = caption.join('|').trim() || name;
          return `* [[File:${name}|${shown}]]`;
        });
        return `\n${items.join('\n')}\n`;
      },
    );
}

/** <ref> becomes a Markdown footnote; <references/> is where they go. */
function replaceReferences(
  text: string,
  context: InlineContext,
  footnotes: string[],
): string {
  const named = new Map<string, number>();
  const note = (name: string | undefined, content: string | undefined) => {
    const known = name === undefined ? undefined : named.get(name);
    if (known !== undefined) {
      if (content && footnotes[known - 1]?.endsWith(': ')) {
        footnotes[known - 1] += plain(content, context);
      }
      return context.stash.put(`[^${known}]`, '<ref/>');
    }
    const number = footnotes.length + 1;
    footnotes.push(`[^${number}]: ${content ? plain(content, context) : ''}`);
    if (name !== undefined) {
      named.set(name, number);
    }
    count(context, 'reference', 'converted');
    return context.stash.put(`[^${number}]`, '<ref>');
  };
  const nameOf = (attributes: string) =>
    /\bname\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s/>]+))/i
      .exec(attributes)
      ?.slice(1)
      .find((value) => value !== undefined);
  return text
    .replace(
      /<ref\b([^>]*?)>([\s\S]*?)<\/ref\s*>/gi,
      (_whole, attributes: string, content: string) =>
        note(nameOf(attributes), content),
    )
    .replace(/<ref\b([^>]*?)\/>/gi, (_whole, attributes: string) =>
      note(nameOf(attributes), undefined),
    )
    .replace(/<references\b[^>]*?(?:\/>|>[\s\S]*?<\/references>)/gi, '');
}

type Block = 'none' | 'paragraph' | 'list' | 'heading' | 'quote' | 'code';

function convertBlocks(lines: string[], context: InlineContext): string {
  const out: string[] = [];
  let last: Block = 'none';
  const emit = (kind: Block, line: string) => {
    if (last !== kind || kind === 'heading') {
      out.push('');
    }
    out.push(line);
    last = kind;
  };
  for (let at = 0; at < lines.length; at += 1) {
    const line = lines[at] ?? '';
    if (/^\s*\{\|/.test(line)) {
      const end = tableEnd(lines, at);
      emit('none', '');
      out.push(convertTable(lines.slice(at, end + 1), context));
      out.push('');
      at = end;
      continue;
    }
    if (line.trim() === '') {
      if (last !== 'none') {
        out.push('');
      }
      last = 'none';
      continue;
    }
    const heading = /^(={1,6})(.+?)\1\s*$/.exec(line);
    if (heading) {
      count(context, 'heading', 'converted');
      const level = heading[1]?.length ?? 1;
      emit(
        'heading',
        `${'#'.repeat(level)} ${plain(heading[2] ?? '', context).trim()}`,
      );
      out.push('');
      last = 'none';
      continue;
    }
    if (/^-{4,}\s*$/.test(line)) {
      count(context, 'horizontal rule', 'converted');
      emit('none', '---');
      out.push('');
      continue;
    }
    const list = /^([*#:;]+)\s*(.*)$/.exec(line);
    if (list) {
      emit(
        listKind(list[1] ?? ''),
        listLine(list[1] ?? '', list[2] ?? '', context),
      );
      continue;
    }
    if (line.startsWith(' ')) {
      const block: string[] = [];
      while (at < lines.length && (lines[at] ?? '').startsWith(' ')) {
        block.push((lines[at] ?? '').slice(1));
        at += 1;
      }
      at -= 1;
      count(context, 'preformatted', 'converted');
      const code = context.stash.original(block.join('\n'));
      emit('code', fenced(code));
      out.push('');
      last = 'none';
      continue;
    }
    emit('paragraph', paragraphLine(convertInline(line, context)));
  }
  return out.join('\n');
}

function tableEnd(lines: string[], start: number): number {
  let depth = 0;
  for (let at = start; at < lines.length; at += 1) {
    const line = (lines[at] ?? '').trim();
    if (line.startsWith('{|')) {
      depth += 1;
    } else if (line.startsWith('|}')) {
      depth -= 1;
      if (depth === 0) {
        return at;
      }
    }
  }
  return lines.length - 1;
}

function listKind(prefix: string): Block {
  return /^[:]+$/.test(prefix) ? 'quote' : 'list';
}

/**
 * One line of a wikitext list. `*` and `#` nest as Markdown lists do,
 * indented under their parent's marker; `;term` is a bold term and a
 * line of only `:` (talk-page indenting) a quote, one level per colon.
 */
function listLine(
  prefix: string,
  rest: string,
  context: InlineContext,
): string {
  count(context, 'list', 'converted');
  if (/^:+$/.test(prefix)) {
    return `${'> '.repeat(prefix.length)}${paragraphLine(convertInline(rest, context))}`;
  }
  let indent = '';
  for (const marker of prefix.slice(0, -1)) {
    indent += marker === '#' ? '   ' : '  ';
  }
  const last = prefix.at(-1);
  if (last === ';') {
    const split = splitDefinition(rest);
    const term = `**${plain(split.term, context).trim()}**`;
    const definition = split.definition
      ? ` — ${convertInline(split.definition, context)}`
      : '';
    return `${indent}${term}${definition}`;
  }
  if (last === ':') {
    return `${indent}${convertInline(rest, context)}`;
  }
  const marker = last === '#' ? '1.' : '-';
  return `${indent}${marker} ${convertInline(rest, context)}`;
}

function splitDefinition(text: string): { term: string; definition: string } {
  let depth = 0;
  for (let at = 0; at < text.length; at += 1) {
    if (text.startsWith('[[', at) || text.startsWith('[', at)) {
      depth += 1;
    } else if (text[at] === ']') {
      depth = Math.max(0, depth - 1);
    } else if (
      text[at] === ':' &&
      depth === 0 &&
      !text.startsWith('//', at + 1)
    ) {
      return { term: text.slice(0, at), definition: text.slice(at + 1).trim() };
    }
  }
  return { term: text, definition: '' };
}

/** A paragraph line that Markdown must not read as a block marker. */
function paragraphLine(markdown: string): string {
  return markdown
    .replace(/^(\s*)([#>+=|-])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])(\s)/, '$1\\$2$3');
}

function decode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}
