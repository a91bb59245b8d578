import { sql } from 'kysely';
import type { Expression } from 'kysely';
import type { Db } from '../../../database.ts';

// What each signed-in reader has not read yet: for a page of threads in
// one query, for a whole category at once. A reader's marker is the
// `position` of the last post they read (reading.ts). Because shown
// numbers follow posting order without gaps, the shown posts after the
// marker number `shown - shownUpToMarker`, and the first of them is shown
// post `shownUpToMarker + 1`: two index lookups a thread, however long
// it is, rather than a count over its unread posts.

/** A thread's unread posts for one reader. */
export interface Unread {
  /** Shown posts after the reader's marker; all of them when none. */
  count: number;
  /** The reader's marker; null when they have never opened the thread. */
  lastReadPosition: number | null;
  /** The first unread post, when there is one. */
  first: { postId: number; shownPosition: number } | null;
}

/** Shown posts of thread `t` up to and including the reader's marker. */
const shownUpToMarker = sql<number>`coalesce((select p.shown_position
  from talk_posts as p
  where p.thread_id = t.id and p.position <= r.last_read_position
    and p.shown_position is not null
  order by p.position desc limit 1), 0)`;

const firstUnreadId = sql<number | null>`(select p.id from talk_posts as p
  where p.thread_id = t.id
    and p.position > coalesce(r.last_read_position, 0)
    and p.shown_position is not null
  order by p.position limit 1)`;

/**
 * Unread posts in each of `threadIds` for `readerId`, in one query. The
 * threads must already be ones the reader may read: this says how many
 * posts are new, not whether the reader may see them.
 */
export async function unreadInThreads(
  db: Db,
  readerId: number,
  threadIds: readonly number[],
): Promise<Map<number, Unread>> {
  const unread = new Map<number, Unread>();
  if (threadIds.length === 0) {
    return unread;
  }
  const rows = await db
    .selectFrom('talk_threads as t')
    .leftJoin('talk_reads as r', (join) =>
      join.onRef('r.thread_id', '=', 't.id').on('r.person_id', '=', readerId),
    )
    .select([
      't.id',
      'r.last_read_position',
      sql<number>`coalesce((select max(p.shown_position) from talk_posts
        as p where p.thread_id = t.id), 0)`.as('shown'),
      shownUpToMarker.as('read_shown'),
      firstUnreadId.as('first_unread_id'),
    ])
    .where('t.id', 'in', [...threadIds])
    .execute();
  for (const row of rows) {
    const readShown = Number(row.read_shown);
    const count = Math.max(0, Number(row.shown) - readShown);
    const firstId = row.first_unread_id;
    unread.set(row.id, {
      count,
      lastReadPosition: row.last_read_position,
      first:
        count > 0 && firstId !== null
          ? { postId: Number(firstId), shownPosition: readShown + 1 }
          : null,
    });
  }
  return unread;
}

/**
 * Moves the reader's marker to the end of every thread in the category
 * that readers are shown, in one statement. Like markRead, a marker
 * never moves back. The caller has checked that the reader may read the
 * category.
 */
export async function markCategoryRead(
  db: Db,
  readerId: number,
  categoryId: number,
  now = new Date().toISOString(),
): Promise<void> {
  const threads = db
    .selectFrom('talk_threads as t')
    .select([
      sql<number>`${readerId}`.as('person_id'),
      't.id as thread_id',
      sql<number>`coalesce((select max(p.position) from talk_posts as p
        where p.thread_id = t.id), 0)`.as('last_read_position'),
      sql.val(now).as('read_at'),
    ])
    .where('t.category_id', '=', categoryId)
    .where('t.deleted_at', 'is', null)
    .where('t.hidden', '=', 0);
  await writeMarkers(db, threads, 'always');
}

/** Rows of markers to write, as `talk_reads` holds them. */
type Markers = Expression<{
  person_id: number;
  thread_id: number;
  last_read_position: number;
  read_at: string;
}>;

/**
 * Writes the markers `rows` selects, each moving only forward; the time
 * read is `'always'` the new one, or only when the marker moved.
 */
async function writeMarkers(
  db: Db,
  rows: Markers,
  readAt: 'always' | 'when moved',
): Promise<void> {
  const moved = sql`excluded.last_read_position
    > talk_reads.last_read_position`;
  await db
    .insertInto('talk_reads')
    .columns(['person_id', 'thread_id', 'last_read_position', 'read_at'])
    .expression(rows)
    .onConflict((conflict) =>
      conflict.columns(['person_id', 'thread_id']).doUpdateSet({
        last_read_position: sql`case when ${moved}
          then excluded.last_read_position
          else talk_reads.last_read_position end`,
        read_at:
          readAt === 'always'
            ? sql`excluded.read_at`
            : sql`case when ${moved}
                then excluded.read_at else talk_reads.read_at end`,
      }),
    )
    .execute();
}

/**
 * Marks the reader's own new post read, and so everything before it:
 * they wrote it on the thread's last page, so it should not come back to
 * them as news.
 */
export async function markOwnPostRead(
  db: Db,
  readerId: number,
  postId: number,
  now = new Date().toISOString(),
): Promise<void> {
  // One statement, in the transaction that holds the thread's row: read
  // through markRead it took four. A post is never past its thread's
  // last, and the marker moves only forward, as markRead's does.
  const post = db
    .selectFrom('talk_posts as p')
    .select([
      sql<number>`${readerId}`.as('person_id'),
      'p.thread_id',
      'p.position as last_read_position',
      sql.val(now).as('read_at'),
    ])
    .where('p.id', '=', postId);
  await writeMarkers(db, post, 'when moved');
}
