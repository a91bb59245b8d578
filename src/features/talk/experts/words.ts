// The words of a question that may name what someone knows about: its
// title's words without the small words every question has, and each
// pair of such words side by side, since a person's skill is often two
// words ("public procurement"). Matched against person_tags.label_key,
// which is the label in lower case.

const SMALL_WORDS = new Set(
  (
    'a about above after again all also am an and any anyone are as at be ' +
    'been before being best between both but by can could did do does ' +
    'doing done for from get gets getting good had has have having he her ' +
    'here how i if in into is it its just know like make many may me might ' +
    'more most much must my need needs new no not now of off on one only ' +
    'or other our out over own same she should so some such than that the ' +
    'their them then there these they this those through to too under up ' +
    'us use used using very want was way we were what when where which ' +
    'while who whom why will with without would you your'
  ).split(' '),
);

/** The most words a title gives, so a long title stays one cheap query. */
const MAX_WORDS = 20;

/** The label keys a title may match: its meaningful words and pairs. */
export function titleKeys(title: string): string[] {
  const words = title
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}\p{M}+#]+/u)
    .map((word) => word.replace(/^#/, ''));
  const meaningful = (word: string | undefined): word is string =>
    word !== undefined &&
    [...word].length >= 2 &&
    !SMALL_WORDS.has(word) &&
    !/^\d+$/.test(word);
  const keys = new Set<string>();
  words.forEach((word, at) => {
    if (!meaningful(word)) {
      return;
    }
    keys.add(word);
    const next = words[at + 1];
    if (meaningful(next)) {
      keys.add(`${word} ${next}`);
    }
  });
  return [...keys].slice(0, MAX_WORDS * 2);
}

/** A tag's key and, for `open-data`, the words it joins: `open data`. */
export function tagLabelKeys(key: string): string[] {
  const spaced = key.replace(/[-_.]+/g, ' ').trim();
  return spaced && spaced !== key ? [key, spaced] : [key];
}
