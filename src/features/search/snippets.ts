import type { QueryPart } from './terms.ts';
import { eachWord, wordsOf } from './terms.ts';
import type { Word } from './terms.ts';

// Highlighting, done in the application for the results of one page
// only: each text is cut around its first hit, escaped, and the words
// that match a part of the query are wrapped in <mark>. Same output on
// both databases, since neither is asked.

const BEFORE = 8;
const LENGTH = 32;

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function matcher(parts: readonly QueryPart[]): (term: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const part of parts) {
    for (const term of part.terms) {
      if (part.prefix) {
        prefixes.push(term);
      } else {
        exact.add(term);
      }
    }
  }
  return (term) =>
    exact.has(term) || prefixes.some((prefix) => term.startsWith(prefix));
}

/**
 * `text` as safe HTML with the query's words marked; when `cut`, only
 * the words around the first hit, with an ellipsis where text is left
 * out.
 */
export function highlight(
  text: string,
  parts: readonly QueryPart[],
  cut = false,
): string {
  const hits = matcher(parts);
  const { words, first, last, more } = cut
    ? aroundFirstHit(text, hits)
    : { words: wordsOf(text), first: 0, last: Infinity, more: false };
  const shown = words.slice(first, last);
  const start = first === 0 ? 0 : (shown[0]?.start ?? 0);
  const end = more ? (shown[shown.length - 1]?.end ?? 0) : text.length;
  // Overlapping CJK pairs that both match make one mark.
  const marks: { start: number; end: number }[] = [];
  for (const word of shown) {
    const previous = marks[marks.length - 1];
    if (!hits(word.term)) {
      continue;
    }
    if (previous && word.start < previous.end) {
      previous.end = Math.max(previous.end, word.end);
    } else {
      marks.push({ start: word.start, end: word.end });
    }
  }
  let html = first > 0 ? '… ' : '';
  let at = start;
  for (const mark of marks) {
    html += escapeHtml(text.slice(at, mark.start));
    html += `<mark>${escapeHtml(text.slice(mark.start, mark.end))}</mark>`;
    at = mark.end;
  }
  html += escapeHtml(text.slice(at, end));
  return more ? `${html} …` : html;
}

/**
 * The words of a snippet: from BEFORE words ahead of the first hit, up
 * to LENGTH words. Words are read only as far as the snippet needs, as
 * a body may be 20,000 characters and a page shows twenty of them.
 * `more` says words follow the last one shown.
 */
function aroundFirstHit(
  text: string,
  hits: (term: string) => boolean,
): { words: Word[]; first: number; last: number; more: boolean } {
  // Only the first 20,000 characters of a body are stored
  // (./documents.ts), so a hit further on has nothing to mark: then the
  // snippet is the body's opening, the best that is stored.
  const words: Word[] = [];
  let first = -1;
  for (const word of eachWord(text)) {
    if (first >= 0 && words.length === first + LENGTH) {
      return { words, first, last: first + LENGTH, more: true };
    }
    if (first < 0 && hits(word.term)) {
      first = Math.max(0, words.length - BEFORE);
    }
    words.push(word);
  }
  first = Math.max(0, first);
  const last = Math.min(words.length, first + LENGTH);
  return { words, first, last, more: last < words.length };
}
