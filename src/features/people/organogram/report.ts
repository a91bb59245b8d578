/** What an organogram import did, for the command line and tests. */
export interface ImportReport {
  file: string;
  /** Set when the whole file was refused: what is missing or wrong. */
  rejected?: string;
}

export function formatImportReport(report: ImportReport): string {
  return report.rejected ? `${report.file}: ${report.rejected}` : report.file;
}
