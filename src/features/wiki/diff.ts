import { diffLines, diffWords } from './bounded-diff.ts';

// A diff between two revisions as data: lines kept, added and removed,
// and where a removed line was replaced by an added one, the words that
// changed inside them. Pages and the API render it; user text is never
// put into HTML here, so escaping stays with the templates.

/** A run of text inside a changed line; `changed` marks the words. */
export interface DiffSegment {
  text: string;
  changed: boolean;
}

export interface DiffLine {
  kind: 'same' | 'added' | 'removed';
  /** Line numbers in the old and new text, from 1; null when absent. */
  oldNumber: number | null;
  newNumber: number | null;
  text: string;
  /** For a line replaced by (or replacing) another: its words. */
  segments: DiffSegment[] | null;
}

export interface RevisionDiff {
  lines: DiffLine[];
  added: number;
  removed: number;
}

function splitLines(text: string): string[] {
  const normal = text.replace(/\r\n?/g, '\n');
  if (normal === '') {
    return [];
  }
  return (normal.endsWith('\n') ? normal.slice(0, -1) : normal).split('\n');
}

/** Marks the changed words of a line and the line that replaced it. */
function pairWords(
  before: string,
  after: string,
): { removed: DiffSegment[]; added: DiffSegment[] } {
  const parts = diffWords(before, after);
  if (!parts) {
    return {
      removed: [{ text: before, changed: true }],
      added: [{ text: after, changed: true }],
    };
  }
  const removed: DiffSegment[] = [];
  const added: DiffSegment[] = [];
  for (const part of parts) {
    if (!part.added) {
      removed.push({ text: part.value, changed: part.removed });
    }
    if (!part.removed) {
      added.push({ text: part.value, changed: part.added });
    }
  }
  return { removed, added };
}

/** The line-level diff from `before` to `after`, words marked. */
export function diffRevisions(before: string, after: string): RevisionDiff {
  const parts = diffLines(splitLines(before), splitLines(after));
  const lines: DiffLine[] = [];
  let oldNumber = 1;
  let newNumber = 1;
  let added = 0;
  let removed = 0;
  for (let index = 0; index < parts.length; index += 1) {
    const part = parts[index];
    if (!part) {
      continue;
    }
    if (!part.added && !part.removed) {
      for (const text of part.value) {
        lines.push({
          kind: 'same',
          oldNumber,
          newNumber,
          text,
          segments: null,
        });
        oldNumber += 1;
        newNumber += 1;
      }
      continue;
    }
    const next = parts[index + 1];
    const replacedBy = part.removed && next?.added ? next.value : [];
    const removedLines = part.removed ? part.value : [];
    const addedLines = part.added ? part.value : replacedBy;
    const pairs = Math.min(removedLines.length, replacedBy.length);
    const removedWords: (DiffSegment[] | null)[] = [];
    const addedWords: (DiffSegment[] | null)[] = [];
    for (let i = 0; i < pairs; i += 1) {
      const words = pairWords(removedLines[i] ?? '', replacedBy[i] ?? '');
      removedWords.push(words.removed);
      addedWords.push(words.added);
    }
    removedLines.forEach((text, i) => {
      lines.push({
        kind: 'removed',
        oldNumber,
        newNumber: null,
        text,
        segments: removedWords[i] ?? null,
      });
      oldNumber += 1;
      removed += 1;
    });
    addedLines.forEach((text, i) => {
      lines.push({
        kind: 'added',
        oldNumber: null,
        newNumber,
        text,
        segments: addedWords[i] ?? null,
      });
      newNumber += 1;
      added += 1;
    });
    if (replacedBy.length > 0) {
      index += 1;
    }
  }
  return { lines, added, removed };
}
