import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { dialectOf } from '../../platform/db/dialect.ts';
import { enqueueJob } from '../../platform/jobs.ts';
import { inTransaction } from './reindex.ts';

// Merging SQLite's full-text indexes into one piece each, once a night.
//
// FTS5 writes each transaction's words as a new segment and merges
// segments of like size as they pile up, so a live index is a dozen or so
// segments. Asking whether one row holds a common word then seeks in that
// word's long list once per segment: at org scale (bench/org) 86 µs a row
// with 13 segments and 11 µs with one, and a search for a word in 30% of
// content walks about a hundred rows (./query.ts). Merged, that search
// took 4.6 ms in process instead of 7.5.
//
// The merge rewrites the whole index (136 MB at org) a step at a time,
// each step its own short transaction, so writers wait at most for one
// step (up to about 70 ms at org) rather than for the whole merge (1.8 s).
// The day's writes then add only small segments, which cost little to
// seek in, until the next night.
//
// PostgreSQL needs none of this: a GIN index is one tree, and autovacuum
// folds its list of pending entries into it.

/** The job that queues the next night's merge, then merges the index. */
export const SEARCH_MERGE_JOB = 'search.merge-index';

/** The hour (UTC) the nightly merge runs: night across the UK. */
const MERGE_HOUR_UTC = 2;

const DAY_MS = 24 * 60 * 60_000;

/**
 * How long one run merges before it stops and queues the rest a few
 * minutes on: well inside a job's lease (JOB_LEASE_SECONDS, 300 by
 * default). The whole merge took 1.8 s at org.
 */
const RUN_BUDGET_MS = 60_000;
const RUN_AGAIN_AFTER_MS = 5 * 60_000;

const FULL_TEXT_TABLES = ['search_fts', 'search_title_fts'] as const;

/**
 * Leaf pages one step merges. Negative asks FTS5 to merge segments of
 * every size, towards one; a hundred pages took 4.5 ms a step at org
 * (p50), 67 ms at most.
 */
const PAGES_PER_STEP = -100;

// FTS5 keeps the list of its segments in the row of id 10 of its _data
// table; a merge step that found nothing to do leaves it as it was.
const STRUCTURE_ROW = 10;

export interface MergeLimits {
  /** Stop after this long, to go on in a later run. */
  budgetMs: number;
}

export interface MergeReport {
  /** Merge steps that changed an index. */
  steps: number;
  /** False when the budget ran out before every index was one segment. */
  finished: boolean;
}

/**
 * Merges SQLite's full-text indexes step by step until each is one
 * segment or `limits.budgetMs` has passed; nothing to do on PostgreSQL.
 */
export async function mergeSearchIndex(
  db: Db,
  limits: MergeLimits = { budgetMs: RUN_BUDGET_MS },
): Promise<MergeReport> {
  if (dialectOf(db) !== 'sqlite') {
    return { steps: 0, finished: true };
  }
  const stopAt = performance.now() + limits.budgetMs;
  let steps = 0;
  for (const table of FULL_TEXT_TABLES) {
    for (;;) {
      if (performance.now() >= stopAt) {
        return { steps, finished: false };
      }
      const merged = await inTransaction(db, async (trx) => {
        const before = await structureOf(trx, table);
        await sql`insert into ${sql.table(table)} (${sql.ref(table)}, rank)
          values ('merge', ${PAGES_PER_STEP})`.execute(trx);
        const after = await structureOf(trx, table);
        return before === null || after === null
          ? before !== after
          : !before.equals(after);
      });
      if (!merged) {
        break;
      }
      steps += 1;
    }
  }
  return { steps, finished: true };
}

async function structureOf(db: Db, table: string): Promise<Buffer | null> {
  const result = await sql<{ block: Buffer }>`select block
    from ${sql.table(`${table}_data`)} where id = ${STRUCTURE_ROW}`.execute(db);
  return result.rows[0]?.block ?? null;
}

/**
 * Builds SQLite's full-text indexes again from the words kept beside
 * them (search_texts), then merges them; false on PostgreSQL, where each
 * row's vectors are written with it. For `civilmedia search rebuild`,
 * to mend an index that no longer matches its words: indexing a thing
 * again leaves its row alone when its words are the same
 * (./documents.ts), so `search reindex` does not reach such a row. Each
 * index is built in one transaction, so writers wait meanwhile: 18 s
 * for the index of bodies at org.
 */
export async function rebuildFullText(db: Db): Promise<boolean> {
  if (dialectOf(db) !== 'sqlite') {
    return false;
  }
  for (const table of FULL_TEXT_TABLES) {
    await inTransaction(db, (trx) =>
      sql`insert into ${sql.table(table)} (${sql.ref(table)})
        values ('rebuild')`.execute(trx),
    );
  }
  await mergeSearchIndex(db, { budgetMs: Infinity });
  return true;
}

/**
 * Queues the merge for the first 02:00 UTC after `now`, or, when a run
 * ran out of time, for `after` (a few minutes on). Keyed by its time, so
 * every process may call this at start and each night still runs once.
 * Only SQLite has anything to merge.
 */
export async function queueSearchIndexMerge(
  db: Db,
  now = new Date(),
  after?: Date,
): Promise<void> {
  if (dialectOf(db) !== 'sqlite') {
    return;
  }
  const runAt = after ?? nightAfter(now);
  await enqueueJob(db, {
    type: SEARCH_MERGE_JOB,
    payload: { at: runAt.toISOString() } satisfies MergePayload,
    runAt,
    key: `${SEARCH_MERGE_JOB}:${runAt.toISOString()}`,
  });
}

/** What a queued merge knows: the time it was queued for. */
interface MergePayload {
  at: string;
}

function nightAfter(time: Date): Date {
  const hour = MERGE_HOUR_UTC * 3_600_000;
  const night = Math.floor((time.getTime() - hour) / DAY_MS) + 1;
  return new Date(night * DAY_MS + hour);
}

/**
 * Runs a queued merge. The next night is queued first, counted from this
 * job's own time when that is later than now (an operator may run it
 * early), so a merge that keeps failing still leaves the next in place.
 */
export async function runSearchIndexMerge(
  db: Db,
  payload: unknown = null,
  now = new Date(),
): Promise<MergeReport> {
  const queuedFor = Date.parse(
    (payload as Partial<MergePayload> | null)?.at ?? '',
  );
  const from =
    Number.isFinite(queuedFor) && queuedFor > now.getTime()
      ? new Date(queuedFor)
      : now;
  await queueSearchIndexMerge(db, from);
  const report = await mergeSearchIndex(db);
  if (!report.finished) {
    await queueSearchIndexMerge(
      db,
      now,
      new Date(now.getTime() + RUN_AGAIN_AFTER_MS),
    );
  }
  return report;
}
