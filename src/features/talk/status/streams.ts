import { sql } from 'kysely';
import type { Actor } from '../../../access/actor.ts';
import { readableContent } from '../../../access/groups.ts';
import type { Db } from '../../../database.ts';
import type { PageRequest } from '../../../platform/pagination.ts';
import { linkedPeople } from './mentions.ts';
import { requireReadableRow } from './posts.ts';
import { renderStatus } from './text.ts';

// Reading status posts. Every list and its total carry the group rule's
// own filter (readableContent), so a post in a group kept from the reader
// is in no list and no count: not the Talk stream, not a profile's
// (BUG-04), not a tag's. Lists are newest first by id and paged by an
// offset over the indexes (parent_id, id), (group_id, parent_id, id) and
// (author_id, parent_id, id).

/** A status post or reply as lists and the API show it. */
export interface StatusPost {
  id: number;
  /** The post a reply answers; null for a post. */
  parentId: number | null;
  author: { id: number; name: string };
  /** The group it is in; null on its author's profile. */
  group: { slug: string; name: string } | null;
  body: string;
  /** The body as safe HTML: escaped, with links. */
  html: string;
  createdAt: string;
  likeCount: number;
  /** Whether the reader likes it. */
  liked: boolean;
  replyCount: number;
}

/** Which posts a list holds; with none set, the whole Talk stream. */
export interface StatusFilter {
  groupId?: number;
  authorId?: number;
  /** Posts and replies carrying this tag key. */
  tagKey?: string;
  /** The replies to this post, oldest first. */
  parentId?: number;
}

function filtered(db: Db, actor: Actor, filter: StatusFilter) {
  let query = db
    .selectFrom('status_posts as s')
    .where(readableContent(db, actor, 's.group_id'));
  if (filter.parentId !== undefined) {
    query = query.where('s.parent_id', '=', filter.parentId);
  } else if (filter.tagKey === undefined) {
    query = query.where('s.parent_id', 'is', null);
  } else {
    const tagKey = filter.tagKey;
    query = query.where('s.id', 'in', (eb) =>
      eb
        .selectFrom('status_post_tags')
        .select('post_id')
        .where('tag_key', '=', tagKey),
    );
  }
  if (filter.groupId !== undefined) {
    query = query.where('s.group_id', '=', filter.groupId);
  }
  if (filter.authorId !== undefined) {
    query = query.where('s.author_id', '=', filter.authorId);
  }
  return query;
}

/** One page of the posts `actor` may read, and how many there are. */
export async function listStatus(
  db: Db,
  actor: Actor,
  filter: StatusFilter,
  page: PageRequest,
): Promise<{ items: StatusPost[]; total: number }> {
  const query = filtered(db, actor, filter);
  const newestFirst = filter.parentId === undefined;
  const [ids, count] = await Promise.all([
    query
      .select('s.id')
      .orderBy('s.id', newestFirst ? 'desc' : 'asc')
      .limit(page.pageSize)
      .offset(page.offset)
      .execute(),
    query
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow(),
  ]);
  const items = await statusPosts(
    db,
    actor,
    ids.map((row) => row.id),
  );
  return { items, total: Number(count.total) };
}

/** The post or reply `id` if `actor` may read it; "not found" if not. */
export async function getStatus(
  db: Db,
  actor: Actor,
  id: number,
): Promise<StatusPost> {
  await requireReadableRow(db, actor, id);
  const [post] = await statusPosts(db, actor, [id]);
  if (!post) {
    throw new Error(`status post ${id} vanished while it was read`);
  }
  return post;
}

/** The posts with these ids, in that order, as `actor` sees them. */
async function statusPosts(
  db: Db,
  actor: Actor,
  ids: readonly number[],
): Promise<StatusPost[]> {
  if (ids.length === 0) {
    return [];
  }
  const readerId = actor.kind === 'person' ? actor.id : -1;
  const rows = await db
    .selectFrom('status_posts as s')
    .innerJoin('people as a', 'a.id', 's.author_id')
    .leftJoin('groups as g', 'g.id', 's.group_id')
    .select([
      's.id',
      's.parent_id',
      's.author_id',
      'a.display_name',
      'g.slug',
      'g.name',
      's.body',
      's.created_at',
    ])
    .select([
      sql<number>`(select count(*) from status_post_likes l
        where l.post_id = s.id)`.as('like_count'),
      sql<number>`(select count(*) from status_post_likes l
        where l.post_id = s.id and l.person_id = ${readerId})`.as('liked'),
      sql<number>`(select count(*) from status_posts r
        where r.parent_id = s.id)`.as('reply_count'),
    ])
    .where('s.id', 'in', ids)
    .execute();
  const people = await linkedPeople(db, ids);
  const byId = new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        parentId: row.parent_id,
        author: { id: row.author_id, name: row.display_name },
        group:
          row.slug === null || row.name === null
            ? null
            : { slug: row.slug, name: row.name },
        body: row.body,
        html: renderStatus(row.body, people.get(row.id) ?? new Map()),
        createdAt: new Date(row.created_at).toISOString(),
        likeCount: Number(row.like_count),
        liked: Number(row.liked) > 0,
        replyCount: Number(row.reply_count),
      },
    ]),
  );
  return ids.flatMap((id) => byId.get(id) ?? []);
}
