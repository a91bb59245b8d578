import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../../database.ts';
import { nameKey } from '../../../platform/text.ts';
import { sharedDataPath } from '../../../test-support/shared-data.ts';
import { importOrganogramFiles } from './import.ts';

// Helpers for the importer's tests: the published files they read in
// place, and small organogram files they write for themselves.

/** The path of a published organogram in the shared test data. */
export function publishedFile(name: string): string {
  return sharedDataPath('directory', name);
}

export const SENIOR_COLUMNS = [
  'Post Unique Reference',
  'Name',
  'Grade',
  'Job Title',
  'Job/Team Function',
  'Parent Department',
  'Organisation',
  'Unit',
  'Contact Phone',
  'Contact E-mail',
  'Reports to Senior Post',
  'FTE',
  'Actual Pay Floor (£)',
  'Actual Pay Ceiling (£)',
] as const;

export type SeniorColumn = (typeof SENIOR_COLUMNS)[number];

/** CSV text with every cell quoted and CRLF line ends. */
export function csvText(rows: readonly (readonly string[])[]): string {
  const quote = (cell: string) => `"${cell.replace(/"/g, '""')}"`;
  return rows.map((row) => `${row.map(quote).join(',')}\r\n`).join('');
}

/** A senior row: reference, name and manager, the rest filled in. */
export function seniorRow(
  organisation: string,
  reference: string,
  name: string,
  reportsTo: string,
  overrides: Partial<Record<SeniorColumn, string>> = {},
): string[] {
  const row: Record<SeniorColumn, string> = {
    'Post Unique Reference': reference,
    Name: name,
    Grade: 'SCS1',
    'Job Title': `Director ${reference}`,
    'Job/Team Function': 'Leads the work.',
    'Parent Department': organisation,
    Organisation: organisation,
    Unit: 'Policy',
    'Contact Phone': '020 7946 0000',
    'Contact E-mail': 'n/a',
    'Reports to Senior Post': reportsTo,
    FTE: '1.0',
    'Actual Pay Floor (£)': '70000.0',
    'Actual Pay Ceiling (£)': '74999',
    ...overrides,
  };
  return SENIOR_COLUMNS.map((column) => row[column]);
}

export const JUNIOR_COLUMNS = [
  '',
  'Parent Department',
  'Organisation',
  'Unit',
  'Reporting Senior Post',
  'Grade',
  'Payscale Minimum (£)',
  'Payscale Maximum (£)',
  'Generic Job Title',
  'Number of Posts in FTE',
  'Professional/Occupational Group',
] as const;

/** A junior row: FTE of a grade and title under a senior post. */
export function juniorRow(
  organisation: string,
  seniorReference: string,
  grade: string,
  jobTitle: string,
  fte: string,
): string[] {
  return [
    '0',
    organisation,
    organisation,
    'Policy',
    seniorReference,
    grade,
    '23793.0',
    '30093',
    jobTitle,
    fte,
    'Policy',
  ];
}

let files = 0;

/** Writes a senior file for one organisation; returns its path. */
export function seniorFile(
  organisation: string,
  rows: [string, string, string, Partial<Record<SeniorColumn, string>>?][],
): string {
  files += 1;
  const body = rows.map(([reference, name, reportsTo, overrides]) =>
    seniorRow(organisation, reference, name, reportsTo, overrides),
  );
  return writeScratchFile(
    `senior-${files}.csv`,
    csvText([[...SENIOR_COLUMNS], ...body]),
  );
}

/** Writes a junior file; returns its path. */
export function juniorFile(rows: string[][]): string {
  files += 1;
  return writeScratchFile(
    `junior-${files}.csv`,
    csvText([[...JUNIOR_COLUMNS], ...rows]),
  );
}

/** Imports one file and returns its report. */
export async function importOne(
  db: Parameters<typeof importOrganogramFiles>[0],
  file: string,
) {
  const [report] = await importOrganogramFiles(db, [file]);
  if (!report) {
    throw new Error('the importer returned no report');
  }
  return report;
}

let directory: string | undefined;

/**
 * Writes a file for one test into this process's scratch directory, which
 * goes when the process ends.
 */
export function writeScratchFile(name: string, data: string | Uint8Array) {
  if (directory === undefined) {
    const made = mkdtempSync(join(tmpdir(), 'civilmedia-organogram-'));
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
    directory = made;
  }
  const path = join(directory, name);
  writeFileSync(path, data);
  return path;
}

/** A department's post by reference, with its holders' names. */
export async function findPost(db: Db, department: string, reference: string) {
  const post = await db
    .selectFrom('posts as p')
    .innerJoin('departments as d', 'd.id', 'p.department_id')
    .selectAll('p')
    .where('d.name_key', '=', nameKey(department))
    .where('p.reference', '=', reference)
    .executeTakeFirstOrThrow();
  const holders = await db
    .selectFrom('post_holders as h')
    .innerJoin('people as person', 'person.id', 'h.person_id')
    .select(['person.id', 'person.display_name'])
    .where('h.post_id', '=', post.id)
    .orderBy('person.display_name')
    .execute();
  return { ...post, holders: holders.map((holder) => holder.display_name) };
}

const COUNTED = [
  'departments',
  'units',
  'people',
  'posts',
  'post_holders',
  'junior_teams',
  'import_runs',
  'directory_changes',
  'directory_entries',
] as const;

/** How many rows each directory table holds. */
export async function tableCounts(
  db: Db,
): Promise<Record<(typeof COUNTED)[number], number>> {
  const counts = {} as Record<(typeof COUNTED)[number], number>;
  for (const table of COUNTED) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}
