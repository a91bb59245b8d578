import type { Actor } from '../../access/actor.ts';
import { readableBlogPosts } from '../../access/blogs.ts';
import type { Db } from '../../database.ts';

// The posts a blog feed shows: the latest published ones the reader may
// read at the time of asking, chosen by the access rule alone
// (readableBlogPosts), with their bodies, every author and their tags.
// A scheduled post is in a feed from its instant on and never before,
// and its entry is dated with that stored instant (BUG-22).

/** How many entries a feed holds: the newest. */
export const FEED_ENTRIES = 50;

/** A published post as its feed entry needs it. */
export interface FeedPost {
  id: number;
  slug: string;
  title: string;
  summary: string;
  /** Markdown. */
  body: string;
  /** The instant it became readable, as stored. */
  publishAt: string;
  createdAt: string;
  editedAt: string | null;
  blog: { slug: string; title: string };
  /** Names of its authors in order: people and former contributors. */
  authors: string[];
  tags: string[];
}

/** Which posts a feed follows; none set is every blog. */
export interface FeedFilter {
  blogId?: number;
  /** A tag as folded for matching (`tag_key`). */
  tagKey?: string;
  /** Posts the person wrote or co-wrote, in any blog. */
  authorId?: number;
}

/** The newest posts `actor` may read at `now` that the filter keeps. */
export async function listFeedPosts(
  db: Db,
  actor: Actor,
  filter: FeedFilter,
  now: string,
  limit = FEED_ENTRIES,
): Promise<FeedPost[]> {
  let query = db
    .selectFrom('blog_posts as p')
    .innerJoin('blogs as b', 'b.id', 'p.blog_id')
    .where(readableBlogPosts(db, actor, now))
    // The rule lets authors and managers read drafts; a feed is only
    // ever what has been published.
    .where((eb) =>
      eb.or([
        eb('p.status', '=', 'published'),
        eb.and([
          eb('p.status', '=', 'scheduled'),
          eb('p.publish_at', '<=', now),
        ]),
      ]),
    )
    .where('p.publish_at', 'is not', null);
  if (filter.blogId !== undefined) {
    query = query.where('p.blog_id', '=', filter.blogId);
  }
  if (filter.tagKey !== undefined) {
    const key = filter.tagKey;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('blog_post_tags as t')
          .select('t.post_id')
          .whereRef('t.post_id', '=', 'p.id')
          .where('t.tag_key', '=', key),
      ),
    );
  }
  if (filter.authorId !== undefined) {
    const author = filter.authorId;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('blog_post_authors as a')
          .select('a.post_id')
          .whereRef('a.post_id', '=', 'p.id')
          .where('a.person_id', '=', author),
      ),
    );
  }
  const rows = await query
    .select([
      'p.id',
      'p.slug',
      'p.title',
      'p.summary',
      'p.body',
      'p.publish_at',
      'p.created_at',
      'p.edited_at',
      'p.author_name',
      'b.slug as blog_slug',
      'b.title as blog_title',
    ])
    .orderBy('p.publish_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(limit)
    .execute();

  const ids = rows.map((row) => row.id);
  const [authors, tags] = await Promise.all([
    authorNamesOf(db, ids),
    tagsOf(db, ids),
  ]);
  return rows.map((row) => ({
    id: row.id,
    slug: row.slug,
    title: row.title,
    summary: row.summary,
    body: row.body,
    publishAt: row.publish_at ?? row.created_at,
    createdAt: row.created_at,
    editedAt: row.edited_at,
    blog: { slug: row.blog_slug, title: row.blog_title },
    authors: authors.get(row.id) ?? [row.author_name],
    tags: tags.get(row.id) ?? [],
  }));
}

/** Each post's author names in order, in one query. */
async function authorNamesOf(
  db: Db,
  ids: readonly number[],
): Promise<Map<number, string[]>> {
  const byPost = new Map<number, string[]>();
  if (ids.length === 0) {
    return byPost;
  }
  const rows = await db
    .selectFrom('blog_post_authors')
    .select(['post_id', 'name'])
    .where('post_id', 'in', ids)
    .orderBy('post_id')
    .orderBy('position')
    .execute();
  for (const row of rows) {
    byPost.set(row.post_id, [...(byPost.get(row.post_id) ?? []), row.name]);
  }
  return byPost;
}

/** Each post's tags as first spelled, in one query. */
async function tagsOf(
  db: Db,
  ids: readonly number[],
): Promise<Map<number, string[]>> {
  const byPost = new Map<number, string[]>();
  if (ids.length === 0) {
    return byPost;
  }
  const rows = await db
    .selectFrom('blog_post_tags')
    .select(['post_id', 'tag'])
    .where('post_id', 'in', ids)
    .orderBy('post_id')
    .orderBy('tag_key')
    .execute();
  for (const row of rows) {
    byPost.set(row.post_id, [...(byPost.get(row.post_id) ?? []), row.tag]);
  }
  return byPost;
}
