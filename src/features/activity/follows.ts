import type { Db } from '../../database.ts';
import type { WatchLevel } from './tables.ts';

// Following people and watching groups and blogs. Following brings a
// person's activity into your home stream; watching (or muting) a group
// or blog decides whether its new content notifies you (./fanout.ts).
// Being mentioned never makes anyone a follower or a watcher (BUG-07).

/** Follows a person; again is no change. Nobody follows themselves. */
export async function follow(
  db: Db,
  followerId: number,
  personId: number,
  now = new Date().toISOString(),
): Promise<void> {
  if (followerId === personId) {
    return;
  }
  await db
    .insertInto('follows')
    .values({ follower_id: followerId, person_id: personId, created_at: now })
    .onConflict((oc) => oc.columns(['follower_id', 'person_id']).doNothing())
    .execute();
}

export async function unfollow(
  db: Db,
  followerId: number,
  personId: number,
): Promise<void> {
  await db
    .deleteFrom('follows')
    .where('follower_id', '=', followerId)
    .where('person_id', '=', personId)
    .execute();
}

export async function isFollowing(
  db: Db,
  followerId: number,
  personId: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('follows')
    .select('person_id')
    .where('follower_id', '=', followerId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return row !== undefined;
}

/** A group or a blog someone may watch. */
export type WatchTarget = { groupId: number } | { blogId: number };

/** Sets the person's level on a group or blog; again replaces it. */
export async function setWatchLevel(
  db: Db,
  personId: number,
  target: WatchTarget,
  level: WatchLevel,
  now = new Date().toISOString(),
): Promise<void> {
  await clearWatchLevel(db, personId, target);
  if ('groupId' in target) {
    await db
      .insertInto('group_watches')
      .values({
        person_id: personId,
        group_id: target.groupId,
        level,
        created_at: now,
      })
      .execute();
    return;
  }
  await db
    .insertInto('blog_watches')
    .values({
      person_id: personId,
      blog_id: target.blogId,
      level,
      created_at: now,
    })
    .execute();
}

export async function clearWatchLevel(
  db: Db,
  personId: number,
  target: WatchTarget,
): Promise<void> {
  await ('groupId' in target
    ? db
        .deleteFrom('group_watches')
        .where('person_id', '=', personId)
        .where('group_id', '=', target.groupId)
        .execute()
    : db
        .deleteFrom('blog_watches')
        .where('person_id', '=', personId)
        .where('blog_id', '=', target.blogId)
        .execute());
}

/** The person's level on a group or blog, or null when they set none. */
export async function watchLevelOn(
  db: Db,
  personId: number,
  target: WatchTarget,
): Promise<WatchLevel | null> {
  const row = await ('groupId' in target
    ? db
        .selectFrom('group_watches')
        .select('level')
        .where('person_id', '=', personId)
        .where('group_id', '=', target.groupId)
        .executeTakeFirst()
    : db
        .selectFrom('blog_watches')
        .select('level')
        .where('person_id', '=', personId)
        .where('blog_id', '=', target.blogId)
        .executeTakeFirst());
  return row?.level ?? null;
}

/** Everyone at `level` on a group or blog. */
export async function peopleWatching(
  db: Db,
  target: WatchTarget,
  level: WatchLevel,
): Promise<number[]> {
  const rows = await ('groupId' in target
    ? db
        .selectFrom('group_watches')
        .select('person_id')
        .where('group_id', '=', target.groupId)
        .where('level', '=', level)
        .execute()
    : db
        .selectFrom('blog_watches')
        .select('person_id')
        .where('blog_id', '=', target.blogId)
        .where('level', '=', level)
        .execute());
  return rows.map((row) => row.person_id);
}
