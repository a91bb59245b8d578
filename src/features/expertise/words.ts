import { parseQuery, termsOf } from '../search/terms.ts';
import type { QueryPart } from '../search/terms.ts';
import { tagKey } from '../talk/status/text.ts';
import { tagLabelKeys, titleKeys } from '../talk/experts/words.ts';

// What a topic asked about ("Kubernetes", "open data", "APIs") is matched
// against. Profile tags and content tags are matched on their stored keys
// (person_tags.label_key, the label lower-cased; tag_key, folded as
// Talk's tags are), each key also in its plain English singular or
// plural. Titles and labels are also matched on their words, as the
// search index holds them (../search/terms.ts): accents folded and
// English words stemmed, so "zurichsee" finds "Zürichsee" and "APIs"
// finds "API".

/** The most characters a topic may have. */
export const TOPIC_MAX_CHARACTERS = 200;

/** A topic ready for matching. */
export interface Topic {
  /** The topic as typed, tidied. */
  text: string;
  /**
   * The meaningful words as typed ("Zürichsee plain"), which a title or
   * a label matched on its words holds: what a reason names.
   */
  matched: string;
  /** Keys a profile label or a content tag may equal. */
  keys: string[];
  /**
   * The meaningful words as the search index's terms (folded, stemmed),
   * all of which a title or label must hold to match on its words.
   */
  parts: QueryPart[];
}

/** A word with its simple singular or plural: api ↔ apis, policy ↔ policies. */
export function numberVariants(word: string): string[] {
  const variants = [word];
  if (/[^aeiou]ies$/.test(word) && word.length > 4) {
    variants.push(`${word.slice(0, -3)}y`);
  } else if (/[^s]s$/.test(word) && word.length > 3) {
    variants.push(word.slice(0, -1));
  } else if (/[^aeiou]y$/.test(word)) {
    variants.push(`${word.slice(0, -1)}ies`);
  } else if (!word.endsWith('s') && /\p{L}$/u.test(word)) {
    variants.push(`${word}s`);
  }
  return variants;
}

/** A key's variants, changing the number of its last word. */
function keyVariants(key: string): string[] {
  const at = key.search(/[^ -]+$/);
  const last = key.slice(at);
  return numberVariants(last).map((word) => key.slice(0, at) + word);
}

/** The words of `text` that may name a subject, as typed. */
function meaningfulWords(text: string): string[] {
  const keys = new Set(titleKeys(text).filter((key) => !key.includes(' ')));
  const seen = new Set<string>();
  return text
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}\p{M}+#]+/u)
    .map((word) => word.replace(/^#/, ''))
    .filter((word) => {
      const key = word.toLowerCase();
      return keys.has(key) && !seen.has(key) && (seen.add(key), true);
    });
}

/** The topic `text` (already checked as not blank) for matching. */
export function topicOf(text: string): Topic {
  const phrase = tagKey(text.trim()).replace(/\s+/g, ' ');
  const keys = new Set<string>();
  const add = (key: string) => {
    for (const variant of keyVariants(key)) {
      keys.add(variant);
    }
  };
  add(phrase);
  add(phrase.replace(/ /g, '-'));
  for (const key of [...tagLabelKeys(phrase), ...titleKeys(text)]) {
    add(key);
  }
  const words = meaningfulWords(text);
  return {
    text: text.trim().replace(/\s+/g, ' '),
    matched: words.join(' '),
    keys: [...keys].filter((key) => key !== ''),
    parts: parseQuery(words.join(' ')),
  };
}

/** True when the words of `text` hold every part of `topic`. */
export function wordsMatch(text: string, topic: Topic): boolean {
  if (topic.parts.length === 0) {
    return false;
  }
  const terms = termsOf(text);
  const joined = ` ${terms.join(' ')} `;
  return topic.parts.every((part) =>
    part.prefix
      ? terms.some((term) => term.startsWith(part.terms[0] ?? ''))
      : joined.includes(` ${part.terms.join(' ')} `),
  );
}
