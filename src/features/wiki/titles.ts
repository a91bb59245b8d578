import { ValidationError } from '../../platform/errors.ts';
import { characterCount, hasControlCharacters } from '../../platform/text.ts';

// Page titles. A title is what people type and see ("Onboarding/First
// week"); its key is how it is found: the same title lower-cased, so a
// link to "onboarding" reaches "Onboarding". Hierarchy is by "/": the
// parent of "Onboarding/First week" is "Onboarding".

export const MAX_TITLE_LENGTH = 255;

// Characters with a meaning in wikilinks ([[Title#Section|label]]) or in
// HTML; MediaWiki refuses the same set in titles.
const FORBIDDEN = /[[\]{}|#<>]/;

function refuse(message: string): never {
  throw new ValidationError({ title: message }, 'The title is not valid');
}

/**
 * A title as it is stored and shown: trimmed, underscores read as spaces
 * (as MediaWiki writes them in addresses), runs of spaces folded, no
 * empty path segments, in Unicode NFC. Throws a ValidationError on the
 * field `title` for a title that cannot be one.
 */
export function normalizeTitle(raw: string): string {
  if (hasControlCharacters(raw) || /[\t\n\r]/.test(raw)) {
    refuse('The title must not contain control characters');
  }
  if (FORBIDDEN.test(raw)) {
    refuse('The title must not contain any of [ ] { } | # < >');
  }
  const segments = raw
    .normalize('NFC')
    .replace(/_/g, ' ')
    .split('/')
    .map((segment) => segment.replace(/\s+/g, ' ').trim());
  if (segments.some((segment) => segment === '')) {
    refuse(
      segments.length > 1
        ? 'Each part of the title between slashes must have some text'
        : 'Enter a title',
    );
  }
  // An address resolves "." and ".." away, so such a page could not be
  // reached by its own link; MediaWiki refuses them too.
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    refuse('A part of the title cannot be . or ..');
  }
  const title = segments.join('/');
  if (characterCount(title) > MAX_TITLE_LENGTH) {
    refuse(`The title must be ${MAX_TITLE_LENGTH} characters or fewer`);
  }
  return title;
}

/** The key a title is looked up by: its normal form, lower-cased. */
export function titleKey(title: string): string {
  return normalizeTitle(title).toLowerCase();
}

/** The key of an already normalized title, without checking it again. */
export function keyOfNormalized(title: string): string {
  return title.toLowerCase();
}

/** The parent's title, or null for a page at the top of its space. */
export function parentTitle(title: string): string | null {
  const slash = title.lastIndexOf('/');
  return slash < 0 ? null : title.slice(0, slash);
}

/** The last segment of a title: what a page tree shows for it. */
export function leafName(title: string): string {
  return title.slice(title.lastIndexOf('/') + 1);
}

/** Every ancestor of a title, top first, for breadcrumbs. */
export function ancestorTitles(title: string): string[] {
  const segments = title.split('/');
  return segments
    .slice(0, -1)
    .map((_, index) => segments.slice(0, index + 1).join('/'));
}

/** The key of the parent: '' for a page at the top, so the tree indexes. */
export function parentKeyOf(title: string): string {
  const parent = parentTitle(title);
  return parent === null ? '' : keyOfNormalized(parent);
}
