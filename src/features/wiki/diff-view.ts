import type { Db } from '../../database.ts';
import { ValidationError } from '../../platform/errors.ts';
import { diffRevisions } from './diff.ts';
import type { DiffLine } from './diff.ts';
import type { OpenedPage } from './editing.ts';
import { findRevision } from './pages.ts';
import type { Revision } from './pages.ts';

// A diff as the diff page shows it: the changed lines with a few lines
// around each, and the unchanged stretches between them folded into one
// row, so a small change to a long page is easy to find.

const CONTEXT_LINES = 3;

/** A row of the diff page: a line, or a fold of unchanged lines. */
export type DiffRow =
  ({ fold: false } & DiffLine) | { fold: true; count: number };

export interface DiffViewData {
  rows: DiffRow[];
  added: number;
  removed: number;
}

/** The diff of two texts, unchanged lines far from a change folded. */
export function diffView(before: string, after: string): DiffViewData {
  const diff = diffRevisions(before, after);
  const near = new Set<number>();
  diff.lines.forEach((line, index) => {
    if (line.kind === 'same') {
      return;
    }
    for (let i = index - CONTEXT_LINES; i <= index + CONTEXT_LINES; i += 1) {
      near.add(i);
    }
  });
  const rows: DiffRow[] = [];
  let folded = 0;
  diff.lines.forEach((line, index) => {
    if (near.has(index)) {
      if (folded > 0) {
        rows.push({ fold: true, count: folded });
        folded = 0;
      }
      rows.push({ fold: false, ...line });
    } else {
      folded += 1;
    }
  });
  if (folded > 0) {
    rows.push({ fold: true, count: folded });
  }
  return { rows, added: diff.added, removed: diff.removed };
}

function readId(value: unknown, field: 'from' | 'to'): number {
  if (typeof value === 'string' && /^[1-9]\d{0,8}$/.test(value)) {
    return Number(value);
  }
  throw new ValidationError(
    { [field]: 'Choose a revision from the page’s history' },
    'The revisions to compare are not valid',
    400,
  );
}

/**
 * The two revisions `?from=&to=` names: `to` defaults to the current one,
 * `from` to the revision before `to` (none for a page's first).
 */
export async function readDiffRevisions(
  db: Db,
  opened: OpenedPage,
  query: Record<string, unknown>,
): Promise<{ from: Revision | null; to: Revision }> {
  const pageId = opened.page.id;
  const notOfPage = (field: 'from' | 'to') =>
    new ValidationError(
      { [field]: 'That is not a revision of this page' },
      'The revisions to compare are not valid',
      400,
    );
  const to =
    query.to === undefined || query.to === ''
      ? opened.revision
      : await findRevision(db, readId(query.to, 'to'), pageId);
  if (!to) {
    throw notOfPage('to');
  }
  const fromId =
    query.from === undefined || query.from === ''
      ? to.parentId
      : readId(query.from, 'from');
  if (fromId === null) {
    return { from: null, to };
  }
  const from = await findRevision(db, fromId, pageId);
  if (!from) {
    throw notOfPage('from');
  }
  return { from, to };
}
