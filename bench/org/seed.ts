// Seeds one scale of the organisation, part by part, timing each: people
// and groups first (base.ts), then Talk, blogs, the wiki, activity (which
// points at what the others wrote), then the search index and the
// statistics a settled database would have.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/database.ts';
import { mergeSearchIndex } from '../../src/features/search/merge.ts';
import { reindexEverything } from '../../src/features/search/reindex.ts';
import { dialectOf } from '../../src/platform/db/dialect.ts';
import { seedBase } from './base.ts';
import type {
  OrgScale,
  ReadScenario,
  SeedPart,
  WriteScenario,
} from './context.ts';
import { seedActivity } from './seed-activity.ts';
import { seedBlogs } from './seed-blogs.ts';
import { peopleScenarios } from './seed-people.ts';
import { seedTalk } from './seed-talk.ts';
import { seedWiki } from './seed-wiki.ts';

export interface OrgSeed {
  memberId: number;
  memberEmail: string;
  password: string;
  reads: ReadScenario[];
  writes: WriteScenario[];
  /** Seconds each part took, in the order they ran. */
  seconds: Record<string, number>;
  counts: Record<string, number>;
  /** Counts the notifications of the new thread titled `title`. */
  notified(title: string): Promise<number>;
  /** How many people a new thread in the all-watched category tells. */
  fanoutExpected: number;
}

/** Seeds an empty, migrated database; prints each part as it ends. */
export async function seedOrganisation(
  db: Kysely<Database>,
  scale: OrgScale,
  password: string,
  say: (line: string) => void,
): Promise<OrgSeed> {
  const seconds: Record<string, number> = {};
  const counts: Record<string, number> = {};
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    seconds[name] = (performance.now() - started) / 1000;
    say(`  ${name}: ${seconds[name].toFixed(1)} s`);
    return result;
  };
  if (dialectOf(db) === 'sqlite') {
    // The seed writes millions of rows into six indexes of
    // activity_events in random key order; with better-sqlite3's 16 MB
    // page cache most rows read and wrote index pages through the
    // operating system, and a third of an org seed's CPU time was spent
    // in system calls. A page cache of 4 GiB (this connection's only; the
    // server keeps its own) holds the indexes of the largest scale.
    await sql`pragma cache_size = -4194304`.execute(db);
  }
  const base = await timed('people and groups', () =>
    seedBase(db, scale, password),
  );
  Object.assign(counts, base.counts);
  const ctx = base.context;
  const parts: SeedPart[] = [await peopleScenarios(ctx)];
  const talk = await timed('talk', () => seedTalk(ctx));
  parts.push(talk);
  parts.push(await timed('blogs', () => seedBlogs(ctx)));
  parts.push(await timed('wiki', () => seedWiki(ctx)));
  // The activity part pages through what the others wrote by id. Without
  // statistics SQLite read every approved blog comment through its status
  // index and sorted them for each page of 1,000: 2.6 s a page at org5,
  // a quarter of an hour in all. Sampled statistics (analysis_limit) made
  // the same mistake; whole ones take seconds.
  await timed('statistics for the activity', () => sql`analyze`.execute(db));
  parts.push(await timed('activity', () => seedActivity(ctx)));
  await timed('search index', () => reindexEverything(db));
  // What the nightly job (src/features/search/merge.ts) would have done
  // to an index built in a day; nothing on PostgreSQL.
  await timed('search index merged', () =>
    mergeSearchIndex(db, { budgetMs: Infinity }),
  );
  // As a settled database would be after autovacuum: statistics for the
  // planner, and PostgreSQL's visibility map for index-only scans.
  await timed('statistics', () =>
    sql`${sql.raw(dialectOf(db) === 'postgres' ? 'vacuum analyze' : 'analyze')}`.execute(
      db,
    ),
  );
  for (const part of parts) {
    Object.assign(counts, part.counts);
  }
  return {
    memberId: ctx.memberId,
    memberEmail: base.memberEmail,
    password,
    reads: parts.flatMap((part) => part.reads),
    writes: parts.flatMap((part) => part.writes),
    seconds,
    counts,
    notified: (title) => talk.fanout.notified(db, title),
    fanoutExpected: talk.fanout.expected,
  };
}
