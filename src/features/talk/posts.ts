import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { NotFoundError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/pagination.ts';
import { changeThread } from './category-counts.ts';
import {
  indexNewReply,
  indexTalkPost,
  indexThreadActivity,
} from '../search/sources.ts';

// The posts of a thread: the opening post is post 1, replies follow. How
// they are numbered, and why pages are ranges, is in the migration
// 2026-12-04T1400_talk.ts. Every change that takes a post out of what
// readers are shown renumbers the posts after it and the thread's
// counter in the same transaction, so a page is always full but the last.

export interface Post {
  id: number;
  threadId: number;
  /** Its place in the order of posting; never changes. */
  position: number;
  /** Its place among the posts readers are shown; null when not shown. */
  shownPosition: number | null;
  authorId: number | null;
  authorName: string;
  body: string;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  hiddenAt: string | null;
  quoteOf: number | null;
  importKey: string | null;
  /** Held for a moderator's approval; not shown until then. */
  awaitingApproval: boolean;
  /** Why a moderator hid it; for moderators' eyes. */
  hiddenReason: string | null;
}

export interface NewPost {
  body: string;
  authorId: number | null;
  authorName: string;
  createdAt?: string;
  quoteOf?: number | null;
  importKey?: string | null;
  /** Hold it for a moderator: it gets no shown number until approved. */
  awaitingApproval?: boolean;
}

export function postNotFound(): NotFoundError {
  return new NotFoundError('POST_NOT_FOUND', 'There is no such post');
}

function postsWithAuthors(db: Db) {
  return db
    .selectFrom('talk_posts as p')
    .select([
      'p.id',
      'p.thread_id',
      'p.position',
      'p.shown_position',
      'p.author_id',
      'p.body',
      'p.created_at',
      'p.edited_at',
      'p.deleted_at',
      'p.hidden_at',
      'p.quote_of',
      'p.import_key',
      'p.awaiting_approval',
      'p.hidden_reason',
    ])
    .select((eb) =>
      eb.fn
        .coalesce(
          // A subquery, not a join: PostgreSQL takes a thread's first page
          // (positions every thread has) for thousands of rows and hashes
          // every person to join them, 32 of 54 ms at 105,000 people; a
          // subquery looks up each of the page's 25 authors by key.
          eb
            .selectFrom('people as a')
            .select('a.display_name')
            .whereRef('a.id', '=', 'p.author_id'),
          'p.author_name',
        )
        .as('author'),
    );
}

type PostRow = Awaited<
  ReturnType<ReturnType<typeof postsWithAuthors>['executeTakeFirstOrThrow']>
>;

function toPost(row: PostRow): Post {
  return {
    id: row.id,
    threadId: row.thread_id,
    position: row.position,
    shownPosition: row.shown_position,
    authorId: row.author_id,
    authorName: row.author,
    body: row.body,
    createdAt: row.created_at,
    editedAt: row.edited_at,
    deletedAt: row.deleted_at,
    hiddenAt: row.hidden_at,
    quoteOf: row.quote_of,
    importKey: row.import_key,
    awaitingApproval: Boolean(row.awaiting_approval),
    hiddenReason: row.hidden_reason,
  };
}

/**
 * Adds a post at the end of a thread and keeps the thread's counter and
 * times in step. Checks nobody's access and no input. The first write
 * is to the thread's row, which makes concurrent replies to one thread
 * take turns on PostgreSQL (SQLite has one writer anyway), so two never
 * take the same number.
 */
export async function appendPost(
  db: Db,
  threadId: number,
  input: NewPost,
): Promise<number> {
  const now = input.createdAt ?? new Date().toISOString();
  await db
    .updateTable('talk_threads')
    .set({ updated_at: sql`updated_at` })
    .where('id', '=', threadId)
    .execute();
  // Two subqueries, each read from the end of its own index: SQLite finds
  // a lone max() that way, but two in one select made it read every post
  // of the thread, 0.4 ms a reply at 3,000 posts and growing.
  const last = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('talk_posts')
        .select((inner) => inner.fn.max('position').as('n'))
        .where('thread_id', '=', threadId)
        .as('position'),
      eb
        .selectFrom('talk_posts')
        .select((inner) => inner.fn.max('shown_position').as('n'))
        .where('thread_id', '=', threadId)
        .as('shown'),
    ])
    .executeTakeFirstOrThrow();
  const position = Number(last.position ?? 0) + 1;
  const shownPosition = Number(last.shown ?? 0) + 1;
  const held = input.awaitingApproval === true;
  const row = await db
    .insertInto('talk_posts')
    .values({
      thread_id: threadId,
      position,
      shown_position: held ? null : shownPosition,
      awaiting_approval: held ? 1 : 0,
      author_id: input.authorId,
      author_name: input.authorName,
      body: input.body,
      created_at: now,
      quote_of: input.quoteOf ?? null,
      import_key: input.importKey ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // A held reply changes nothing readers see until it is approved.
  if (position > 1 && !held) {
    const thread = await db
      .updateTable('talk_threads')
      .set({
        reply_count: shownPosition - 1,
        ...replyNewsAt(now),
      })
      .where('id', '=', threadId)
      .returning('last_activity_at')
      .executeTakeFirstOrThrow();
    await indexNewReply(db, threadId, row.id, thread.last_activity_at);
  } else {
    await indexTalkPost(db, row.id);
  }
  return row.id;
}

/**
 * A thread's times once a reply shown at `now` is news: they never move
 * back, as replies imported or approved late may be older.
 */
function replyNewsAt(now: string) {
  return {
    last_reply_at: sql<string>`case when last_reply_at is null
      or last_reply_at < ${now} then ${now} else last_reply_at end`,
    last_activity_at: sql<string>`case when last_activity_at < ${now}
      then ${now} else last_activity_at end`,
  };
}

/** A post by id, whoever asks, in any state. */
export async function findPost(
  db: Db,
  postId: number,
): Promise<Post | undefined> {
  const row = await postsWithAuthors(db)
    .where('p.id', '=', postId)
    .executeTakeFirst();
  return row ? toPost(row) : undefined;
}

/** Posts by id, whoever asks: the quotes on a page. */
export async function findPosts(db: Db, postIds: number[]): Promise<Post[]> {
  if (postIds.length === 0) {
    return [];
  }
  const rows = await postsWithAuthors(db)
    .where('p.id', 'in', postIds)
    .execute();
  return rows.map(toPost);
}

/** How many posts of the thread readers are shown. */
export async function countShownPosts(
  db: Db,
  threadId: number,
): Promise<number> {
  const row = await db
    .selectFrom('talk_posts')
    .select((eb) => eb.fn.max('shown_position').as('shown'))
    .where('thread_id', '=', threadId)
    .executeTakeFirstOrThrow();
  return Number(row.shown ?? 0);
}

/**
 * The shown posts numbered `from` to `to` (inclusive), in order: one
 * range over the index on (thread_id, shown_position), however long the
 * thread.
 */
export async function shownPostsBetween(
  db: Db,
  threadId: number,
  from: number,
  to: number,
): Promise<Post[]> {
  const rows = await shownRange(db, threadId, from, to).execute();
  return rows.map(toPost);
}

function shownRange(db: Db, threadId: number, from: number, to: number) {
  return postsWithAuthors(db)
    .where('p.thread_id', '=', threadId)
    .where('p.shown_position', '>=', from)
    .where('p.shown_position', '<=', to)
    .orderBy('p.shown_position');
}

/**
 * How many deleted posts lie between shown post `p` and the shown post
 * before it: two more lookups in the thread's indexes for each post.
 * The max() only guards against two rows sharing a shown number, which
 * a renumbering may leave for a moment inside its transaction.
 */
const deletedJustBefore = sql<number | string>`(select count(*)
  from talk_posts as d
  where d.thread_id = p.thread_id and d.deleted_at is not null
    and d.position < p.position
    and d.position > coalesce((select max(q.position) from talk_posts as q
      where q.thread_id = p.thread_id
        and q.shown_position = p.shown_position - 1), 0))`;

/**
 * The shown posts numbered `from` to `to`, as shownPostsBetween reads
 * them, each with the number of deleted posts just before it (the gap a
 * page marks), in the same statement.
 */
export async function shownPostsWithGaps(
  db: Db,
  threadId: number,
  from: number,
  to: number,
): Promise<{ post: Post; deletedBefore: number }[]> {
  const rows = await shownRange(db, threadId, from, to)
    .select(deletedJustBefore.as('deleted_before'))
    .execute();
  return rows.map((row) => ({
    post: toPost(row),
    deletedBefore: Number(row.deleted_before),
  }));
}

/**
 * The shown number a post has, or for a post no longer shown, that of
 * the last shown post before it (so a link to it lands where it was).
 */
export async function shownPlaceOf(db: Db, post: Post): Promise<number> {
  if (post.shownPosition !== null) {
    return post.shownPosition;
  }
  const row = await db
    .selectFrom('talk_posts')
    .select((eb) => eb.fn.max('shown_position').as('shown'))
    .where('thread_id', '=', post.threadId)
    .where('position', '<', post.position)
    .executeTakeFirstOrThrow();
  return Number(row.shown ?? 1);
}

/** The first shown post after `position`: where a reader's unread begins. */
export async function firstShownAfter(
  db: Db,
  threadId: number,
  position: number,
): Promise<Post | undefined> {
  const row = await postsWithAuthors(db)
    .where('p.thread_id', '=', threadId)
    .where('p.position', '>', position)
    .where('p.shown_position', 'is not', null)
    .orderBy('p.position')
    .limit(1)
    .executeTakeFirst();
  return row ? toPost(row) : undefined;
}

/**
 * Records an edit of a post: the body it had (and, when the edit renames
 * the thread, the title it had) becomes a revision, and the post gets
 * its new body. The caller renames the thread.
 */
export async function revisePost(
  db: Db,
  post: Post,
  change: { body: string; previousTitle: string | null },
  editorId: number | null,
  now = new Date().toISOString(),
): Promise<void> {
  await db
    .insertInto('talk_post_revisions')
    .values({
      post_id: post.id,
      body: post.body,
      title: change.previousTitle,
      editor_id: editorId,
      created_at: now,
    })
    .execute();
  await db
    .updateTable('talk_posts')
    .set({ body: change.body, edited_at: now })
    .where('id', '=', post.id)
    .execute();
}

/**
 * A page of the bodies (and titles) a post had before each edit, newest
 * first, with who replaced each.
 */
export async function listPostRevisions(
  db: Db,
  postId: number,
  page: PageRequest,
) {
  const query = db
    .selectFrom('talk_post_revisions as r')
    .where('r.post_id', '=', postId);
  const [count, items] = await Promise.all([
    query
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow(),
    query
      .leftJoin('people as e', 'e.id', 'r.editor_id')
      .select(['r.id', 'r.body', 'r.title', 'r.created_at', 'r.editor_id'])
      .select('e.display_name')
      .orderBy('r.id', 'desc')
      .limit(page.pageSize)
      .offset(page.offset)
      .execute(),
  ]);
  return { items, total: Number(count.total) };
}

/**
 * Takes a post out of what readers are shown (deleted or hidden): it
 * loses its shown number, the posts after it move up one and the
 * thread's counter follows. The caller owns the transaction.
 */
export async function unshowPost(
  db: Db,
  post: Post,
  change: { deletedAt: string } | { hiddenAt: string; reason?: string },
): Promise<void> {
  const set =
    'deletedAt' in change
      ? { deleted_at: change.deletedAt }
      : { hidden_at: change.hiddenAt, hidden_reason: change.reason ?? null };
  // Lock the thread, as appendPost does, and read the post's number
  // again under the lock: a deletion of the same post running at the
  // same time may already have moved the posts after it up.
  await db
    .updateTable('talk_threads')
    .set({ updated_at: sql`updated_at` })
    .where('id', '=', post.threadId)
    .execute();
  const { shown_position: shown } = await db
    .selectFrom('talk_posts')
    .select('shown_position')
    .where('id', '=', post.id)
    .executeTakeFirstOrThrow();
  await db
    .updateTable('talk_posts')
    .set({ ...set, shown_position: null })
    .where('id', '=', post.id)
    .execute();
  if (shown === null) {
    return;
  }
  await db
    .updateTable('talk_posts')
    .set({ shown_position: sql`shown_position - 1` })
    .where('thread_id', '=', post.threadId)
    .where('shown_position', '>', shown)
    .execute();
  await db
    .updateTable('talk_threads')
    .set({
      reply_count: sql`case when reply_count > 0
        then reply_count - 1 else 0 end`,
      accepted_post_id: sql`case when accepted_post_id = ${post.id}
        then null else accepted_post_id end`,
    })
    .where('id', '=', post.threadId)
    .execute();
}

/**
 * Puts a post back among those readers are shown (unhidden, or approved):
 * it takes the number after the last shown post before it, the posts
 * after it move down one, and the thread's counter follows. The inverse
 * of unshowPost; the caller owns the transaction.
 */
export async function reshowPost(
  db: Db,
  post: Post,
  now = new Date().toISOString(),
): Promise<void> {
  // The same lock as appendPost and unshowPost: numbering takes turns.
  await db
    .updateTable('talk_threads')
    .set({ updated_at: sql`updated_at` })
    .where('id', '=', post.threadId)
    .execute();
  const current = await db
    .selectFrom('talk_posts')
    .select(['shown_position', 'deleted_at'])
    .where('id', '=', post.id)
    .executeTakeFirstOrThrow();
  if (current.shown_position !== null || current.deleted_at !== null) {
    return;
  }
  const before = await db
    .selectFrom('talk_posts')
    .select((eb) => eb.fn.max('shown_position').as('shown'))
    .where('thread_id', '=', post.threadId)
    .where('position', '<', post.position)
    .executeTakeFirstOrThrow();
  const shown = Number(before.shown ?? 0) + 1;
  await db
    .updateTable('talk_posts')
    .set({ shown_position: sql`shown_position + 1` })
    .where('thread_id', '=', post.threadId)
    .where('shown_position', '>=', shown)
    .execute();
  await db
    .updateTable('talk_posts')
    .set({
      shown_position: shown,
      hidden_at: null,
      hidden_reason: null,
      awaiting_approval: 0,
    })
    .where('id', '=', post.id)
    .execute();
  await recountThread(db, post.threadId);
  if (post.position > 1 && post.awaitingApproval) {
    // An approved reply is news: the thread comes up in lists and search.
    const thread = await db
      .updateTable('talk_threads')
      .set(replyNewsAt(now))
      .where('id', '=', post.threadId)
      .returning('last_activity_at')
      .executeTakeFirstOrThrow();
    await indexThreadActivity(db, post.threadId, thread.last_activity_at);
  }
}

/**
 * Removes a post that readers were never shown (a rejected or withdrawn
 * held post) outright: it leaves no placeholder, because nobody but its
 * author and the moderators knew of it.
 */
export async function removeUnshownPost(db: Db, post: Post): Promise<void> {
  await db
    .deleteFrom('talk_posts')
    .where('id', '=', post.id)
    .where('shown_position', 'is', null)
    .execute();
  await indexTalkPost(db, post.id);
}

/** Marks a thread deleted: its opening post was deleted. */
export async function deleteThread(
  db: Db,
  threadId: number,
  now = new Date().toISOString(),
): Promise<void> {
  await changeThread(db, threadId, { deleted_at: now });
}

/**
 * Sets the thread's counter from its posts: for an importer whose
 * source counted differently, and for repairs.
 */
export async function recountThread(db: Db, threadId: number): Promise<void> {
  const shown = await countShownPosts(db, threadId);
  await db
    .updateTable('talk_threads')
    .set({ reply_count: Math.max(0, shown - 1) })
    .where('id', '=', threadId)
    .execute();
}
