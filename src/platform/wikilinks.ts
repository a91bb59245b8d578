import type { Token } from 'markdown-it';
import { markdownParser } from './markdown/parser.ts';
import { tokenWikiLink } from './markdown/wikilink-rule.ts';

export { sectionId } from './markdown/heading-ids.ts';

/** A link to a wiki page written as `[[Title#Section|label]]`. */
export interface WikiLink {
  /** The page title as written, trimmed; '' for a section of this page. */
  title: string;
  /** The heading text after `#`, trimmed, or null. */
  section: string | null;
  /** The text after `|`, trimmed, or null when the link has none. */
  label: string | null;
}

/**
 * The wikilinks in a Markdown text, in order, ignoring those in code spans
 * and code blocks. It runs the same parser as renderMarkdown, so what counts
 * as a link here is exactly what renders as one.
 */
export function extractWikiLinks(markdown: string): WikiLink[] {
  return collect(markdownParser.parse(markdown, {}), []);
}

function collect(tokens: Token[], links: WikiLink[]): WikiLink[] {
  for (const token of tokens) {
    const link = tokenWikiLink(token);
    if (link !== null) {
      links.push(link);
    } else if (token.children) {
      collect(token.children, links);
    }
  }
  return links;
}

/** The text a wikilink shows: its label, or its target as written. */
export function wikiLinkText(link: WikiLink): string {
  if (link.label !== null) {
    return link.label;
  }
  return link.section === null ? link.title : `${link.title}#${link.section}`;
}
