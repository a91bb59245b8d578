import { searchWords } from '../../platform/text.ts';
import { tagKey } from '../talk/status/text.ts';
import { tagLabelKeys, titleKeys } from '../talk/experts/words.ts';

// What a topic asked about ("Kubernetes", "open data", "APIs") is matched
// against. Profile tags and content tags are matched on their stored keys
// (person_tags.label_key, the label lower-cased; tag_key, folded as
// Talk's tags are); titles on their words. Each word also matches its
// plain English singular or plural, so "APIs" finds "API" and back;
// there is no stemming beyond that.

/** The most characters a topic may have. */
export const TOPIC_MAX_CHARACTERS = 200;

/** A topic ready for matching. */
export interface Topic {
  /** The topic as typed, tidied, for reasons ("on Kubernetes"). */
  text: string;
  /** Keys a profile label or a content tag may equal. */
  keys: string[];
  /**
   * The meaningful words, each with its variants, all of which a title
   * must contain (any variant of each) to match.
   */
  words: string[][];
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
  const meaningful = titleKeys(text).filter((key) => !key.includes(' '));
  const words = [...new Set(meaningful.flatMap((key) => searchWords(key)))];
  return {
    text: text.trim().replace(/\s+/g, ' '),
    keys: [...keys].filter((key) => key !== ''),
    words: words.map(numberVariants),
  };
}

/** True when `title` holds every word of `topic`, in any variant. */
export function titleMatches(title: string, topic: Topic): boolean {
  if (topic.words.length === 0) {
    return false;
  }
  const own = new Set(searchWords(title));
  return topic.words.every((variants) => variants.some((w) => own.has(w)));
}

/**
 * A LIKE pattern that every matching title (lower-cased) fits: what the
 * variants of the longest word begin with, anywhere in it. The database
 * narrows with it; titleMatches decides.
 */
export function titlePattern(topic: Topic): string | null {
  const stems = topic.words.map((variants) =>
    variants.reduce((a, b) => {
      let n = 0;
      while (n < a.length && a[n] === b[n]) {
        n += 1;
      }
      return a.slice(0, n);
    }),
  );
  const longest = stems.reduce((a, b) => (b.length > a.length ? b : a), '');
  if (longest === '') {
    return null;
  }
  return `%${longest.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
