/**
 * Text rules shared by every feature: how long a value is, how it is
 * trimmed, folded for matching and turned into a URL slug.
 */

// Characters that take no space: zero-width space, joiners, word joiner,
// BOM, soft hyphen. A value made only of these is empty.
const INVISIBLE = /[\u00AD\u200B-\u200D\u2060\uFEFF]/g;
// Any whitespace, including no-break and the other Unicode spaces.
const SPACES = /[\s\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]+/g;

/**
 * Trims a single-line value and folds runs of any kind of space (line
 * breaks and no-break spaces included) into one ordinary space.
 */
export function cleanLine(value: string): string {
  return value.replace(SPACES, ' ').trim();
}

// Control characters other than tab and line breaks, and the Unicode
// controls that reorder text (a right-to-left override can make
// "gpj.exe" look like "exe.jpg"). None belongs in a name or a title.
const CONTROLS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

/** True when a value holds control or text-direction characters. */
export function hasControlCharacters(value: string): boolean {
  return CONTROLS.test(value);
}

/** True when nothing visible is left once invisible characters go. */
export function isBlank(value: string): boolean {
  return value.replace(INVISIBLE, '').replace(SPACES, '') === '';
}

/**
 * Length in Unicode code points, so `名` and `é` count as one each and an
 * emoji made of one code point counts as one (a flag counts as two).
 */
export function characterCount(value: string): number {
  let count = 0;
  for (const _ of value) {
    count += 1;
  }
  return count;
}

const LATIN_SPECIALS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/**
 * Removes accents from Latin letters (é → e, ß → ss) and lower-cases, but
 * leaves other scripts alone: a vowel sign in Hindi or Arabic is part of
 * the word, not decoration.
 */
export function foldAccents(value: string): string {
  return value
    .toLowerCase()
    .normalize('NFKD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .normalize('NFC')
    .replace(/[ßæœøłđðþı]/g, (letter) => LATIN_SPECIALS[letter] ?? letter);
}

/**
 * The words of a value for searching: accents folded, lower case,
 * apostrophes dropped (o'brien → obrien), and everything that is not a
 * letter or digit a separator. Both databases index this form, so they
 * split words the same way.
 */
export function searchWords(value: string): string[] {
  return foldAccents(value.replace(INVISIBLE, ''))
    .replace(/['’‘`]/g, '')
    .split(/[^\p{L}\p{N}\p{M}]+/u)
    .filter((word) => word.length > 0);
}

/** A value as one searchable string of words. */
export function searchText(value: string | null | undefined): string {
  return value ? searchWords(value).join(' ') : '';
}

/** The key two names must share to be the same name: folded, one space. */
export function nameKey(value: string): string {
  return cleanLine(value.replace(INVISIBLE, '')).toLowerCase();
}

/** Ordering key for a name: accents folded so Émile sorts with Emile. */
export function sortKey(value: string): string {
  return searchText(value);
}

/**
 * A URL slug with a word for every word of the title, in any script:
 * `Lasers & Feelings: Übersetzung fertig!` → `lasers-feelings-ubersetzung-fertig`,
 * `مرحبا بالعالم` → `مرحبا-بالعالم`. A title with no letters or digits at
 * all (an emoji) gets `fallback`. Callers add `-2`, `-3` … for uniqueness.
 */
export function slugify(title: string, fallback = 'untitled'): string {
  const words = Array.from(searchWords(title).join('-'));
  const slug = words.slice(0, 80).join('').replace(/-+$/, '');
  return slug || fallback;
}
