// An English stemmer after M. F. Porter's 1980 algorithm ("An algorithm
// for suffix stripping"), written here rather than taken from a library so
// that SQLite and PostgreSQL index the very same terms: the stem is made
// once, in the application, and both databases only store and match it.
// It only ever sees lower-case words of the letters a to z; anything else
// is left as it is by the caller.

type Rule = readonly [suffix: string, replacement: string];

const STEP2: readonly Rule[] = [
  ['ational', 'ate'],
  ['tional', 'tion'],
  ['enci', 'ence'],
  ['anci', 'ance'],
  ['izer', 'ize'],
  ['bli', 'ble'],
  ['alli', 'al'],
  ['entli', 'ent'],
  ['eli', 'e'],
  ['ousli', 'ous'],
  ['ization', 'ize'],
  ['ation', 'ate'],
  ['ator', 'ate'],
  ['alism', 'al'],
  ['iveness', 'ive'],
  ['fulness', 'ful'],
  ['ousness', 'ous'],
  ['aliti', 'al'],
  ['iviti', 'ive'],
  ['biliti', 'ble'],
  ['logi', 'log'],
];

const STEP3: readonly Rule[] = [
  ['icate', 'ic'],
  ['ative', ''],
  ['alize', 'al'],
  ['iciti', 'ic'],
  ['ical', 'ic'],
  ['ful', ''],
  ['ness', ''],
];

const STEP4 = [
  'al',
  'ance',
  'ence',
  'er',
  'ic',
  'able',
  'ible',
  'ant',
  'ement',
  'ment',
  'ent',
  'ion',
  'ou',
  'ism',
  'ate',
  'iti',
  'ous',
  'ive',
  'ize',
];

/** Whether the letter at `i` is a consonant in Porter's sense. */
function consonant(word: string, i: number): boolean {
  const c = word[i];
  if (c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u') {
    return false;
  }
  if (c === 'y') {
    return i === 0 || !consonant(word, i - 1);
  }
  return true;
}

/** The number of vowel-consonant sequences in `stem` (Porter's m). */
function measure(stem: string): number {
  let m = 0;
  let i = 0;
  while (i < stem.length && consonant(stem, i)) {
    i += 1;
  }
  while (i < stem.length) {
    while (i < stem.length && !consonant(stem, i)) {
      i += 1;
    }
    if (i >= stem.length) {
      break;
    }
    while (i < stem.length && consonant(stem, i)) {
      i += 1;
    }
    m += 1;
  }
  return m;
}

function hasVowel(stem: string): boolean {
  for (let i = 0; i < stem.length; i += 1) {
    if (!consonant(stem, i)) {
      return true;
    }
  }
  return false;
}

function endsWithDouble(word: string): boolean {
  const n = word.length;
  return n >= 2 && word[n - 1] === word[n - 2] && consonant(word, n - 1);
}

/** Consonant-vowel-consonant at the end, the last not w, x or y. */
function endsCvc(word: string): boolean {
  const n = word.length;
  if (n < 3) {
    return false;
  }
  const last = word[n - 1] ?? '';
  return (
    consonant(word, n - 3) &&
    !consonant(word, n - 2) &&
    consonant(word, n - 1) &&
    !'wxy'.includes(last)
  );
}

function step1a(word: string): string {
  if (word.endsWith('sses') || word.endsWith('ies')) {
    return word.slice(0, -2);
  }
  if (word.endsWith('ss')) {
    return word;
  }
  return word.endsWith('s') ? word.slice(0, -1) : word;
}

function step1b(word: string): string {
  if (word.endsWith('eed')) {
    return measure(word.slice(0, -3)) > 0 ? word.slice(0, -1) : word;
  }
  let stem: string | null = null;
  if (word.endsWith('ed') && hasVowel(word.slice(0, -2))) {
    stem = word.slice(0, -2);
  } else if (word.endsWith('ing') && hasVowel(word.slice(0, -3))) {
    stem = word.slice(0, -3);
  }
  if (stem === null) {
    return word;
  }
  if (stem.endsWith('at') || stem.endsWith('bl') || stem.endsWith('iz')) {
    return `${stem}e`;
  }
  if (endsWithDouble(stem) && !/[lsz]$/.test(stem)) {
    return stem.slice(0, -1);
  }
  return measure(stem) === 1 && endsCvc(stem) ? `${stem}e` : stem;
}

function step1c(word: string): string {
  return word.endsWith('y') && hasVowel(word.slice(0, -1))
    ? `${word.slice(0, -1)}i`
    : word;
}

/** The longest suffix of `rules` that ends the word decides; m > 0. */
function replaceSuffix(word: string, rules: readonly Rule[]): string {
  let best: Rule | null = null;
  for (const rule of rules) {
    if (word.endsWith(rule[0]) && (!best || rule[0].length > best[0].length)) {
      best = rule;
    }
  }
  if (!best) {
    return word;
  }
  const stem = word.slice(0, -best[0].length);
  return measure(stem) > 0 ? stem + best[1] : word;
}

function step4(word: string): string {
  let best = '';
  for (const suffix of STEP4) {
    if (word.endsWith(suffix) && suffix.length > best.length) {
      best = suffix;
    }
  }
  if (!best) {
    return word;
  }
  const stem = word.slice(0, -best.length);
  if (measure(stem) <= 1) {
    return word;
  }
  if (best === 'ion' && !/[st]$/.test(stem)) {
    return word;
  }
  return stem;
}

function step5(word: string): string {
  let result = word;
  if (result.endsWith('e')) {
    const stem = result.slice(0, -1);
    const m = measure(stem);
    if (m > 1 || (m === 1 && !endsCvc(stem))) {
      result = stem;
    }
  }
  if (measure(result) > 1 && endsWithDouble(result) && result.endsWith('l')) {
    result = result.slice(0, -1);
  }
  return result;
}

/** The stem of a lower-case English word of the letters a to z. */
export function stem(word: string): string {
  if (word.length <= 2) {
    return word;
  }
  let result = step1c(step1b(step1a(word)));
  result = replaceSuffix(result, STEP2);
  result = replaceSuffix(result, STEP3);
  return step5(step4(result));
}
