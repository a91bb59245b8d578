import { showsNothing } from './cells.ts';
import type { CsvRecord } from './csv.ts';

// Damage a file can carry without being refused as "not an organogram":
// a copy or download that stopped part way, and characters that have no
// business in a cell. A cut-short return must not be imported, because
// every post after the cut would look like it had been abolished.

const CUT_SHORT = 'it looks cut short; nothing was imported';

/** The whole-file refusal for a file that stops part way through. */
export function cutShort(what: string): string {
  return `${what}: ${CUT_SHORT}`;
}

/**
 * Why the records look like the start of a longer file, or undefined.
 * `headerPosition` is where the header is among the records, when one
 * was found: only a record under it can be told to be short.
 */
export function findCutShort(
  text: string,
  records: readonly CsvRecord[],
  headerPosition?: number,
): string | undefined {
  const last = records[records.length - 1];
  if (last === undefined) {
    return undefined;
  }
  if (last.unclosedQuoteLine !== undefined) {
    return cutShort(
      `the file ends inside a quoted cell that starts on line ${last.unclosedQuoteLine}`,
    );
  }
  // A writer ends every record with a line break, or at least writes all
  // of the last one; a short last record with neither stopped mid-row.
  const header =
    headerPosition !== undefined && headerPosition < records.length - 1
      ? records[headerPosition]
      : undefined;
  if (
    header !== undefined &&
    !/[\r\n]$/.test(text) &&
    !last.cells.every(showsNothing) &&
    last.cells.length < header.cells.length
  ) {
    return cutShort(
      `the file ends inside the record on line ${last.line}, ` +
        `which has ${last.cells.length} of the header's ` +
        `${header.cells.length} cells`,
    );
  }
  return undefined;
}

// C0 controls but tab and line breaks, DEL, C1 controls, and the Unicode
// overrides and isolates that reorder text on screen (a right-to-left
// override can make a name read as another). PostgreSQL refuses NUL in
// text outright.
const HIDDEN_CONTROLS = /(?![\t\n\r])[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu;

/**
 * Removes control and text-direction characters from every cell, in
 * place; returns how many cells it changed.
 */
export function removeHiddenControls(records: CsvRecord[]): number {
  let changed = 0;
  for (const record of records) {
    for (const [at, cell] of record.cells.entries()) {
      const clean = cell.replace(HIDDEN_CONTROLS, '');
      if (clean !== cell) {
        record.cells[at] = clean;
        changed += 1;
      }
    }
  }
  return changed;
}
