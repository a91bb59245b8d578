import type { OrganogramKind } from './format.ts';
import type { SkippedRow } from './rows.ts';

/** How many records of one kind an import created, changed or ended. */
export interface ChangeCounts {
  created: number;
  updated: number;
  ended: number;
  reopened: number;
}

/** What an organogram import did, for the command line and tests. */
export interface ImportReport {
  /** The file as it was named to the importer. */
  file: string;
  /** Set when the whole file was refused: what is missing or wrong. */
  rejected?: string;
  kind?: OrganogramKind;
  /** The department whose return the file is. */
  department?: string;
  /** Data rows read under the header, blank rows not counted. */
  rowsRead: number;
  departmentsCreated: number;
  posts: ChangeCounts;
  people: { created: number; updated: number };
  /**
   * People the import left holding no post, whose job title, grade and
   * unit (which came from organograms) it cleared.
   */
  jobDetailsCleared: number;
  juniorTeams: ChangeCounts;
  skipped: SkippedRow[];
  warnings: string[];
}

/** A report with nothing done yet. */
export function emptyReport(file: string): ImportReport {
  const counts = () => ({ created: 0, updated: 0, ended: 0, reopened: 0 });
  return {
    file,
    rowsRead: 0,
    departmentsCreated: 0,
    posts: counts(),
    people: { created: 0, updated: 0 },
    jobDetailsCleared: 0,
    juniorTeams: counts(),
    skipped: [],
    warnings: [],
  };
}

/** True when the import changed nothing in the directory. */
export function changedNothing(report: ImportReport): boolean {
  const { posts, people, juniorTeams } = report;
  return (
    report.departmentsCreated === 0 &&
    report.jobDetailsCleared === 0 &&
    Object.values(posts).every((n) => n === 0) &&
    Object.values(people).every((n) => n === 0) &&
    Object.values(juniorTeams).every((n) => n === 0)
  );
}

function counts(label: string, c: ChangeCounts): string {
  return (
    `  ${label}: ${c.created} created, ${c.updated} updated, ` +
    `${c.ended} ended, ${c.reopened} reopened`
  );
}

/**
 * The summary printed after an import: one line for a refused file,
 * otherwise the counts, then every skipped row and every warning.
 */
export function formatImportReport(report: ImportReport): string {
  if (report.rejected !== undefined) {
    return `${report.file}: rejected: ${report.rejected}`;
  }
  const what = report.kind === 'junior' ? 'junior staff' : 'senior posts';
  const lines = [
    `${report.file}: ${what} of ${report.department ?? 'an unknown department'}`,
    `  rows read: ${report.rowsRead}`,
  ];
  if (report.departmentsCreated > 0) {
    lines.push(`  departments created: ${report.departmentsCreated}`);
  }
  if (report.kind === 'junior') {
    lines.push(counts('junior teams', report.juniorTeams));
  } else {
    lines.push(
      counts('posts', report.posts),
      `  people: ${report.people.created} created, ${report.people.updated} updated`,
    );
  }
  if (report.jobDetailsCleared > 0) {
    lines.push(
      `  people left holding no post: ${report.jobDetailsCleared} ` +
        `(job title, grade and unit cleared)`,
    );
  }
  if (changedNothing(report)) {
    lines.push('  nothing changed');
  }
  lines.push(`  skipped rows: ${report.skipped.length}`);
  for (const row of report.skipped) {
    lines.push(`    line ${row.line}: ${row.reason}`);
  }
  lines.push(`  warnings: ${report.warnings.length}`);
  for (const warning of report.warnings) {
    lines.push(`    ${warning}`);
  }
  return lines.join('\n');
}
