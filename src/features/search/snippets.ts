import type { QueryPart } from './terms.ts';
import { wordsOf } from './terms.ts';

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
  const words = wordsOf(text);
  const hits = matcher(parts);
  let first = 0;
  let last = words.length;
  if (cut) {
    // Only the first 20,000 characters of a body are stored
    // (./documents.ts), so a hit further on has nothing to mark: then
    // the snippet is the body's opening, the best that is stored.
    const hit = words.findIndex((word) => hits(word.term));
    first = Math.max(0, hit - BEFORE);
    last = Math.min(words.length, first + LENGTH);
  }
  const start = first === 0 ? 0 : (words[first]?.start ?? 0);
  const end = last >= words.length ? text.length : (words[last - 1]?.end ?? 0);
  // Overlapping CJK pairs that both match make one mark.
  const marks: { start: number; end: number }[] = [];
  for (const word of words.slice(first, last)) {
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
  return last < words.length ? `${html} …` : html;
}
