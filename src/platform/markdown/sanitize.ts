import type sanitizeHtml from 'sanitize-html';
import { FOOTNOTE_ID } from './footnotes.ts';
import { SECTION_ID } from './heading-ids.ts';
import { ALIGNMENT_CLASSES } from './table-alignment.ts';

// The second barrier: whatever markdown-it made passes an allow-list of
// elements, attributes, classes and URL schemes. markdown-it never emits
// raw HTML here (html: false), so anything outside the list means a bug in
// the first barrier, and it is shown as text rather than trusted.

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];

const ALLOWED_TAGS = [
  ...HEADINGS,
  'p',
  'br',
  'hr',
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
  'span',
  'section',
  'label',
  'input',
];

/** Drops an id unless it has one of the shapes this renderer makes. */
function keepOwnId(
  attribs: sanitizeHtml.Attributes,
  pattern: RegExp,
): sanitizeHtml.Attributes {
  const { id, ...rest } = attribs;
  return id !== undefined && pattern.test(id) ? { ...rest, id } : rest;
}

// User text always sits under a page's own <h1> (a wiki page's title, a
// group's name), so its headings start one level down: `# Welcome`
// becomes <h2>, and level 6 stays 6. The outline of the page stays whole.
const headingTransforms = Object.fromEntries(
  HEADINGS.map((tag) => [
    tag,
    (tagName: string, attribs: sanitizeHtml.Attributes) => ({
      tagName: `h${Math.min(6, Number(tagName.slice(1)) + 1)}`,
      attribs: keepOwnId(attribs, SECTION_ID),
    }),
  ]),
);

/** True for a link that leaves this site. */
function isExternal(href: string): boolean {
  return /^([a-z][a-z0-9+.-]*:|[\\/]{2})/i.test(href.trim());
}

export const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    ...Object.fromEntries(HEADINGS.map((tag) => [tag, ['id']])),
    a: ['href', 'title', 'rel', 'id'],
    img: ['src', 'alt', 'title'],
    ol: ['start'],
    li: ['id'],
    input: ['type', 'disabled', 'checked'],
  },
  allowedClasses: {
    a: ['app-wikilink', 'app-wikilink--missing', 'footnote-backref'],
    span: ['govuk-visually-hidden'],
    th: ALIGNMENT_CLASSES,
    td: ALIGNMENT_CLASSES,
    sup: ['footnote-ref'],
    hr: ['footnotes-sep'],
    section: ['footnotes'],
    ol: ['footnotes-list', 'app-task-list'],
    ul: ['app-task-list'],
    li: ['footnote-item', 'app-task-list__item'],
    label: ['app-task-list__label'],
    input: ['app-task-list__checkbox'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'action'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: {
    ...headingTransforms,
    a: (tagName, attribs) => {
      const kept = keepOwnId(attribs, FOOTNOTE_ID);
      const { rel: _rel, ...rest } = kept;
      const external = isExternal(attribs['href'] ?? '');
      return {
        tagName,
        attribs: external ? { ...rest, rel: 'noopener noreferrer' } : rest,
      };
    },
    li: (tagName, attribs) => ({
      tagName,
      attribs: keepOwnId(attribs, FOOTNOTE_ID),
    }),
    // Only the task list's box may be an input, and it can never be used.
    input: (tagName, attribs) =>
      attribs['type'] === 'checkbox'
        ? {
            tagName,
            attribs: {
              type: 'checkbox',
              disabled: '',
              ...(attribs['checked'] === undefined ? {} : { checked: '' }),
              ...(attribs['class'] === undefined
                ? {}
                : { class: attribs['class'] }),
            },
          }
        : { tagName: 'span', attribs: {} },
  },
};
