import { sql } from 'kysely';
import type { SqlBool } from 'kysely';
import type { Actor } from '../../access/actor.ts';
import { publishedAt, readableBlogPosts } from '../../access/blogs.ts';
import type { Db } from '../../database.ts';
import type { PageRequest } from '../../platform/pagination.ts';
import type { PostAuthor } from './posts.ts';
import type { PostTag } from './input.ts';
import type { BlogAudience, BlogKind, BlogPostStatus } from './tables.ts';

// Lists of posts, always through the read rule: the site's latest, a
// blog's, a tag's, and an author's drafts and scheduled posts.

/** A post as lists show it: no body. */
export interface ListedPost {
  id: number;
  slug: string;
  title: string;
  summary: string;
  status: BlogPostStatus;
  audience: BlogAudience;
  publishAt: string | null;
  commentCount: number;
  createdAt: string;
  updatedAt: string;
  editedAt: string | null;
  blog: { id: number; slug: string; title: string; kind: BlogKind };
  authors: PostAuthor[];
  tags: PostTag[];
}

export interface PostFilter {
  blogId?: number;
  tagKey?: string;
  /**
   * Only the actor's unpublished posts (drafts and scheduled ones not
   * yet due) in the blog, newest change first.
   */
  unpublishedBy?: number;
}

/** A page of the posts `actor` may read at `now`, newest first. */
export async function listPosts(
  db: Db,
  actor: Actor,
  filter: PostFilter,
  page: PageRequest,
  now: string,
): Promise<{ items: ListedPost[]; total: number }> {
  let query = db
    .selectFrom('blog_posts as p')
    .innerJoin('blogs as b', 'b.id', 'p.blog_id')
    .where(readableBlogPosts(db, actor, now));
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
  const unpublished = filter.unpublishedBy !== undefined;
  if (filter.unpublishedBy !== undefined) {
    const me = filter.unpublishedBy;
    query = query
      .where(sql<SqlBool>`not ${publishedAt(now)}`)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('blog_post_authors as pa')
            .select('pa.post_id')
            .whereRef('pa.post_id', '=', 'p.id')
            .where('pa.person_id', '=', me),
        ),
      );
  } else {
    query = query.where(publishedAt(now));
  }
  // TODO: the total counts every post the reader may read on each
  // request (71 ms on PostgreSQL at 20,000 posts); cache or cap it.
  const counted = await query
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .select([
      'p.id',
      'p.slug',
      'p.title',
      'p.summary',
      'p.status',
      'p.audience',
      'p.publish_at',
      'p.comment_count',
      'p.created_at',
      'p.updated_at',
      'p.edited_at',
      'b.id as blog_id',
      'b.slug as blog_slug',
      'b.title as blog_title',
      'b.kind as blog_kind',
    ])
    .orderBy(unpublished ? 'p.updated_at' : 'p.publish_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(page.pageSize)
    .offset(page.offset)
    .execute();
  const ids = rows.map((row) => row.id);
  const [authors, tags] = await Promise.all([
    authorsOf(db, ids),
    tagsOf(db, ids),
  ]);
  return {
    total: Number(counted.total),
    items: rows.map((row) => ({
      id: row.id,
      slug: row.slug,
      title: row.title,
      summary: row.summary,
      status: row.status,
      audience: row.audience,
      publishAt: row.publish_at,
      commentCount: row.comment_count,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      editedAt: row.edited_at,
      blog: {
        id: row.blog_id,
        slug: row.blog_slug,
        title: row.blog_title,
        kind: row.blog_kind,
      },
      authors: authors.get(row.id) ?? [],
      tags: tags.get(row.id) ?? [],
    })),
  };
}

async function authorsOf(db: Db, ids: readonly number[]) {
  const byPost = new Map<number, PostAuthor[]>();
  if (ids.length === 0) {
    return byPost;
  }
  const rows = await db
    .selectFrom('blog_post_authors')
    .select(['post_id', 'person_id', 'name'])
    .where('post_id', 'in', ids)
    .orderBy('post_id')
    .orderBy('position')
    .execute();
  for (const row of rows) {
    const list = byPost.get(row.post_id) ?? [];
    list.push({ personId: row.person_id, name: row.name });
    byPost.set(row.post_id, list);
  }
  return byPost;
}

async function tagsOf(db: Db, ids: readonly number[]) {
  const byPost = new Map<number, PostTag[]>();
  if (ids.length === 0) {
    return byPost;
  }
  const rows = await db
    .selectFrom('blog_post_tags')
    .select(['post_id', 'tag', 'tag_key'])
    .where('post_id', 'in', ids)
    .orderBy('tag_key')
    .execute();
  for (const row of rows) {
    const list = byPost.get(row.post_id) ?? [];
    list.push({ tag: row.tag, key: row.tag_key });
    byPost.set(row.post_id, list);
  }
  return byPost;
}

/** A tag's first spelling among posts, for a tag page's heading. */
export async function tagName(db: Db, key: string): Promise<string | null> {
  const row = await db
    .selectFrom('blog_post_tags')
    .select('tag')
    .where('tag_key', '=', key)
    .limit(1)
    .executeTakeFirst();
  return row?.tag ?? null;
}

/** A post's earlier versions, newest first. */
export async function listRevisions(db: Db, postId: number, page: PageRequest) {
  const counted = await db
    .selectFrom('blog_post_revisions')
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .where('post_id', '=', postId)
    .executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom('blog_post_revisions as r')
    .leftJoin('people as e', 'e.id', 'r.editor_id')
    .select([
      'r.id',
      'r.title',
      'r.summary',
      'r.body',
      'r.created_at as replacedAt',
      'e.display_name as editorName',
    ])
    .where('r.post_id', '=', postId)
    .orderBy('r.id', 'desc')
    .limit(page.pageSize)
    .offset(page.offset)
    .execute();
  return { items: rows, total: Number(counted.total) };
}
