import type { ConstructCounts } from './inline.ts';

/** What happened to one page of the file. */
export interface PageOutcome {
  /** The title in the file. */
  source: string;
  /** Our title, when it was imported. */
  title?: string;
  namespace: string;
  outcome: 'imported' | 'unchanged' | 'partly imported' | 'skipped';
  revisions: number;
  reason?: string;
}

/** What one MediaWiki import did, for the command line and tests. */
export interface MediaWikiReport {
  file: string;
  space: string;
  site: string;
  /** Pages and revisions read, and revisions newly stored, per namespace. */
  namespaces: Record<
    string,
    { pages: number; revisions: number; added: number }
  >;
  pagesRead: number;
  revisionsRead: number;
  revisionsAdded: number;
  /** Pages whose newest revision is a redirect. */
  redirects: number;
  minorEdits: number;
  /** Revisions whose stored <sha1> differs from their text. */
  sha1Mismatches: number;
  constructs: ConstructCounts;
  /** Pages stored as written (templates, modules, styles, scripts). */
  pagesKeptVerbatim: number;
  pages: PageOutcome[];
  skipped: { where: string; reason: string }[];
  authors: { matched: string[]; unmatched: number };
  milliseconds: number;
  revisionsPerSecond: number;
}

export function emptyMediaWikiReport(
  file: string,
  space: string,
): MediaWikiReport {
  return {
    file,
    space,
    site: '',
    namespaces: {},
    pagesRead: 0,
    revisionsRead: 0,
    revisionsAdded: 0,
    redirects: 0,
    minorEdits: 0,
    sha1Mismatches: 0,
    constructs: {},
    pagesKeptVerbatim: 0,
    pages: [],
    skipped: [],
    authors: { matched: [], unmatched: 0 },
    milliseconds: 0,
    revisionsPerSecond: 0,
  };
}

/** The report as the command line prints it. */
export function formatMediaWikiReport(report: MediaWikiReport): string {
  const lines = [
    `${report.file} (${report.site || 'unnamed wiki'}) into space ${report.space}:`,
    `  ${report.pagesRead} pages, ${report.revisionsRead} revisions read; ` +
      `${report.revisionsAdded} revisions added`,
    `  ${report.redirects} redirects, ${report.minorEdits} minor edits, ` +
      `${report.sha1Mismatches} stored checksums that differ from the text`,
    '  per namespace (pages / revisions / added):',
  ];
  for (const [name, counts] of Object.entries(report.namespaces)) {
    lines.push(
      `    ${name}: ${counts.pages} / ${counts.revisions} / ${counts.added}`,
    );
  }
  lines.push(
    `  kept as written: ${report.pagesKeptVerbatim} pages (templates, ` +
      'modules, styles, scripts)',
    '  constructs (converted / kept as written):',
  );
  const constructs = Object.entries(report.constructs).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  for (const [name, counts] of constructs) {
    lines.push(`    ${name}: ${counts.converted} / ${counts.verbatim}`);
  }
  lines.push(
    `  authors: ${report.authors.matched.length} matched to people, ` +
      `${report.authors.unmatched} kept as former contributors`,
    `  skipped: ${report.skipped.length}`,
  );
  // One push a line: spreading a damaged file's hundred thousand skipped
  // items into one call overflowed the stack.
  for (const item of report.skipped) {
    lines.push(`    ${item.where}: ${item.reason}`);
  }
  lines.push('  pages:');
  for (const page of report.pages) {
    lines.push(
      `    ${page.source} → ${page.title ?? '(none)'}: ${page.outcome}, ` +
        `${page.revisions} revisions${page.reason ? ` (${page.reason})` : ''}`,
    );
  }
  lines.push(
    `  took ${(report.milliseconds / 1000).toFixed(1)} s, ` +
      `${Math.round(report.revisionsPerSecond)} revisions per second`,
  );
  return lines.join('\n');
}
