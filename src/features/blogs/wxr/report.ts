import type { BlogAudience, BlogPostStatus } from '../tables.ts';

// What one WordPress import did, for the command line and tests.

/** Things of each kind: added by this run, or found from an earlier one. */
export interface KindCounts {
  posts: number;
  pages: number;
  comments: number;
  attachments: number;
}

export interface WxrReport {
  file: string;
  blog: string;
  blogCreated: boolean;
  /** The wiki the pages went into: 'site' or a group's slug. */
  wikiSpace: string;
  /** The `wp:wxr_version` the file declares. */
  version: string;
  /** Items of each WordPress type the file holds, damaged ones aside. */
  itemsRead: Record<string, number>;
  added: KindCounts;
  /** Imported before, by an earlier run of this file into this blog. */
  alreadyThere: KindCounts;
  /** Posts added, by status and by audience. */
  postStatuses: Record<BlogPostStatus, number>;
  postAudiences: Record<BlogAudience, number>;
  /** Comments added, by approval. */
  commentStatuses: { approved: number; pending: number };
  /** Comments read and deliberately left out, by why. */
  commentsLeftOut: Record<string, number>;
  /** Items of types that are not content, by type, with the reason. */
  itemsLeftOut: Record<string, { count: number; reason: string }>;
  authors: { matched: string[]; formerContributors: string[] };
  /** Shortcodes with no Markdown form, kept as written, by name. */
  shortcodesKept: Record<string, number>;
  /** Things that could not be imported: damage, missing dates and such. */
  skipped: { where: string; reason: string }[];
  /** Things imported with a change worth knowing, such as a new title. */
  notes: { where: string; note: string }[];
  /** Things imported that someone should look at, such as a post only
   * the blog's managers can now read. */
  warnings: { where: string; warning: string }[];
  milliseconds: number;
}

export function emptyWxrReport(file: string, blog: string): WxrReport {
  const counts = () => ({ posts: 0, pages: 0, comments: 0, attachments: 0 });
  return {
    file,
    blog,
    blogCreated: false,
    wikiSpace: '',
    version: '',
    itemsRead: {},
    added: counts(),
    alreadyThere: counts(),
    postStatuses: { published: 0, scheduled: 0, draft: 0 },
    postAudiences: { everyone: 0, members: 0, private: 0 },
    commentStatuses: { approved: 0, pending: 0 },
    commentsLeftOut: {},
    itemsLeftOut: {},
    authors: { matched: [], formerContributors: [] },
    shortcodesKept: {},
    skipped: [],
    notes: [],
    warnings: [],
    milliseconds: 0,
  };
}

/** Adds one to a count kept by name. */
export function countIn(counts: Record<string, number>, name: string): void {
  counts[name] = (counts[name] ?? 0) + 1;
}

function listed(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  return entries.map(([name, n]) => `${name} ${n}`).join(', ') || 'none';
}

function kinds(counts: KindCounts): string {
  return (
    `${counts.posts} posts, ${counts.pages} pages, ` +
    `${counts.comments} comments, ${counts.attachments} attachments`
  );
}

/** The report as the command line prints it. */
export function formatWxrReport(report: WxrReport): string {
  const left = Object.entries(report.itemsLeftOut).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  return [
    `${report.file} (WXR ${report.version || 'version not given'}) into ` +
      `blog ${report.blog}${report.blogCreated ? ' (created)' : ''}, ` +
      `pages into the ${report.wikiSpace} wiki:`,
    `  read: ${listed(report.itemsRead)}`,
    `  added: ${kinds(report.added)}`,
    `  already there: ${kinds(report.alreadyThere)}`,
    `  posts added by status: ${listed(report.postStatuses)}; ` +
      `by audience: ${listed(report.postAudiences)}`,
    `  comments added: ${report.commentStatuses.approved} approved, ` +
      `${report.commentStatuses.pending} awaiting approval`,
    `  comments left out: ${listed(report.commentsLeftOut)}`,
    ...left.map(
      ([type, { count, reason }]) => `  left out ${count} ${type}: ${reason}`,
    ),
    `  authors matched to people: ${report.authors.matched.length}` +
      `; kept as former contributors: ` +
      (report.authors.formerContributors.join(', ') || 'none'),
    `  shortcodes kept as text: ${listed(report.shortcodesKept)}`,
    `  notes: ${report.notes.length}`,
    ...report.notes.map((item) => `    ${item.where}: ${item.note}`),
    `  warnings: ${report.warnings.length}`,
    ...report.warnings.map((item) => `    ${item.where}: ${item.warning}`),
    `  skipped: ${report.skipped.length}`,
    ...report.skipped.map((item) => `    ${item.where}: ${item.reason}`),
    `  took ${(report.milliseconds / 1000).toFixed(1)} s`,
  ].join('\n');
}
