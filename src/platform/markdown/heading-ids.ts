import type { MarkdownIt, StateCore, Token } from 'markdown-it';

// Every heading id starts with `h-`, so a heading called "cookie",
// "location" or "csrf" can never take the id of an element of the page or
// shadow a DOM global (DOM clobbering).
const PREFIX = 'h-';
const MAX_SLUG_LENGTH = 80;

/** The plain-text slug of a heading or a section name, in any script. */
function slug(text: string): string {
  const words = text
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter((word) => word !== '');
  const joined = Array.from(words.join('-')).slice(0, MAX_SLUG_LENGTH).join('');
  return joined.replace(/-+$/, '') || 'section';
}

/**
 * The id a heading with this text gets, and so the fragment a link to that
 * section uses: `[[Page#Working hours]]` → `#h-working-hours`. A second
 * heading with the same text on one page gets `-2`, and so on.
 */
export function sectionId(text: string): string {
  return PREFIX + slug(text);
}

/** A matching `^h-…$` id is one this renderer made. */
export const SECTION_ID = /^h-[\p{L}\p{M}\p{N}-]{1,100}$/u;

function plainText(tokens: Token[]): string {
  return tokens
    .map((token) =>
      token.children ? plainText(token.children) : token.content,
    )
    .join('');
}

function addHeadingIds(state: StateCore): void {
  const taken = new Set<string>();
  // The last number given to each base, so a page of many headings with
  // one name does not search from 2 each time.
  const counts = new Map<string, number>();
  state.tokens.forEach((token, index) => {
    const inline = state.tokens[index + 1];
    if (token.type !== 'heading_open' || inline === undefined) {
      return;
    }
    const base = sectionId(plainText(inline.children ?? []));
    let id = base;
    let count = counts.get(base) ?? 1;
    while (taken.has(id)) {
      count += 1;
      id = `${base}-${count}`;
    }
    counts.set(base, count);
    taken.add(id);
    token.attrSet('id', id);
  });
}

/** Gives every heading a stable, prefixed, unique id. */
export function headingIdPlugin(md: MarkdownIt): void {
  md.core.ruler.push('heading_ids', addHeadingIds);
}
