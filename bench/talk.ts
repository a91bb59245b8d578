// Times pages of one long discussion thread: page 1 and the last page
// after 1,000 and after 10,000 replies, through the same service calls
// the API makes, in process. Flat numbers mean a page is a range over an
// index, not an offset over the thread. `npx tsx bench/talk.ts` runs it
// alone on a fresh SQLite file; bench/run.ts may call
// measureThreadPages(db) on its own database.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Kysely } from 'kysely';
import type { Database } from '../src/database.ts';
import { buildPerson } from '../src/test-support/factories.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { ensureSiteCategory } from '../src/features/talk/categories.ts';
import { threadPage } from '../src/features/talk/pages.ts';
import { appendPost } from '../src/features/talk/posts.ts';
import { createThread } from '../src/features/talk/threads.ts';
import { createBenchDatabase } from './database.ts';

const ROUNDS = 200;

export interface PageTiming {
  replies: number;
  page: number;
  p50: number;
  p95: number;
}

function percentile(sorted: number[], share: number): number {
  return (
    sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? 0
  );
}

async function timePage(
  db: Kysely<Database>,
  threadId: number,
  page: number,
): Promise<{ p50: number; p95: number }> {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const start = performance.now();
    await threadPage(db, threadId, page);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
}

/** Builds a thread of 10,000 replies and times its first and last pages. */
export async function measureThreadPages(
  db: Kysely<Database>,
): Promise<PageTiming[]> {
  const authorId = await buildPerson(db, { displayName: 'Bench Author' });
  const category = await ensureSiteCategory(db, 'bench-talk', 'Bench');
  const by = { authorId, authorName: 'Bench Author' };
  const { threadId } = await createThread(db, {
    categoryId: category.id,
    title: 'A long thread',
    body: 'Opening post',
    ...by,
  });
  const timings: PageTiming[] = [];
  let replies = 0;
  for (const target of [1_000, 10_000]) {
    await db.transaction().execute(async (trx) => {
      for (; replies < target; replies += 1) {
        await appendPost(trx, threadId, {
          body: `Reply ${replies + 1}: a few words of Markdown, *some* of them.`,
          ...by,
        });
      }
    });
    const lastPage = Math.ceil((replies + 1) / 25);
    for (const page of [1, lastPage]) {
      timings.push({ replies, page, ...(await timePage(db, threadId, page)) });
    }
  }
  return timings;
}

async function main(): Promise<void> {
  const database = await createBenchDatabase('sqlite');
  const handle = openDatabase<Database>(database.url);
  try {
    await migrateToLatest(handle.db);
    for (const t of await measureThreadPages(handle.db)) {
      process.stdout.write(
        `thread of ${t.replies} replies, page ${t.page}: ` +
          `p50 ${t.p50.toFixed(3)} ms, p95 ${t.p95.toFixed(3)} ms\n`,
      );
    }
  } finally {
    await handle.close();
    await database.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
