import MarkdownIt from 'markdown-it';
import { isSafeLinkTarget } from './links.ts';
import { wikiLinkPlugin } from './wikilink-rule.ts';

/**
 * The one markdown-it parser behind renderMarkdown and extractWikiLinks.
 * Raw HTML in Markdown is shown as text (html: false).
 */
export const markdownParser = new MarkdownIt({
  html: false,
  linkify: true,
  typographer: false,
});
markdownParser.validateLink = isSafeLinkTarget;
markdownParser.use(wikiLinkPlugin);
