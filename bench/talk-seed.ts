// Seeds Talk at scale through Kysely, many rows a statement and one
// transaction a batch, rather than through appendPost and createThread:
// those take a lock and read the thread's last number for every post,
// which is right for people and minutes too slow for 110,000 rows. The
// rows written are the ones those functions would write.
import { sql } from 'kysely';
import type { Db } from '../src/database.ts';
import { countNewThreads } from '../src/features/talk/category-counts.ts';

const BATCH = 1_000;
const START = Date.parse('2026-01-05T08:00:00.000Z');

/** Who the seeded threads and replies are by. */
export interface BenchAuthor {
  authorId: number;
  authorName: string;
}

function at(second: number): string {
  return new Date(START + second * 1000).toISOString();
}

/**
 * Grows the category to `target` threads, each with its opening post
 * only; each new thread is a minute newer than the one before, so the
 * list's order is the order of seeding, newest first.
 */
export async function growCategory(
  db: Db,
  categoryId: number,
  by: BenchAuthor,
  target: number,
): Promise<void> {
  const row = await db
    .selectFrom('talk_threads')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('category_id', '=', categoryId)
    .executeTakeFirstOrThrow();
  for (let from = Number(row.count); from < target; from += BATCH) {
    const numbers = range(from, Math.min(target, from + BATCH));
    await db.transaction().execute(async (trx) => {
      const threads = await trx
        .insertInto('talk_threads')
        .values(
          numbers.map((n) => ({
            category_id: categoryId,
            title: `Bench thread ${n + 1}`,
            author_id: by.authorId,
            author_name: by.authorName,
            created_at: at(n * 60),
            updated_at: at(n * 60),
            last_activity_at: at(n * 60),
          })),
        )
        .returning(['id', 'created_at'])
        .execute();
      await trx
        .insertInto('talk_posts')
        .values(
          threads.map((thread) => ({
            thread_id: thread.id,
            position: 1,
            shown_position: 1,
            author_id: by.authorId,
            author_name: by.authorName,
            body: 'The opening post of a bench thread.',
            created_at: thread.created_at,
          })),
        )
        .execute();
      await countNewThreads(trx, categoryId, threads.length);
    });
  }
}

/**
 * Grows the thread to `target` replies after its opening post, and keeps
 * its counter and times in step as appendPost would.
 */
export async function growThread(
  db: Db,
  threadId: number,
  by: BenchAuthor,
  target: number,
): Promise<void> {
  const last = await db
    .selectFrom('talk_posts')
    .select((eb) => eb.fn.max('position').as('position'))
    .where('thread_id', '=', threadId)
    .executeTakeFirstOrThrow();
  const posts = Number(last.position ?? 0);
  for (let from = posts; from < target + 1; from += BATCH) {
    const positions = range(from + 1, Math.min(target + 1, from + BATCH) + 1);
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('talk_posts')
        .values(
          positions.map((position) => ({
            thread_id: threadId,
            position,
            shown_position: position,
            author_id: by.authorId,
            author_name: by.authorName,
            body: `Reply ${position - 1}: a few words of Markdown, *some* of them.`,
            created_at: at(position),
          })),
        )
        .execute();
    });
  }
  const newest = at(target + 1);
  await db
    .updateTable('talk_threads')
    .set({
      reply_count: target,
      last_reply_at: newest,
      last_activity_at: sql`case when last_activity_at < ${newest}
        then ${newest} else last_activity_at end`,
    })
    .where('id', '=', threadId)
    .execute();
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
