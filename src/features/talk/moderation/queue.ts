import { sql } from 'kysely';
import type { Actor, PersonActor } from '../../../access/actor.ts';
import type { Db } from '../../../database.ts';
import { ForbiddenError } from '../../../platform/errors.ts';
import type { PageRequest } from '../../../platform/pagination.ts';
import { moderatedCategoryIds } from '../places.ts';
import type { FlagReason } from '../tables.ts';

// The moderation queue: posts held for approval and posts with open
// flags, oldest first, only in the categories the actor moderates
// (moderatedCategoryIds, the list form of placeOf's mayModerate). Each
// side reads its own index (talk_posts_awaiting, talk_flags_queue); the
// page is one union of the two, and the details of its posts are read
// in one query more.

/** The queue's page. */
export const QUEUE_PATH = '/talk/moderation';

export interface QueueFlag {
  id: number;
  reason: FlagReason;
  note: string | null;
  reporter: { id: number; name: string };
  createdAt: string;
}

export interface QueueItem {
  kind: 'approval' | 'flags';
  since: string;
  post: {
    id: number;
    position: number;
    body: string;
    author: { id: number | null; name: string };
    createdAt: string;
    hidden: boolean;
  };
  thread: { id: number; title: string; heldWithPost: boolean };
  category: { slug: string; name: string };
  flags: QueueFlag[];
}

/** Whether `actor` moderates any category at all. */
export async function moderatesAnything(
  db: Db,
  actor: PersonActor,
): Promise<boolean> {
  const row = await moderatedCategoryIds(db, actor).limit(1).executeTakeFirst();
  return row !== undefined;
}

export function notModeratingAnything(): ForbiddenError {
  return new ForbiddenError(
    'TALK_NOT_MODERATOR',
    'You do not moderate any discussions',
  );
}

function heldPosts(db: Db, actor: PersonActor) {
  return db
    .selectFrom('talk_posts as p')
    .innerJoin('talk_threads as t', 't.id', 'p.thread_id')
    .where('p.awaiting_approval', '=', 1)
    .where('p.deleted_at', 'is', null)
    .where('t.deleted_at', 'is', null)
    .where('t.category_id', 'in', moderatedCategoryIds(db, actor));
}

function flaggedPosts(db: Db, actor: PersonActor) {
  return db
    .selectFrom('talk_flags as f')
    .innerJoin('talk_posts as p', 'p.id', 'f.post_id')
    .innerJoin('talk_threads as t', 't.id', 'p.thread_id')
    .where('f.status', '=', 'open')
    .where('p.deleted_at', 'is', null)
    .where('t.deleted_at', 'is', null)
    .where('t.category_id', 'in', moderatedCategoryIds(db, actor));
}

/** How many posts wait for `actor`: held, or flagged and not settled. */
export async function countQueue(db: Db, actor: PersonActor): Promise<number> {
  const [held, flagged] = await Promise.all([
    heldPosts(db, actor)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    flaggedPosts(db, actor)
      .select(sql<number>`count(distinct f.post_id)`.as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return Number(held.n) + Number(flagged.n);
}

/**
 * How many posts wait for `actor`, for a link to the queue; null for
 * anyone who moderates nothing, who is shown no link at all.
 */
export async function waitingForModerator(
  db: Db,
  actor: Actor,
): Promise<number | null> {
  if (actor.kind !== 'person' || !(await moderatesAnything(db, actor))) {
    return null;
  }
  return countQueue(db, actor);
}

/** A page of the queue, oldest first; 403 for one who moderates nothing. */
export async function listQueue(
  db: Db,
  actor: PersonActor,
  page: PageRequest,
): Promise<{ items: QueueItem[]; total: number }> {
  if (!(await moderatesAnything(db, actor))) {
    throw notModeratingAnything();
  }
  const held = heldPosts(db, actor).select([
    'p.id as post_id',
    sql<string>`'approval'`.as('kind'),
    'p.created_at as since',
  ]);
  const flagged = flaggedPosts(db, actor)
    .select([
      'f.post_id as post_id',
      sql<string>`'flags'`.as('kind'),
      (eb) => eb.fn.min('f.created_at').as('since'),
    ])
    .groupBy('f.post_id');
  const [rows, total] = await Promise.all([
    held
      .unionAll(flagged)
      .orderBy('since')
      .orderBy('post_id')
      .limit(page.pageSize)
      .offset(page.offset)
      .execute(),
    countQueue(db, actor),
  ]);
  const ids = rows.map((row) => row.post_id);
  const [details, flags] = await Promise.all([
    postDetails(db, ids),
    openFlagsOf(db, ids),
  ]);
  const items = rows.flatMap((row): QueueItem[] => {
    const found = details.get(row.post_id);
    if (!found) {
      return [];
    }
    return [
      {
        ...found,
        kind: row.kind === 'approval' ? 'approval' : 'flags',
        since: String(row.since),
        flags: flags.get(row.post_id) ?? [],
      },
    ];
  });
  return { items, total };
}

async function postDetails(db: Db, ids: number[]) {
  const found = new Map<number, Omit<QueueItem, 'kind' | 'since' | 'flags'>>();
  if (ids.length === 0) {
    return found;
  }
  const rows = await db
    .selectFrom('talk_posts as p')
    .innerJoin('talk_threads as t', 't.id', 'p.thread_id')
    .innerJoin('talk_categories as c', 'c.id', 't.category_id')
    .leftJoin('people as a', 'a.id', 'p.author_id')
    .select([
      'p.id',
      'p.position',
      'p.body',
      'p.author_id',
      'p.created_at',
      'p.hidden_at',
      't.id as thread_id',
      't.title',
      't.awaiting_approval',
      'c.slug',
      'c.name',
    ])
    .select((eb) =>
      eb.fn.coalesce('a.display_name', 'p.author_name').as('author'),
    )
    .where('p.id', 'in', ids)
    .execute();
  for (const row of rows) {
    found.set(row.id, {
      post: {
        id: row.id,
        position: row.position,
        body: row.body,
        author: { id: row.author_id, name: row.author },
        createdAt: row.created_at,
        hidden: row.hidden_at !== null,
      },
      thread: {
        id: row.thread_id,
        title: row.title,
        heldWithPost: Boolean(row.awaiting_approval) && row.position === 1,
      },
      category: { slug: row.slug, name: row.name },
    });
  }
  return found;
}

async function openFlagsOf(db: Db, ids: number[]) {
  const byPost = new Map<number, QueueFlag[]>();
  if (ids.length === 0) {
    return byPost;
  }
  const rows = await db
    .selectFrom('talk_flags as f')
    .innerJoin('people as r', 'r.id', 'f.reporter_id')
    .select([
      'f.id',
      'f.post_id',
      'f.reason',
      'f.note',
      'f.created_at',
      'r.id as reporter_id',
      'r.display_name',
    ])
    .where('f.post_id', 'in', ids)
    .where('f.status', '=', 'open')
    .orderBy('f.created_at')
    .orderBy('f.id')
    .execute();
  for (const row of rows) {
    const list = byPost.get(row.post_id) ?? [];
    list.push({
      id: row.id,
      reason: row.reason,
      note: row.note,
      reporter: { id: row.reporter_id, name: row.display_name },
      createdAt: row.created_at,
    });
    byPost.set(row.post_id, list);
  }
  return byPost;
}
