// Made-up text for the search bench, the same on every run: words of a
// generated vocabulary drawn with Zipf's law, as real text has a few
// very common words and many rare ones, and a handful of known words
// planted at known rates so each timed query finds what it should:
//
//   policy         in about 30% of texts (a common word)
//   zanzibar       in about 1 in 10,000 (a rare word)
//   budget, review in about 4% each (two words)
//   annual leave   as a phrase in about 1%, each word alone in 3% more

const SYLLABLES = [
  'ka',
  'ro',
  'mi',
  'tu',
  'sen',
  'la',
  'vor',
  'di',
  'pel',
  'na',
  'qua',
  'bri',
  'to',
  'fen',
  'gal',
  'ish',
  'mon',
  'tar',
  'ul',
  've',
  'zo',
  'hab',
];
const VOCABULARY = 20_000;

export interface TextMaker {
  random(): number;
  choose<T>(list: readonly T[]): T;
  title(): string;
  /** About `words` words, with the planted words at their rates. */
  body(words: number): string;
}

/** A deterministic generator (mulberry32) and the text made from it. */
export function makeText(seed: number): TextMaker {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const words: string[] = [];
  for (let n = 22; words.length < VOCABULARY; n += 1) {
    let word = '';
    for (let k = n; k > 0; k = Math.floor(k / 22)) {
      word += SYLLABLES[k % 22];
    }
    words.push(word);
  }
  // Cumulative Zipf weights, for drawing a word by binary search.
  const cumulative: number[] = [];
  let sum = 0;
  for (let rank = 1; rank <= VOCABULARY; rank += 1) {
    sum += 1 / rank;
    cumulative.push(sum);
  }
  const word = () => {
    const target = random() * sum;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((cumulative[middle] ?? 0) < target) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return words[low] ?? 'ka';
  };
  const choose = <T>(list: readonly T[]): T => {
    const item = list[Math.floor(random() * list.length)];
    if (item === undefined) {
      throw new Error('nothing to choose from');
    }
    return item;
  };
  const run = (count: number) =>
    Array.from({ length: count }, () => word()).join(' ');
  return {
    random,
    choose,
    title: () => {
      const title = run(3 + Math.floor(random() * 5));
      return title.charAt(0).toUpperCase() + title.slice(1);
    },
    body: (length) => {
      const parts = [run(Math.ceil(length / 2))];
      const planted: [string, number][] = [
        ['policy', 0.3],
        ['zanzibar', 0.0001],
        ['budget', 0.04],
        ['review', 0.04],
        ['annual leave', 0.01],
        ['annual', 0.03],
        ['leave', 0.03],
      ];
      for (const [text, rate] of planted) {
        if (random() < rate) {
          parts.push(text);
        }
      }
      parts.push(`${run(Math.floor(length / 2))}.`);
      return parts.join(' ');
    },
  };
}
