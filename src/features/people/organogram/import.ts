import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../../database.ts';
import { reindexPerson, reindexPost } from '../directory-index.ts';
import {
  ImportContext,
  ImportRefusal,
  mostNamedOrganisation,
} from './context.ts';
import { readCsv } from './csv.ts';
import { findCutShort, removeHiddenControls } from './damage.ts';
import { decodeFile, findHeader } from './format.ts';
import { applyJuniorFile } from './junior.ts';
import { emptyReport } from './report.ts';
import type { ImportReport } from './report.ts';
import { readJuniorRows, readSeniorRows } from './rows.ts';
import type { JuniorRow, ReadRows, SeniorRow } from './rows.ts';
import { applySeniorFile } from './senior.ts';

/** A file read and checked, ready to apply; or refused, with the reason. */
export interface ReadOrganogram {
  report: ImportReport;
  senior?: SeniorRow[];
  junior?: JuniorRow[];
}

/**
 * Reads an organogram file's bytes into rows, without touching the
 * database. A file that is not an organogram comes back with
 * `report.rejected` saying in one line what is missing or wrong.
 */
export function readOrganogram(
  file: string,
  bytes: Uint8Array,
): ReadOrganogram {
  const report = emptyReport(file);
  const refuse = (reason: string) => {
    report.rejected = reason;
    return { report };
  };
  const decoded = decodeFile(bytes);
  if ('error' in decoded) {
    return refuse(decoded.error);
  }
  const records = readCsv(decoded.text);
  const controls = removeHiddenControls(records);
  const header = findHeader(records);
  const cut = findCutShort(
    decoded.text,
    records,
    'error' in header ? undefined : header.position,
  );
  if (cut !== undefined) {
    return refuse(cut);
  }
  if ('error' in header) {
    return refuse(header.error);
  }
  const read: ReadRows<SeniorRow | JuniorRow> =
    header.kind === 'senior'
      ? readSeniorRows(header, records)
      : readJuniorRows(header, records);
  if (read.rowsRead === 0) {
    return refuse(`the ${header.kind} organogram has a header but no rows`);
  }
  if (read.rows.length > 0 && mostNamedOrganisation(read.rows) === null) {
    return refuse(
      'no row names its Organisation, so whose return it is is unknown',
    );
  }

  report.kind = header.kind;
  report.rowsRead = read.rowsRead;
  report.skipped = read.skipped;
  report.warnings = [...decoded.warnings];
  if (controls > 0) {
    report.warnings.push(
      `${controls === 1 ? '1 cell' : `${controls} cells`} held control or ` +
        `text-direction characters, which were removed`,
    );
  }
  report.warnings.push(...header.warnings, ...read.warnings);
  // The damage was done before the file was made (a spreadsheet read
  // with the wrong encoding); there is no way to know what stood there.
  const replaced = decoded.text.match(/\uFFFD/g)?.length ?? 0;
  if (replaced > 0) {
    report.warnings.push(
      `${replaced} U+FFFD replacement characters ` +
        `(text damaged before this file was made) are kept as they are`,
    );
  }
  if (read.rows.length === 0) {
    report.warnings.push('no row could be imported, so nothing was changed');
  }
  return header.kind === 'senior'
    ? { report, senior: read.rows as SeniorRow[] }
    : { report, junior: read.rows as JuniorRow[] };
}

async function readFromDisk(file: string): Promise<ReadOrganogram> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const report = emptyReport(file);
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    report.rejected = `cannot read the file (${code})`;
    return { report };
  }
  return readOrganogram(file, bytes);
}

/** How `importOrganogramFiles` may go about its work. */
export interface ImportOptions {
  /** The time changes are recorded at; the clock when not given. */
  now?: () => string;
  /**
   * Import a return even when it would end more than half of its
   * department's active posts (or a junior file, of its teams), which is
   * otherwise refused as the mark of a damaged or partial file.
   */
  allowEndingMost?: boolean;
}

/**
 * Imports organogram CSV files, each in a transaction of its own (all of
 * a file or none of it). Senior files go before junior files whatever
 * the order given, because junior staff are counted under senior posts.
 * Reports come back in the order the files were given.
 */
export async function importOrganogramFiles(
  db: Kysely<Database>,
  files: string[],
  options: ImportOptions = {},
): Promise<ImportReport[]> {
  const now = options.now ?? (() => new Date().toISOString());
  const allowEndingMost = options.allowEndingMost ?? false;
  // Every file is read before any is applied, to know which are senior;
  // returns are a few hundred kilobytes, so holding them all is fine.
  const read = await Promise.all(files.map(readFromDisk));
  const rank = (file: ReadOrganogram) => (file.junior ? 1 : 0);
  const order = [...read.keys()].sort((a, b) => {
    const [first, second] = [read[a], read[b]];
    return (first && second ? rank(first) - rank(second) : 0) || a - b;
  });
  const reports: ImportReport[] = read.map((file) => file.report);
  for (const index of order) {
    const file = read[index];
    if (file && file.report.rejected === undefined) {
      reports[index] = await applyFile(db, file, now(), allowEndingMost);
    }
  }
  return reports;
}

async function applyFile(
  db: Kysely<Database>,
  file: ReadOrganogram,
  now: string,
  allowEndingMost: boolean,
): Promise<ImportReport> {
  const { report } = file;
  try {
    await db.transaction().execute(async (trx) => {
      const run = await trx
        .insertInto('import_runs')
        .values({
          kind: 'organogram',
          source_name: basename(report.file),
          started_at: now,
          finished_at: null,
          summary: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const ctx = new ImportContext(trx, now, run.id, report, {
        allowEndingMost,
      });
      if (file.senior) {
        await applySeniorFile(ctx, file.senior, report.skipped);
      } else if (file.junior) {
        await applyJuniorFile(ctx, file.junior, report.skipped);
      }
      // Search must match what the transaction commits, so the index is
      // brought up to date inside it.
      for (const postId of ctx.postsToReindex) {
        await reindexPost(trx, postId);
      }
      for (const personId of ctx.peopleToReindex) {
        await reindexPerson(trx, personId);
      }
      const { file: _name, ...summary } = report;
      await trx
        .updateTable('import_runs')
        .set({
          finished_at: new Date().toISOString(),
          summary: JSON.stringify(summary),
        })
        .where('id', '=', run.id)
        .execute();
    });
    return report;
  } catch (error) {
    const failed = emptyReport(report.file);
    failed.rejected =
      error instanceof ImportRefusal
        ? error.message
        : `the import failed and nothing was written: ${(error as Error).message}`;
    return failed;
  }
}
