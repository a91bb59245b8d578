import type { Db } from '../../database.ts';
import type { WatchLevel } from './tables.ts';

// What each reader keeps of a thread: a watch or a mute (of a thread or
// a whole category), and how far they have read. Watches decide who is
// told of new posts (features/activity/fanout.ts).

export const WATCH_LEVELS: readonly WatchLevel[] = ['watch', 'mute'];

/** Sets the person's level on a thread or a category; again replaces it. */
export async function setWatch(
  db: Db,
  personId: number,
  target: { threadId: number } | { categoryId: number },
  level: WatchLevel,
  now = new Date().toISOString(),
): Promise<void> {
  await clearWatch(db, personId, target);
  await db
    .insertInto('talk_watches')
    .values({
      person_id: personId,
      thread_id: 'threadId' in target ? target.threadId : null,
      category_id: 'categoryId' in target ? target.categoryId : null,
      level,
      created_at: now,
    })
    .execute();
}

export async function clearWatch(
  db: Db,
  personId: number,
  target: { threadId: number } | { categoryId: number },
): Promise<void> {
  let query = db.deleteFrom('talk_watches').where('person_id', '=', personId);
  query =
    'threadId' in target
      ? query.where('thread_id', '=', target.threadId)
      : query.where('category_id', '=', target.categoryId);
  await query.execute();
}

/** The person's level on a thread, or null when they set none. */
export async function watchLevelOf(
  db: Db,
  personId: number,
  target: { threadId: number } | { categoryId: number },
): Promise<WatchLevel | null> {
  let query = db
    .selectFrom('talk_watches')
    .select('level')
    .where('person_id', '=', personId);
  query =
    'threadId' in target
      ? query.where('thread_id', '=', target.threadId)
      : query.where('category_id', '=', target.categoryId);
  const row = await query.executeTakeFirst();
  return row?.level ?? null;
}

/** What one reader keeps of one thread, as its page shows it. */
export interface ReaderMarks {
  /** Their level on the thread itself, or null when they set none. */
  watch: WatchLevel | null;
  /** How far they have read (a position); null before their first visit. */
  lastReadPosition: number | null;
}

/** The person's watch level and read marker on a thread, in one query. */
export async function readerMarksOf(
  db: Db,
  personId: number,
  threadId: number,
): Promise<ReaderMarks> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('talk_watches')
        .select('level')
        .where('person_id', '=', personId)
        .where('thread_id', '=', threadId)
        .as('watch'),
      eb
        .selectFrom('talk_reads')
        .select('last_read_position')
        .where('person_id', '=', personId)
        .where('thread_id', '=', threadId)
        .as('last_read_position'),
    ])
    .executeTakeFirstOrThrow();
  return {
    watch: row.watch,
    lastReadPosition: row.last_read_position,
  };
}

/**
 * Who set `level` on a thread or a category: whom its new posts notify
 * (watch) or must not (mute).
 */
export async function peopleAtLevel(
  db: Db,
  target: { threadId: number } | { categoryId: number },
  level: WatchLevel,
): Promise<number[]> {
  let query = db
    .selectFrom('talk_watches')
    .select('person_id')
    .where('level', '=', level);
  query =
    'threadId' in target
      ? query.where('thread_id', '=', target.threadId)
      : query.where('category_id', '=', target.categoryId);
  const rows = await query.execute();
  return rows.map((row) => row.person_id);
}

/**
 * Records that the person has read up to `position` (a post's number in
 * the order of posting), no further than the thread's last post. A marker
 * never moves back: reading an old page again does not make newer posts
 * unread.
 */
export async function markRead(
  db: Db,
  personId: number,
  threadId: number,
  asked: number,
  now = new Date().toISOString(),
): Promise<number> {
  const last = await db
    .selectFrom('talk_posts')
    .select((eb) => eb.fn.max('position').as('position'))
    .where('thread_id', '=', threadId)
    .executeTakeFirstOrThrow();
  const position = Math.min(asked, Number(last.position ?? 0));
  const existing = await lastReadPosition(db, personId, threadId);
  if (existing === null) {
    await db
      .insertInto('talk_reads')
      .values({
        person_id: personId,
        thread_id: threadId,
        last_read_position: position,
        read_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['person_id', 'thread_id']).doUpdateSet({
          last_read_position: position,
          read_at: now,
        }),
      )
      .execute();
    return position;
  }
  if (position <= existing) {
    return existing;
  }
  await db
    .updateTable('talk_reads')
    .set({ last_read_position: position, read_at: now })
    .where('person_id', '=', personId)
    .where('thread_id', '=', threadId)
    .execute();
  return position;
}

export async function lastReadPosition(
  db: Db,
  personId: number,
  threadId: number,
): Promise<number | null> {
  const row = await db
    .selectFrom('talk_reads')
    .select('last_read_position')
    .where('person_id', '=', personId)
    .where('thread_id', '=', threadId)
    .executeTakeFirst();
  return row?.last_read_position ?? null;
}
