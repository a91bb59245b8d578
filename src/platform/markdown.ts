import sanitizeHtml from 'sanitize-html';
import { markdownParser } from './markdown/parser.ts';
import { SANITIZE } from './markdown/sanitize.ts';
import { SizedCache } from './sized-cache.ts';
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

// Without wikilinks the HTML depends on the text alone, so it is kept
// per process under the text: parsing and sanitising the twenty posts of
// a thread page again on every view was most of the page's time.
const rendered = new SizedCache<string>(64 * 2 ** 20);

/** Renders user Markdown to HTML that is safe to put in a page as it is. */
export function renderMarkdown(
  source: string,
  options: RenderOptions = {},
): string {
  if (options.wikiLinks !== undefined) {
    const env: RenderEnv = { wikiLinks: options.wikiLinks };
    return sanitizeHtml(markdownParser.render(source, env), SANITIZE);
  }
  const found = rendered.get(source);
  if (found !== undefined) {
    return found;
  }
  const html = sanitizeHtml(markdownParser.render(source, {}), SANITIZE);
  // Two bytes a UTF-16 code unit, key and value.
  rendered.set(source, html, (source.length + html.length) * 2);
  return html;
}
