import { basename } from 'node:path';
import { ImportRefusal } from './context.ts';
import type { ImportContext } from './context.ts';

// Checks that stop a return doing much harm by mistake. A file cut short
// at a row boundary, or another department's return named in error,
// reads as a valid return that abolished most of the chart; an older
// return imported after a newer one quietly rolls the directory back.
// Files carry no date to tell old from new, so the importer says what
// it replaces and leaves the judgement to the operator.

// An import may end up to half of what is there, or fewer than this
// many things whatever the share (a small department reorganised).
const FEWEST_TO_REFUSE = 10;

/**
 * Refuses the file (rolling its transaction back) when it would end more
 * than half of `active` things and at least ten of them, unless the
 * import was told that is meant.
 */
export function refuseEndingMost(
  ctx: ImportContext,
  counts: { ending: number; active: number },
  things: string,
  department: string,
): void {
  const { ending, active } = counts;
  if (
    ctx.options.allowEndingMost ||
    ending < FEWEST_TO_REFUSE ||
    ending * 2 <= active
  ) {
    return;
  }
  throw new ImportRefusal(
    `it would end ${ending} of the ${active} active ${things} of ` +
      `${department}, more than half; ` +
      `the file may be damaged or incomplete, so nothing was imported ` +
      `(use --allow-ending-most if the return really ends them)`,
  );
}

/** An earlier import: the name of its file and when it ran. */
export interface PreviousImport {
  file: string;
  at: string;
}

/** The import that last changed one of the department's posts. */
export async function findPreviousImport(
  ctx: ImportContext,
  departmentId: number,
): Promise<PreviousImport | undefined> {
  const row = await ctx.db
    .selectFrom('directory_changes as c')
    .innerJoin('posts as p', 'p.id', 'c.subject_id')
    .innerJoin('import_runs as r', 'r.id', 'c.import_run_id')
    .select(['r.source_name', 'r.started_at'])
    .where('c.subject', '=', 'post')
    .where('p.department_id', '=', departmentId)
    .where('r.kind', '=', 'organogram')
    .orderBy('c.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { file: row.source_name, at: row.started_at };
}

/**
 * Puts a warning first in the report when this file changed posts that
 * another file set last, so an operator who imported an older return
 * after a newer one sees what it replaced.
 */
export function warnOfReplacedReturn(
  ctx: ImportContext,
  previous: PreviousImport | undefined,
): void {
  const { posts, file } = ctx.report;
  // TODO: a department that gives every return the same file name gets no
  // warning when an older return replaces a newer one.
  if (
    !previous ||
    previous.file === basename(file) ||
    posts.ended + posts.updated + posts.reopened === 0
  ) {
    return;
  }
  ctx.report.warnings.unshift(
    `this return replaces the one imported from ${previous.file} on ` +
      `${previous.at.slice(0, 10)}: ${posts.ended} posts ended, ` +
      `${posts.updated} updated and ${posts.reopened} reopened; ` +
      `if that one is the newer return, import it again`,
  );
}
