import MarkdownIt from 'markdown-it';
import { footnotePlugin } from './footnotes.ts';
import { headingIdPlugin } from './heading-ids.ts';
import { isSafeLinkTarget } from './links.ts';
import { tableAlignmentPlugin } from './table-alignment.ts';
import { taskListPlugin } from './task-lists.ts';
import { wikiLinkRenderPlugin } from './wikilink-render.ts';
import { wikiLinkPlugin } from './wikilink-rule.ts';

/**
 * The one markdown-it parser behind renderMarkdown and extractWikiLinks:
 * CommonMark with tables, strikethrough, footnotes, task lists and
 * wikilinks. Raw HTML in Markdown is shown as text (html: false).
 */
export const markdownParser = new MarkdownIt({
  html: false,
  linkify: true,
  typographer: false,
})
  .use(wikiLinkPlugin)
  .use(wikiLinkRenderPlugin)
  .use(footnotePlugin)
  .use(taskListPlugin)
  .use(headingIdPlugin)
  .use(tableAlignmentPlugin);
markdownParser.validateLink = isSafeLinkTarget;
