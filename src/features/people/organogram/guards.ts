import { ImportRefusal } from './context.ts';
import type { ImportContext } from './context.ts';

// Checks that stop a return doing much harm by mistake. A file cut short
// at a row boundary, or another department's return named in error,
// reads as a valid return that abolished most of the chart.

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
    `it would end ${ending} of the ${active} active ${things} of ${department}, more than half; the file may be damaged or incomplete, so nothing was imported (use --allow-ending-most if the return really ends them)`,
  );
}
