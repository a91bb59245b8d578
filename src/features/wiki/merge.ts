import { diffLines } from './bounded-diff.ts';

// A line-based three-way merge (diff3): what changed from the base to
// "theirs" (the page as it is now) and from the base to "yours" (the
// editor's text) is applied together. Changes to different lines merge;
// the same change made on both sides is taken once; different changes to
// the same lines are a conflict, and neither side's text is dropped.
//
// Each side's changes are hunks over the base's lines. Hunks that touch
// are grouped; a group with hunks from one side only is that side's
// change. Two changes meet only when their base lines overlap, or when
// both insert at the same place: one side editing line 3 and the other
// line 4 is a clean merge, which suits prose better than code.

/** One place where both sides changed the same lines differently. */
export interface MergeConflict {
  /** The first base line of the place, counting from 1. */
  line: number;
  base: string;
  theirs: string;
  yours: string;
}

export interface MergeResult {
  clean: boolean;
  /** The merge; where it is not clean, with conflict markers. */
  text: string;
  conflicts: MergeConflict[];
}

export interface MergeLabels {
  theirs: string;
  yours: string;
}

interface Hunk {
  side: 'theirs' | 'yours';
  /** Base lines [start, end) that the hunk replaces. */
  start: number;
  end: number;
  lines: string[];
}

interface Lines {
  lines: string[];
  finalNewline: boolean;
}

/** Splits text into lines; line ends are \n, \r\n or \r alike. */
function splitLines(text: string): Lines {
  const normal = text.replace(/\r\n?/g, '\n');
  if (normal === '') {
    return { lines: [], finalNewline: false };
  }
  const finalNewline = normal.endsWith('\n');
  const body = finalNewline ? normal.slice(0, -1) : normal;
  return { lines: body.split('\n'), finalNewline };
}

/** The changes from `base` to `other`, as hunks over the base's lines. */
function hunksOf(base: string[], other: string[], side: Hunk['side']): Hunk[] {
  const hunks: Hunk[] = [];
  let position = 0;
  let open: Hunk | null = null;
  for (const part of diffLines(base, other)) {
    if (!part.added && !part.removed) {
      open = null;
      position += part.value.length;
      continue;
    }
    if (!open) {
      open = { side, start: position, end: position, lines: [] };
      hunks.push(open);
    }
    if (part.removed) {
      position += part.value.length;
      open.end = position;
    } else {
      open.lines.push(...part.value);
    }
  }
  return hunks;
}

/** Whether a hunk meets a group spanning base lines [start, end). */
function meets(group: { start: number; end: number }, hunk: Hunk): boolean {
  const groupEmpty = group.start === group.end;
  const hunkEmpty = hunk.start === hunk.end;
  if (groupEmpty && hunkEmpty) {
    return hunk.start === group.start;
  }
  if (groupEmpty || hunkEmpty) {
    // An insertion meets a change only strictly inside it: before its
    // first line or after its last, the order is clear.
    const point = groupEmpty ? group.start : hunk.start;
    const range = groupEmpty ? hunk : group;
    return range.start < point && point < range.end;
  }
  return hunk.start < group.end && group.start < hunk.end;
}

/** The base lines [start, end) with one side's hunks applied. */
function applyHunks(
  base: string[],
  start: number,
  end: number,
  hunks: Hunk[],
): string[] {
  const result: string[] = [];
  let position = start;
  for (const hunk of hunks) {
    result.push(...base.slice(position, hunk.start), ...hunk.lines);
    position = hunk.end;
  }
  result.push(...base.slice(position, end));
  return result;
}

function sameLines(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i]);
}

/** Whose final newline wins: a change on either side beats none. */
function mergeFinalNewline(base: Lines, theirs: Lines, yours: Lines) {
  return theirs.finalNewline !== base.finalNewline
    ? theirs.finalNewline
    : yours.finalNewline;
}

/**
 * Merges `theirs` and `yours`, both made from `base`. The result uses \n
 * line ends whatever the inputs used.
 */
export function mergeThreeWay(
  baseText: string,
  theirsText: string,
  yoursText: string,
  labels: MergeLabels = { theirs: 'theirs', yours: 'yours' },
): MergeResult {
  const base = splitLines(baseText);
  const theirs = splitLines(theirsText);
  const yours = splitLines(yoursText);
  const hunks = [
    ...hunksOf(base.lines, theirs.lines, 'theirs'),
    ...hunksOf(base.lines, yours.lines, 'yours'),
  ].sort((a, b) => a.start - b.start || a.end - b.end);

  const out: string[] = [];
  const conflicts: MergeConflict[] = [];
  let position = 0;
  let index = 0;
  while (index < hunks.length) {
    const first = hunks[index] as Hunk;
    const group = { start: first.start, end: first.end, hunks: [first] };
    index += 1;
    while (index < hunks.length && meets(group, hunks[index] as Hunk)) {
      const next = hunks[index] as Hunk;
      group.hunks.push(next);
      group.end = Math.max(group.end, next.end);
      index += 1;
    }
    out.push(...base.lines.slice(position, group.start));
    position = group.end;

    const side = (name: Hunk['side']) =>
      applyHunks(
        base.lines,
        group.start,
        group.end,
        group.hunks.filter((hunk) => hunk.side === name),
      );
    const theirsLines = side('theirs');
    const yoursLines = side('yours');
    const onlyOneSide = group.hunks.every((h) => h.side === first.side);
    if (onlyOneSide) {
      out.push(...(first.side === 'theirs' ? theirsLines : yoursLines));
    } else if (sameLines(theirsLines, yoursLines)) {
      out.push(...theirsLines);
    } else {
      conflicts.push({
        line: group.start + 1,
        base: base.lines.slice(group.start, group.end).join('\n'),
        theirs: theirsLines.join('\n'),
        yours: yoursLines.join('\n'),
      });
      out.push(
        `<<<<<<< ${labels.theirs}`,
        ...theirsLines,
        '=======',
        ...yoursLines,
        `>>>>>>> ${labels.yours}`,
      );
    }
  }
  out.push(...base.lines.slice(position));

  const finalNewline =
    conflicts.length > 0 || mergeFinalNewline(base, theirs, yours);
  const text =
    out.length === 0 ? '' : out.join('\n') + (finalNewline ? '\n' : '');
  return { clean: conflicts.length === 0, text, conflicts };
}
