import { sql } from 'kysely';
import type { Expression, SqlBool } from 'kysely';
import type { Actor } from '../../access/actor.ts';
import { readableContent, readableShares } from '../../access/groups.ts';
import type { RuleForm } from '../../access/groups.ts';
import type { Db } from '../../database.ts';
import { AppError, NotFoundError } from '../../platform/errors.ts';
import { changeThread, countNewThreads } from './category-counts.ts';
import { appendPost } from './posts.ts';
import { placeOf, toCategory } from './places.ts';
import type { Place } from './places.ts';
import type { ThreadPlace } from './tables.ts';
import { tagsOfThreads } from './tags/tags.ts';
import type { ThreadTag } from './tags/tags.ts';
import { indexTalkThread } from '../search/sources.ts';

// Threads: making them (for people and the importer alike), reading one
// as an actor, and the lists of them. Lists leave out deleted and hidden
// threads and, through readableContent, every place the reader may not
// read; counts use the same query.

export interface Thread {
  id: number;
  categoryId: number;
  title: string;
  authorId: number | null;
  authorName: string;
  createdAt: string;
  updatedAt: string;
  lastReplyAt: string | null;
  lastActivityAt: string;
  /** Counted from the posts readers are shown, not from a counter. */
  replyCount: number;
  /** Posts readers are shown, the opening post among them (0 if held). */
  shownPostCount: number;
  isQuestion: boolean;
  acceptedPostId: number | null;
  pinned: boolean;
  locked: boolean;
  hidden: boolean;
  deletedAt: string | null;
  importKey: string | null;
  /** Its opening post waits for a moderator. */
  awaitingApproval: boolean;
  /** Why a moderator hid it; for moderators' eyes. */
  hiddenReason: string | null;
}

/** A thread in a list, with where it lives and its tags. */
export interface ListedThread extends Thread {
  categorySlug: string;
  categoryName: string;
  tags: ThreadTag[];
}

export interface NewThread {
  categoryId: number;
  title: string;
  body: string;
  authorId: number | null;
  authorName: string;
  isQuestion?: boolean;
  createdAt?: string;
  /** Marks an imported thread and its opening post, so a rerun finds them. */
  importKey?: string | null;
  postImportKey?: string | null;
  /** Hold the thread and its opening post for a moderator. */
  awaitingApproval?: boolean;
}

export function threadNotFound(): NotFoundError {
  return new NotFoundError('THREAD_NOT_FOUND', 'There is no such thread');
}

/** The number of shown posts of thread `t`, read from their index. */
const shownPosts = sql<number>`coalesce((select max(p.shown_position)
  from talk_posts as p where p.thread_id = t.id), 0)`;

const THREAD_COLUMNS = [
  't.id',
  't.category_id',
  't.title',
  't.author_id',
  't.author_name',
  't.created_at',
  't.updated_at',
  't.last_reply_at',
  't.last_activity_at',
  't.is_question',
  't.accepted_post_id',
  't.pinned',
  't.locked',
  't.hidden',
  't.deleted_at',
  't.import_key',
  't.awaiting_approval',
  't.hidden_reason',
] as const;

function threadsWithAuthors(db: Db) {
  return db
    .selectFrom('talk_threads as t')
    .leftJoin('people as a', 'a.id', 't.author_id')
    .select(THREAD_COLUMNS)
    .select((eb) => [
      eb.fn.coalesce('a.display_name', 't.author_name').as('author'),
      shownPosts.as('shown_posts'),
    ]);
}

type ThreadRow = Awaited<
  ReturnType<ReturnType<typeof threadsWithAuthors>['executeTakeFirstOrThrow']>
>;

/**
 * Threads with what deciding `actor`'s place in their category needs:
 * the category, its group's slug, and whether `actor` is one of its
 * appointed moderators; one statement where there were three.
 */
function threadsInPlaces(db: Db, actor: Actor) {
  const personId = actor.kind === 'person' ? actor.id : -1;
  return threadsWithAuthors(db)
    .innerJoin('talk_categories as c', 'c.id', 't.category_id')
    .leftJoin('groups as g', 'g.id', 'c.group_id')
    .select([
      'c.slug as category_slug',
      'c.name as category_name',
      'c.description as category_description',
      'c.parent_id as category_parent_id',
      'c.group_id as category_group_id',
      'c.position as category_position',
      'c.created_at as category_created_at',
      'g.slug as group_slug',
    ])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('talk_moderators as m')
            .select('m.person_id')
            .whereRef('m.category_id', '=', 'c.id')
            .where('m.person_id', '=', personId),
        )
        .as('appointed'),
    );
}

function toThread(row: ThreadRow): Thread {
  return {
    id: row.id,
    categoryId: row.category_id,
    title: row.title,
    authorId: row.author_id,
    authorName: row.author,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastReplyAt: row.last_reply_at,
    lastActivityAt: row.last_activity_at,
    replyCount: Math.max(0, Number(row.shown_posts) - 1),
    shownPostCount: Number(row.shown_posts),
    isQuestion: Boolean(row.is_question),
    acceptedPostId: row.accepted_post_id,
    pinned: Boolean(row.pinned),
    locked: Boolean(row.locked),
    hidden: Boolean(row.hidden),
    deletedAt: row.deleted_at,
    importKey: row.import_key,
    awaitingApproval: Boolean(row.awaiting_approval),
    hiddenReason: row.hidden_reason,
  };
}

/**
 * Makes a thread and its opening post (post 1). Checks nobody's access
 * and no input: callers do. The caller owns the transaction.
 */
export async function createThread(
  db: Db,
  input: NewThread,
): Promise<{ threadId: number; postId: number }> {
  const now = input.createdAt ?? new Date().toISOString();
  const row = await db
    .insertInto('talk_threads')
    .values({
      category_id: input.categoryId,
      title: input.title,
      author_id: input.authorId,
      author_name: input.authorName,
      created_at: now,
      updated_at: now,
      last_activity_at: now,
      is_question: input.isQuestion ? 1 : 0,
      import_key: input.importKey ?? null,
      awaiting_approval: input.awaitingApproval ? 1 : 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const postId = await appendPost(db, row.id, {
    body: input.body,
    authorId: input.authorId,
    authorName: input.authorName,
    createdAt: now,
    importKey: input.postImportKey ?? null,
    awaitingApproval: input.awaitingApproval === true,
  });
  if (input.awaitingApproval !== true) {
    await countNewThreads(db, input.categoryId, 1);
  }
  return { threadId: row.id, postId };
}

/** A thread by id, whoever asks, deleted or not. */
export async function findThread(
  db: Db,
  threadId: number,
): Promise<Thread | undefined> {
  const row = await threadsWithAuthors(db)
    .where('t.id', '=', threadId)
    .executeTakeFirst();
  return row ? toThread(row) : undefined;
}

/** A thread by its import key, for an importer's second run. */
export async function findThreadByImportKey(
  db: Db,
  importKey: string,
): Promise<Thread | undefined> {
  const row = await threadsWithAuthors(db)
    .where('t.import_key', '=', importKey)
    .executeTakeFirst();
  return row ? toThread(row) : undefined;
}

/**
 * The thread when `actor` may read it, with its place. A thread that is
 * deleted, hidden from them, held for approval (except to its author) or
 * in a place they may not read is "not found", never "forbidden", so its
 * existence does not leak.
 */
export async function requireThreadFor(
  db: Db,
  actor: Actor,
  threadId: number,
): Promise<{ thread: Thread; place: Place }> {
  const row = await threadsInPlaces(db, actor)
    .where('t.id', '=', threadId)
    .executeTakeFirst();
  if (!row || row.deleted_at !== null) {
    throw threadNotFound();
  }
  const thread = toThread(row);
  const category = toCategory({
    id: row.category_id,
    slug: row.category_slug,
    name: row.category_name,
    description: row.category_description,
    parent_id: row.category_parent_id,
    group_id: row.category_group_id,
    position: row.category_position,
    created_at: row.category_created_at,
  });
  const place = await placeOf(db, actor, category, {
    appointed: Boolean(row.appointed),
    groupSlug: row.group_slug,
  });
  const own = actor.kind === 'person' && thread.authorId === actor.id;
  const held = thread.awaitingApproval && !own;
  if (!place.mayRead || ((thread.hidden || held) && !place.mayModerate)) {
    throw threadNotFound();
  }
  return { thread, place };
}

/** Refuses a reply to a locked thread unless `place` lets one moderate. */
export function assertOpenForReplies(thread: Thread, place: Place): void {
  if (thread.locked && !place.mayModerate) {
    throw new AppError(
      423,
      'THREAD_LOCKED',
      'This thread is locked: nobody can reply to it',
    );
  }
}

/** Locks or unlocks a thread; moderation's routes decide who may. */
export async function setThreadLocked(
  db: Db,
  threadId: number,
  locked: boolean,
): Promise<void> {
  await db
    .updateTable('talk_threads')
    .set({ locked: locked ? 1 : 0 })
    .where('id', '=', threadId)
    .execute();
}

/** Pins or unpins a thread; moderation's routes decide who may. */
export async function setThreadPinned(
  db: Db,
  threadId: number,
  pinned: boolean,
): Promise<void> {
  await db
    .updateTable('talk_threads')
    .set({ pinned: pinned ? 1 : 0 })
    .where('id', '=', threadId)
    .execute();
}

/** Hides or unhides a thread, keeping the reason for moderators. */
export async function setThreadHidden(
  db: Db,
  threadId: number,
  hidden: { reason: string } | null,
): Promise<void> {
  await changeThread(db, threadId, {
    hidden: hidden ? 1 : 0,
    hidden_reason: hidden?.reason ?? null,
  });
}

/**
 * Moves a thread to another category. Nothing is left behind: readers
 * of the old place who may not read the new one simply no longer find
 * it, as if it had never been there.
 */
export async function setThreadCategory(
  db: Db,
  threadId: number,
  categoryId: number,
): Promise<void> {
  await changeThread(db, threadId, { category_id: categoryId });
  await indexTalkThread(db, threadId);
}

/** Marks a held thread approved; its opening post is approved apart. */
export async function releaseThread(
  db: Db,
  threadId: number,
  now = new Date().toISOString(),
): Promise<void> {
  await changeThread(db, threadId, {
    awaiting_approval: 0,
    last_activity_at: now,
  });
}

/**
 * Removes a held thread, never shown to readers, with its posts; held,
 * it was never in its category's count either.
 */
export async function removeHeldThread(
  db: Db,
  threadId: number,
): Promise<void> {
  await db
    .deleteFrom('talk_threads')
    .where('id', '=', threadId)
    .where('awaiting_approval', '=', 1)
    .execute();
}

export interface ThreadFilter {
  categoryId?: number;
  /** Questions with no accepted answer, or with no reply at all. */
  unanswered?: 'accepted' | 'replies';
}

/**
 * How many threads of a category `actor` is shown: its counter, which
 * holds what every reader of the place is shown, through the same group
 * rule as the list, so a place they may not read counts none.
 */
async function categoryTotal(db: Db, actor: Actor, categoryId: number) {
  const row = await db
    .selectFrom('talk_categories as c')
    .select('c.thread_count as total')
    .where('c.id', '=', categoryId)
    .where(readableContent(db, actor, 'c.group_id'))
    .executeTakeFirst();
  return { total: row?.total ?? 0 };
}

/**
 * How many threads `actor` may read in all: the totals of the places they
 * read whole (site categories, open groups), kept by category-counts.ts,
 * and the counters of the groups they read as a member. Counting the
 * threads themselves took a second on PostgreSQL at 20,000 threads, and
 * adding up every readable category's counter 4 ms at 10,000 groups, on
 * every page of the latest.
 */
async function readableTotal(db: Db, actor: Actor) {
  const shares = readableShares(actor);
  const places: ThreadPlace[] = [...shares.everyGroup];
  if (shares.site) {
    places.push('site');
  }
  const whole =
    places.length === 0
      ? sql<number>`0`
      : db
          .selectFrom('talk_thread_totals')
          .select(sql<number>`coalesce(sum(thread_count), 0)`.as('n'))
          .where('place', 'in', places);
  const asMember =
    actor.kind !== 'person' || shares.asMember.length === 0
      ? sql<number>`0`
      : db
          .selectFrom('group_members as m')
          .innerJoin('groups as g', 'g.id', 'm.group_id')
          .innerJoin('talk_categories as c', 'c.group_id', 'm.group_id')
          .select(sql<number>`coalesce(sum(c.thread_count), 0)`.as('n'))
          .where('m.person_id', '=', actor.id)
          .where('g.visibility', 'in', shares.asMember);
  const row = await db
    .selectNoFrom(sql<number>`(${whole}) + (${asMember})`.as('total'))
    .executeTakeFirstOrThrow();
  return { total: Number(row.total) };
}

/**
 * A condition over `talk_threads as t` joined to `talk_categories as c`:
 * the thread is in every list `actor` reads (not deleted, hidden or held,
 * in a place they may read). Activity and notifications use it too.
 */
export function listedThreads(
  db: Db,
  actor: Actor,
  form: RuleForm = 'list',
): Expression<SqlBool> {
  return sql<SqlBool>`(t.deleted_at is null and t.hidden = 0
    and t.awaiting_approval = 0
    and ${readableContent(db, actor, 'c.group_id', form)})`;
}

/**
 * A page of the threads `actor` may read: in one category pinned first,
 * otherwise by latest activity. The count uses the same conditions, or
 * for a whole category its counter, which holds to them.
 */
export async function listThreads(
  db: Db,
  actor: Actor,
  filter: ThreadFilter,
  page: { pageSize: number; offset: number },
): Promise<{ items: ListedThread[]; total: number }> {
  // Across every category, a cross join keeps SQLite walking the threads
  // by latest activity and stopping at a page: with an inner join it
  // gathered every thread of every readable category and sorted them
  // (30 to 60 ms at 20,000 threads). PostgreSQL plans both alike. Someone
  // who may read few categories walks further before a page is full.
  // A page asks the group rule of each thread it walks by key: building
  // the reader's readable groups first cost 2 ms at 10,000 groups, more
  // than the page. Counting unanswered questions reads every one, so it
  // builds them once.
  const form: RuleForm = filter.unanswered === undefined ? 'row' : 'list';
  const threads = db.selectFrom('talk_threads as t');
  let query = (
    filter.categoryId === undefined
      ? threads
          .crossJoin('talk_categories as c')
          .whereRef('c.id', '=', 't.category_id')
      : threads.innerJoin('talk_categories as c', 'c.id', 't.category_id')
  ).where(listedThreads(db, actor, form));
  if (filter.categoryId !== undefined) {
    query = query.where('t.category_id', '=', filter.categoryId);
  }
  if (filter.unanswered) {
    query = query
      .where('t.is_question', '=', 1)
      .where('t.accepted_post_id', 'is', null);
  }
  if (filter.unanswered === 'replies') {
    query = query.where(
      sql<boolean>`not exists (select 1 from talk_posts as r
        where r.thread_id = t.id and r.shown_position > 1)`,
    );
  }
  const count =
    filter.unanswered !== undefined
      ? await query
          .select((eb) => eb.fn.countAll<number>().as('total'))
          .executeTakeFirstOrThrow()
      : filter.categoryId !== undefined
        ? await categoryTotal(db, actor, filter.categoryId)
        : await readableTotal(db, actor);
  let ordered = query
    .leftJoin('people as a', 'a.id', 't.author_id')
    .select(THREAD_COLUMNS)
    .select((eb) => [
      eb.fn.coalesce('a.display_name', 't.author_name').as('author'),
      'c.slug as category_slug',
      'c.name as category_name',
    ]);
  // Past the middle, read from the other end and turn the page round:
  // the last page of 100,000 threads then costs what the first does,
  // instead of walking every row before it.
  const total = Number(count.total);
  const fromEnd = page.offset > total / 2;
  const direction = fromEnd ? 'asc' : 'desc';
  if (filter.categoryId !== undefined) {
    ordered = ordered.orderBy('t.pinned', direction);
  }
  const paged = ordered
    .orderBy('t.last_activity_at', direction)
    .orderBy('t.id', direction)
    .limit(
      fromEnd
        ? Math.max(0, Math.min(page.pageSize, total - page.offset))
        : page.pageSize,
    )
    .offset(
      fromEnd ? Math.max(0, total - page.offset - page.pageSize) : page.offset,
    );
  // Posts are counted for the page's threads only, around the page: in
  // the same query SQLite counted them for every thread before sorting
  // (80 ms for the latest of 20,000 threads).
  let counted = db
    .selectFrom(paged.as('t'))
    .selectAll('t')
    .select(shownPosts.as('shown_posts'));
  if (filter.categoryId !== undefined) {
    counted = counted.orderBy('t.pinned', direction);
  }
  const found = await counted
    .orderBy('t.last_activity_at', direction)
    .orderBy('t.id', direction)
    .execute();
  const rows = fromEnd ? found.reverse() : found;
  const tags = await tagsOfThreads(
    db,
    rows.map((row) => row.id),
  );
  return {
    items: rows.map((row) => ({
      ...toThread(row),
      categorySlug: row.category_slug,
      categoryName: row.category_name,
      tags: tags.get(row.id) ?? [],
    })),
    total: Number(count.total),
  };
}

/**
 * Threads by id as lists show them, in the order of `ids`. Checks no
 * access: the caller chose the ids through the group rule.
 */
export async function findListedThreads(
  db: Db,
  ids: readonly number[],
): Promise<ListedThread[]> {
  if (ids.length === 0) {
    return [];
  }
  const [rows, tags] = await Promise.all([
    threadsWithAuthors(db)
      .innerJoin('talk_categories as c', 'c.id', 't.category_id')
      .select(['c.slug as category_slug', 'c.name as category_name'])
      .where('t.id', 'in', [...ids])
      .execute(),
    tagsOfThreads(db, ids),
  ]);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row
      ? [
          {
            ...toThread(row),
            categorySlug: row.category_slug,
            categoryName: row.category_name,
            tags: tags.get(id) ?? [],
          },
        ]
      : [];
  });
}
