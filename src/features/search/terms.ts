import { stem } from './stemmer.ts';

// How text becomes search terms, for the index and for queries alike.
// The application does all of it, so SQLite (FTS5, plain unicode61
// tokenizer) and PostgreSQL (the 'simple' configuration) are handed the
// same terms and can only agree:
//
// - words are lower-cased, accents folded, and English words stemmed
//   (./stemmer.ts), so "policies" finds "policy";
// - Chinese, Japanese and Korean, written without spaces, become
//   overlapping pairs of characters ("東京都" → "東京 京都"), so a word is
//   found without quotes wherever it sits in a sentence;
// - anything between the words (spaces, dots, slashes, hyphens) only
//   separates them. A URL is therefore its word parts in order, and a
//   query that is one run of characters without spaces (a URL, a
//   hyphenated word) is searched as a phrase of its parts: both
//   "https://intranet.example.org/travel-policy" and
//   "intranet.example.org/travel-policy" find the post holding the URL
//   (BUG-24).

/** A word's place in the text, with the term it is indexed under. */
export interface Word {
  term: string;
  start: number;
  end: number;
}

/** One part of a query: a term, or a phrase of terms in order. */
export interface QueryPart {
  terms: string[];
  /** A lone CJK character: matches the pairs that start with it. */
  prefix: boolean;
}

// Longer terms are cut: no language has such words, and PostgreSQL caps
// the size of a lexeme.
const MAX_TERM = 60;
const CJK =
  '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}' +
  '\\p{Script=Hangul}\\u30fc\\u3005';
const WORD = new RegExp(
  `([${CJK}]+)|((?:(?![${CJK}])[\\p{L}\\p{N}\\p{M}])+` +
    `(?:['’](?:(?![${CJK}])[\\p{L}\\p{N}\\p{M}])+)*)`,
  'gu',
);
const MARKS = /[\p{M}'’]/gu;
const ENGLISH = /^[a-z]+$/;

const PLAIN = /^[A-Za-z]+$/;
// Stems of the words seen lately: text repeats its words, and a search
// result's snippet or a document's terms would stem each one again.
const STEMS = new Map<string, string>();
const STEMS_KEPT = 20_000;

function stemmed(word: string): string {
  let term = STEMS.get(word);
  if (term === undefined) {
    term = stem(word);
    if (STEMS.size >= STEMS_KEPT) {
      STEMS.clear();
    }
    STEMS.set(word, term);
  }
  return term;
}

function latinTerm(word: string): string {
  const folded = word.normalize('NFKD').replace(MARKS, '');
  const term = ENGLISH.test(folded) ? stemmed(folded) : folded;
  return Array.from(term).slice(0, MAX_TERM).join('');
}

/**
 * The words of `text` with where each sits in it. Offsets are into the
 * text as given, for highlighting; a CJK run yields one word per pair.
 */
export function wordsOf(text: string): Word[] {
  return [...eachWord(text)];
}

/** The words of `text` one by one, for a reader that may stop early. */
export function* eachWord(text: string): Generator<Word> {
  for (const match of text.matchAll(WORD)) {
    const start = match.index;
    const cjk = match[1];
    if (cjk !== undefined) {
      const chars = Array.from(cjk.normalize('NFKC').toLowerCase());
      const offsets = charOffsets(cjk, start);
      if (chars.length === 1) {
        yield { term: chars[0] ?? '', start, end: start + cjk.length };
      }
      for (let i = 0; i + 1 < chars.length; i += 1) {
        yield {
          term: `${chars[i]}${chars[i + 1]}`,
          start: offsets[i] ?? start,
          end: offsets[i + 2] ?? start + cjk.length,
        };
      }
      continue;
    }
    const word = match[2] ?? '';
    // Letters a to z alone are the same after every folding below, and
    // are most words: they go straight to the stemmer.
    const term = PLAIN.test(word)
      ? stemmed(word.toLowerCase()).slice(0, MAX_TERM)
      : latinTerm(word.normalize('NFKC').toLowerCase());
    if (term) {
      yield { term, start, end: start + word.length };
    }
  }
}

function charOffsets(run: string, start: number): number[] {
  const offsets: number[] = [];
  let at = start;
  for (const char of run) {
    offsets.push(at);
    at += char.length;
  }
  offsets.push(at);
  return offsets;
}

/** The terms of `text`, in order, as the index stores them. */
export function termsOf(text: string): string[] {
  return wordsOf(text).map((word) => word.term);
}

/**
 * The text folded for comparing whole titles: words lower-cased without
 * accents, unstemmed, one space apart. Equal keys mean an exact title.
 */
export function titleKeyOf(text: string): string {
  return [...text.normalize('NFKC').toLowerCase().matchAll(WORD)]
    .map((match) => match[0].normalize('NFKD').replace(MARKS, ''))
    .join(' ')
    .slice(0, 200);
}

// More parts than this add little and cost a join each; a longer query
// is refused (./input.ts), never cut short.
export const MAX_PARTS = 8;

/**
 * The parts of a query: each "quoted phrase", and each run of
 * characters between spaces, which is a phrase when it holds more than
 * one word (a URL, "travel-policy", a CJK word of three characters).
 */
export function parseQuery(query: string): QueryPart[] {
  const parts: QueryPart[] = [];
  const chunks = query.match(/"[^"]*"?|[^\s"]+/g) ?? [];
  for (const chunk of chunks) {
    const terms = termsOf(chunk.replace(/"/g, ' '));
    if (terms.length === 0) {
      continue;
    }
    const lone = terms.length === 1 && isLoneCjk(chunk.replace(/"/g, ''));
    parts.push({ terms, prefix: lone });
  }
  const seen = new Set<string>();
  return parts.filter((part) => {
    const key = `${part.prefix}:${part.terms.join(' ')}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function isLoneCjk(chunk: string): boolean {
  const runs = [...chunk.trim().matchAll(WORD)];
  return (
    runs.length === 1 &&
    runs[0]?.[1] !== undefined &&
    Array.from(runs[0][1]).length === 1
  );
}
