import sanitizeHtml from 'sanitize-html';
import { markdownParser } from './markdown/parser.ts';

// Raw HTML in Markdown is shown as text (html: false); links may only use
// http, https or mailto, or stay on this site. Whatever markdown-it makes is
// then passed through an allow-list as a second, independent barrier: a
// mistake in one layer must not be enough to run script.

export { isSafeLinkTarget } from './markdown/links.ts';

const markdown = markdownParser;
markdown.renderer.rules['wikilink'] = (tokens, index) =>
  markdown.utils.escapeHtml(tokens[index]?.content ?? '');

const ALLOWED_TAGS = [
  'p',
  'br',
  'hr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'ul',
  'ol',
  'li',
  'strong',
  'em',
  's',
  'del',
  'code',
  'pre',
  'a',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'img',
  'sup',
  'sub',
];

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title'],
    th: ['align'],
    td: ['align'],
    ol: ['start'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer' }),
  },
};

/** Renders user Markdown to HTML that is safe to put in a page as it is. */
export function renderMarkdown(source: string): string {
  return sanitizeHtml(markdown.render(source), SANITIZE);
}
