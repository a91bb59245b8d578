import { diffArrays, diffWordsWithSpace } from 'diff';
import type { ChangeObject } from 'diff';

// Diffs whose cost has a ceiling. Myers' algorithm takes time in the
// square of the number of edits: two 1 MB revisions that share nothing
// (or one long line of different words) kept the server busy for
// minutes. Past the ceiling, the texts between their common start and
// end count as removed and added whole, which is true, only coarser.

/** Most line edits looked for before a diff goes coarse. */
export const MAX_LINE_EDITS = 1_000;
/** Most time one diff may take, in milliseconds, whatever the edits. */
export const MAX_DIFF_MILLISECONDS = 500;
/** Most word edits looked for inside one changed line. */
export const MAX_WORD_EDITS = 200;

/** The line changes from `before` to `after`, as jsdiff gives them. */
export function diffLines(
  before: string[],
  after: string[],
): ChangeObject<string[]>[] {
  let start = 0;
  while (
    start < before.length &&
    start < after.length &&
    before[start] === after[start]
  ) {
    start += 1;
  }
  let end = 0;
  while (
    end < before.length - start &&
    end < after.length - start &&
    before[before.length - 1 - end] === after[after.length - 1 - end]
  ) {
    end += 1;
  }
  const oldMiddle = before.slice(start, before.length - end);
  const newMiddle = after.slice(start, after.length - end);
  const middle = diffArrays(oldMiddle, newMiddle, {
    maxEditLength: MAX_LINE_EDITS,
    timeout: MAX_DIFF_MILLISECONDS,
  }) ?? [part(oldMiddle, { removed: true }), part(newMiddle, { added: true })];
  return [
    part(before.slice(0, start), {}),
    ...middle,
    part(before.slice(before.length - end), {}),
  ].filter((change) => change.value.length > 0);
}

/** The word changes inside a line, or null when there are too many. */
export function diffWords(
  before: string,
  after: string,
): ChangeObject<string>[] | null {
  return (
    diffWordsWithSpace(before, after, { maxEditLength: MAX_WORD_EDITS }) ?? null
  );
}

function part(
  value: string[],
  kind: { added?: boolean; removed?: boolean },
): ChangeObject<string[]> {
  return {
    value,
    added: kind.added === true,
    removed: kind.removed === true,
    count: value.length,
  };
}
