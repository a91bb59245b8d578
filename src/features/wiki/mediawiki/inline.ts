import type { NamespaceMap } from './namespaces.ts';
import { codeSpan } from './stash.ts';
import type { Stash } from './stash.ts';

// Wikitext within one line: links, emphasis, inline HTML tags. Every
// piece that becomes Markdown is set aside in the stash; what is left is
// plain text, escaped so that Markdown reads it as text.

/** How often each construct was converted or kept as written. */
export type ConstructCounts = Record<
  string,
  { converted: number; verbatim: number }
>;

/** What the inline converter needs from the page being converted. */
export interface InlineContext {
  stash: Stash;
  namespaces: NamespaceMap;
  /** Our title of the page, for `[[#Section]]` and `[[/Subpage]]`. */
  pageTitle: string;
  counts: ConstructCounts;
  /** Category names met, in order; they become the page's tags. */
  tags: string[];
}

export function count(
  context: InlineContext,
  construct: string,
  outcome: 'converted' | 'verbatim',
): void {
  const entry = (context.counts[construct] ??= { converted: 0, verbatim: 0 });
  entry[outcome] += 1;
}

const URL_SCHEMES = '(?:https?|ftp|ftps|mailto|news|irc|ircs):';
const EXTERNAL = new RegExp(
  `\\[((?:${URL_SCHEMES}|//)[^\\s\\]<>"]+)(?:\\s+([^\\]]*))?\\]`,
  'g',
);
const BARE_URL = /\b(?:https?|ftp):\/\/[^\s<>[\]"{}|\\^`\uE000]+/g;
const INNER_LINK = /\[\[([^[\]]+)\]\]([a-z]*)/g;
const STRIPPED_TAGS =
  /<\/?(?:span|font|small|big|center|div|p|u|ins|sup|sub|abbr|cite|blockquote|poem|noinclude|includeonly|onlyinclude|section|mark|var|kbd|samp|q|dfn|bdi|bdo)\b[^>]*>/gi;

/** Converts one line (or one table cell) of wikitext to Markdown. */
export function convertInline(line: string, context: InlineContext): string {
  const { stash } = context;
  let text = line;

  text = text.replace(/__[A-Z]+__/g, (word) => {
    count(context, 'magic word', 'verbatim');
    return stash.put(codeSpan(word), word);
  });
  for (let pass = 0; pass < 5; pass += 1) {
    const before = text;
    text = text.replace(INNER_LINK, (whole, inner: string, trail: string) =>
      stash.put(internalLink(inner, trail, context), whole),
    );
    if (text === before) {
      break;
    }
  }
  text = text.replace(EXTERNAL, (whole, url: string, label?: string) => {
    count(context, 'external link', 'converted');
    const shown = label?.trim() ? plain(label.trim(), context) : escape(url);
    return stash.put(`[${shown}](${destination(url)})`, whole);
  });
  text = text.replace(BARE_URL, (whole) => {
    const url = whole.replace(/[.,;:!?)'"]+$/, '');
    count(context, 'bare URL', 'converted');
    return stash.put(`<${url}>`, url) + whole.slice(url.length);
  });
  text = htmlTags(text, context);
  return emphasis(escape(text), context);
}

/** Converts text that must end up on one line, as a label or a cell. */
export function plain(text: string, context: InlineContext): string {
  return convertInline(text.replace(/\s+/g, ' '), context);
}

function internalLink(
  inner: string,
  trail: string,
  context: InlineContext,
): string {
  const bar = inner.indexOf('|');
  const target = (bar < 0 ? inner : inner.slice(0, bar)).trim();
  const label = bar < 0 ? undefined : inner.slice(bar + 1);
  const hash = target.indexOf('#');
  const page = (hash < 0 ? target : target.slice(0, hash)).trim();
  const section = hash < 0 ? '' : target.slice(hash + 1).trim();
  const resolved = context.namespaces.resolveLink(page.replace(/_/g, ' '));

  if (resolved.kind === 'category') {
    count(context, 'category', 'converted');
    const name = resolved.name.trim();
    if (name && !context.tags.includes(name)) {
      context.tags.push(name);
    }
    return '';
  }
  if (resolved.kind === 'file') {
    count(context, 'file', 'converted');
    const options = label?.split('|') ?? [];
    const caption = options.at(-1)?.trim();
    const shown =
      caption && !isImageOption(caption) ? caption : resolved.name.trim();
    return `[[${resolved.title}|${plain(`File: ${shown}`, context)}]]`;
  }
  count(context, 'internal link', 'converted');
  let title = resolved.title;
  if (page === '') {
    title = context.pageTitle;
  } else if (page.startsWith('/')) {
    title = `${context.pageTitle}${page.replace(/\/$/, '')}`;
  } else if (page.startsWith('../')) {
    title = resolveRelative(context.pageTitle, page);
  }
  const link = section ? `${title}#${section}` : title;
  const written =
    (label === undefined || label.trim() === ''
      ? target.replace(/^:/, '')
      : label) + trail;
  const shown = plain(written, context);
  if (/[[\]|{}<>]/.test(link) || link.includes('\n')) {
    return shown;
  }
  return shown === link ? `[[${link}]]` : `[[${link}|${shown}]]`;
}

function resolveRelative(base: string, page: string): string {
  const parts = base.split('/');
  let rest = page;
  while (rest.startsWith('../')) {
    parts.pop();
    rest = rest.slice(3);
  }
  return [...parts, ...(rest ? [rest.replace(/\/$/, '')] : [])].join('/');
}

function isImageOption(option: string): boolean {
  return /^(?:thumb|thumbnail|frame|frameless|border|left|right|center|none|upright(?:[= ]?[\d.]+)?|\d*x?\d+px|link=.*|alt=.*|page=.*|class=.*|baseline|middle|sub|super|top|text-top|bottom|text-bottom)$/i.test(
    option,
  );
}

/** A link destination Markdown reads whole: spaces and brackets escaped. */
function destination(url: string): string {
  return url.replace(/[\s()<>\\]/g, (c) => encodeURIComponent(c));
}

function htmlTags(text: string, context: InlineContext): string {
  const { stash } = context;
  return text
    .replace(/<br\s*\/?>/gi, () => {
      count(context, 'html tag', 'converted');
      return stash.put('\\\n', '<br>');
    })
    .replace(/<(code|tt)>([\s\S]*?)<\/\1>/gi, (whole, _tag, inner: string) => {
      count(context, 'html tag', 'converted');
      return stash.put(codeSpan(stash.original(inner)), whole);
    })
    .replace(
      /<(b|strong)>([\s\S]*?)<\/\1>/gi,
      (_whole, _tag, inner: string) => {
        count(context, 'html tag', 'converted');
        return `'''${inner}'''`;
      },
    )
    .replace(
      /<(i|em|var)>([\s\S]*?)<\/\1>/gi,
      (_whole, _tag, inner: string) => {
        count(context, 'html tag', 'converted');
        return `''${inner}''`;
      },
    )
    .replace(
      /<(s|del|strike)>([\s\S]*?)<\/\1>/gi,
      (whole, _tag, inner: string) => {
        count(context, 'html tag', 'converted');
        return stash.put(`~~${convertInline(inner, context)}~~`, whole);
      },
    )
    .replace(STRIPPED_TAGS, () => {
      count(context, 'html tag', 'converted');
      return '';
    })
    .replace(/<\/?[a-zA-Z][^>]*>/g, (tag) => {
      // Any other tag stays visible as text: escaped below, never HTML.
      count(context, 'html tag', 'verbatim');
      return tag;
    });
}

/** Escapes what Markdown would read as markup; apostrophes stay. */
function escape(text: string): string {
  return text.replace(/[\\`*_[\]<>~]/g, '\\$&');
}

/**
 * MediaWiki's '' and ''' to Markdown's * and **. The markers go outside
 * any spaces they enclose, which CommonMark would not read as emphasis.
 */
function emphasis(text: string, context: InlineContext): string {
  const wrap =
    (marker: string, construct: string) => (_: string, inner: string) => {
      count(context, construct, 'converted');
      const lead = /^\s*/.exec(inner)?.[0] ?? '';
      const tail = /\s*$/.exec(inner)?.[0] ?? '';
      const core = inner.trim();
      return core ? `${lead}${marker}${core}${marker}${tail}` : inner;
    };
  return text
    .replace(/'''''(.+?)'''''/g, wrap('***', 'bold italic'))
    .replace(/'''(.+?)'''/g, wrap('**', 'bold'))
    .replace(/''(.+?)''/g, wrap('*', 'italic'));
}
