// What one Stack Exchange import did, for the command line and tests.

/** Questions, answers and comments: read from the files, or added here. */
export interface DumpCounts {
  questions: number;
  answers: number;
  comments: number;
  acceptedAnswers: number;
}

export interface StackExchangeReport {
  directory: string;
  category: string;
  categoryCreated: boolean;
  read: DumpCounts & { tagWikiEntries: number };
  /**
   * What this run added; a second run of the same files adds nothing.
   * `tags` counts a thread's tags, one for each thread and tag.
   */
  added: DumpCounts & { scores: number; tags: number };
  /** Closed questions, imported as locked threads. */
  closedQuestions: number;
  /** The dump's tags and how many questions carry each. */
  tags: Record<string, number>;
  /** HTML elements whose content was kept as text, by name. */
  keptAsText: Record<string, number>;
  /** Links and images dropped for their target (javascript: and such). */
  refusedLinks: number;
  skipped: { where: string; reason: string }[];
  milliseconds: number;
}

export function emptyStackExchangeReport(
  directory: string,
  category: string,
): StackExchangeReport {
  const counts = () => ({
    questions: 0,
    answers: 0,
    comments: 0,
    acceptedAnswers: 0,
  });
  return {
    directory,
    category,
    categoryCreated: false,
    read: { ...counts(), tagWikiEntries: 0 },
    added: { ...counts(), scores: 0, tags: 0 },
    closedQuestions: 0,
    tags: {},
    keptAsText: {},
    refusedLinks: 0,
    skipped: [],
    milliseconds: 0,
  };
}

/** The report as the command line prints it. */
export function formatStackExchangeReport(report: StackExchangeReport): string {
  const { read, added } = report;
  const tags = Object.entries(report.tags).sort(
    ([a, x], [b, y]) => y - x || a.localeCompare(b),
  );
  const kept = Object.entries(report.keptAsText).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  return [
    `${report.directory} into category ${report.category}` +
      (report.categoryCreated ? ' (created)' : '') +
      ':',
    `  read: ${read.questions} questions, ${read.answers} answers, ` +
      `${read.comments} comments, ${read.acceptedAnswers} accepted answers ` +
      `(${read.tagWikiEntries} tag wiki entries not imported)`,
    `  added: ${added.questions} threads, ${added.answers} answers, ` +
      `${added.comments} comments, ${added.acceptedAnswers} accepted ` +
      `answers, ${added.scores} scores, ${added.tags} thread tags`,
    `  closed questions imported as locked threads: ${report.closedQuestions}`,
    `  tags read: ${tags.length}`,
    ...(tags.length > 0
      ? [`    ${tags.map(([tag, n]) => `${tag} ${n}`).join(', ')}`]
      : []),
    `  HTML kept as text: ${
      kept.map(([name, n]) => `<${name}> ${n}`).join(', ') || 'none'
    }; links refused: ${report.refusedLinks}`,
    `  skipped: ${report.skipped.length}`,
    ...report.skipped.map((item) => `    ${item.where}: ${item.reason}`),
    `  took ${(report.milliseconds / 1000).toFixed(1)} s`,
  ].join('\n');
}
