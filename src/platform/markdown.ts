import sanitizeHtml from 'sanitize-html';
import { markdownParser } from './markdown/parser.ts';
import { SANITIZE } from './markdown/sanitize.ts';
import type {
  RenderEnv,
  WikiLinkResolver,
} from './markdown/wikilink-render.ts';

// Raw HTML in Markdown is shown as text (html: false); links may only use
// http, https or mailto, or stay on this site. Whatever markdown-it makes is
// then passed through an allow-list as a second, independent barrier: a
// mistake in one layer must not be enough to run script.

export { isSafeLinkTarget } from './markdown/links.ts';
export type { WikiLinkResolver } from './markdown/wikilink-render.ts';

/** How renderMarkdown treats what only some pages have. */
export interface RenderOptions {
  /** Renders `[[wikilinks]]` as links; without it they are plain text. */
  wikiLinks?: WikiLinkResolver;
}

/** Renders user Markdown to HTML that is safe to put in a page as it is. */
export function renderMarkdown(
  source: string,
  options: RenderOptions = {},
): string {
  const env: RenderEnv =
    options.wikiLinks === undefined ? {} : { wikiLinks: options.wikiLinks };
  return sanitizeHtml(markdownParser.render(source, env), SANITIZE);
}
