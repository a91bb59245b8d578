import type { MarkdownIt, StateCore, StateInline, Token } from 'markdown-it';
import type { WikiLink } from '../wikilinks.ts';
import { wikiLinkText } from '../wikilinks.ts';

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

// MediaWiki caps titles at 255 bytes; a wikilink longer than this is text.
const MAX_LENGTH = 1024;

/**
 * Parses the target between `[[` and `]]`, or returns null when it is not
 * a link: empty, or nothing but a `#`.
 */
export function parseWikiLinkTarget(inner: string): WikiLink | null {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? '' : inner.slice(bar + 1).trim();
  const hash = target.indexOf('#');
  const title = (hash < 0 ? target : target.slice(0, hash)).trim();
  const section = hash < 0 ? '' : target.slice(hash + 1).trim();
  if (title === '' && section === '') {
    return null;
  }
  return {
    title,
    section: section === '' ? null : section,
    label: label === '' ? null : label,
  };
}

/**
 * The inline rule for `[[…]]`. It runs before markdown-it's own link rule,
 * so `[[Title]]` is never read as a reference link inside brackets. Inside
 * a link's text a nested link is not allowed, so there it becomes text.
 */
function wikilink(state: StateInline, silent: boolean): boolean {
  const start = state.pos;
  const src = state.src;
  if (
    src.charCodeAt(start) !== OPEN_BRACKET ||
    src.charCodeAt(start + 1) !== OPEN_BRACKET
  ) {
    return false;
  }

  const limit = Math.min(state.posMax, start + 2 + MAX_LENGTH);
  let end = start + 2;
  while (end < limit) {
    const code = src.charCodeAt(end);
    if (code === CLOSE_BRACKET) {
      break;
    }
    if (code === OPEN_BRACKET || code === 0x0a) {
      return false;
    }
    end += 1;
  }
  if (end >= limit || src.charCodeAt(end + 1) !== CLOSE_BRACKET) {
    return false;
  }

  const link = parseWikiLinkTarget(src.slice(start + 2, end));
  if (link === null) {
    return false;
  }
  if (!silent) {
    if (state.linkLevel > 0) {
      state.push('text', '', 0).content = wikiLinkText(link);
    } else {
      const token = state.push('wikilink', '', 0);
      token.meta = { wikiLink: link };
      token.content = wikiLinkText(link);
    }
  }
  state.pos = end + 2;
  return true;
}

/** The link a `wikilink` token stands for, or null for any other token. */
export function tokenWikiLink(token: Token): WikiLink | null {
  if (token.type !== 'wikilink') {
    return null;
  }
  return (token.meta?.['wikiLink'] as WikiLink | undefined) ?? null;
}

/**
 * An image's alt text is plain text, so a wikilink there is text too; this
 * keeps extractWikiLinks from finding links that never render.
 */
function flattenInImages(state: StateCore): void {
  for (const block of state.tokens) {
    for (const token of block.children ?? []) {
      if (token.type === 'image') {
        flattenTokens(token.children ?? []);
      }
    }
  }
}

function flattenTokens(tokens: Token[]): void {
  for (const token of tokens) {
    if (token.type === 'wikilink') {
      token.type = 'text';
      token.meta = null;
    } else if (token.children) {
      flattenTokens(token.children);
    }
  }
}

/** Adds `[[wikilinks]]` to a markdown-it parser (rendering is separate). */
export function wikiLinkPlugin(md: MarkdownIt): void {
  md.inline.ruler.before('link', 'wikilink', wikilink);
  md.core.ruler.after('inline', 'wikilink_in_image', flattenInImages);
}
