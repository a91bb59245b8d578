import type { Db } from '../../../database.ts';
import type {
  BlogAudience,
  BlogCommentStatus,
  BlogPostStatus,
} from '../tables.ts';
import type { ImportedAuthor } from './authors.ts';
import { indexBlogComment, indexBlogPost } from '../../search/sources.ts';

// The rows a WordPress import writes, each recognised by its import key
// so a second run finds it and adds nothing. The caller owns the
// transaction: a post is written whole (authors, tags, comments) or not
// at all.

export interface ImportedPost {
  importKey: string;
  /** The slug wanted; `-2`, `-3` … are added when the blog has it. */
  slug: string;
  title: string;
  summary: string;
  body: string;
  status: BlogPostStatus;
  audience: BlogAudience;
  publishAt: string | null;
  createdAt: string;
  author: ImportedAuthor;
  tags: { tag: string; key: string }[];
}

export interface ImportedComment {
  importKey: string;
  /** The import key of the comment it answers, when it was imported. */
  parentKey?: string;
  author: ImportedAuthor;
  body: string;
  status: BlogCommentStatus;
  createdAt: string;
}

export interface ImportedAttachment {
  importKey: string;
  /** The import key of the post it belongs to, if any. */
  postKey?: string;
  title: string;
  originalUrl: string;
  createdAt: string;
}

/** The id of the post imported under this key, if there is one. */
export async function findImportedPost(
  db: Db,
  importKey: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('blog_posts')
    .select('id')
    .where('import_key', '=', importKey)
    .executeTakeFirst();
  return row?.id;
}

/** Writes a post with its authors and tags, and returns its id. */
export async function insertImportedPost(
  db: Db,
  blogId: number,
  post: ImportedPost,
): Promise<number> {
  const slug = await freePostSlug(db, blogId, post.slug);
  const { id } = await db
    .insertInto('blog_posts')
    .values({
      blog_id: blogId,
      slug,
      title: post.title,
      summary: post.summary,
      body: post.body,
      status: post.status,
      audience: post.audience,
      publish_at: post.publishAt,
      author_id: post.author.personId,
      author_name: post.author.name,
      created_at: post.createdAt,
      updated_at: post.createdAt,
      edited_at: null,
      deleted_at: null,
      import_key: post.importKey,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('blog_post_authors')
    .values({
      post_id: id,
      position: 1,
      person_id: post.author.personId,
      name: post.author.name,
    })
    .execute();
  if (post.tags.length > 0) {
    await db
      .insertInto('blog_post_tags')
      .values(
        post.tags.map(({ tag, key }) => ({ post_id: id, tag, tag_key: key })),
      )
      .execute();
  }
  await indexBlogPost(db, id);
  return id;
}

/**
 * The first of `base`, `base-2`, `base-3` … that no post of the blog
 * has, found with one query.
 */
async function freePostSlug(
  db: Db,
  blogId: number,
  base: string,
): Promise<string> {
  const rows = await db
    .selectFrom('blog_posts')
    .select('slug')
    .where('blog_id', '=', blogId)
    .where((eb) =>
      eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]),
    )
    .limit(10_000)
    .execute();
  const taken = new Set(rows.map((row) => row.slug));
  if (!taken.has(base)) {
    return base;
  }
  let n = 2;
  while (taken.has(`${base}-${n}`)) {
    n += 1;
  }
  return `${base}-${n}`;
}

/**
 * Writes the comments a post lacks, parents before replies, and keeps
 * the post's comment count equal to its approved comments. Returns the
 * comments it added.
 */
export async function insertImportedComments(
  db: Db,
  postId: number,
  comments: ImportedComment[],
): Promise<ImportedComment[]> {
  if (comments.length === 0) {
    return [];
  }
  const known = await db
    .selectFrom('blog_comments')
    .select(['id', 'import_key'])
    .where('post_id', '=', postId)
    .where('import_key', 'is not', null)
    .execute();
  const ids = new Map(known.map((row) => [row.import_key ?? '', row.id]));
  const added: ImportedComment[] = [];
  for (const comment of comments) {
    if (ids.has(comment.importKey)) {
      continue;
    }
    const parentId =
      comment.parentKey === undefined ? null : ids.get(comment.parentKey);
    const { id } = await db
      .insertInto('blog_comments')
      .values({
        post_id: postId,
        parent_id: parentId ?? null,
        author_id: comment.author.personId,
        author_name: comment.author.name,
        body: comment.body,
        status: comment.status,
        created_at: comment.createdAt,
        edited_at: null,
        deleted_at: null,
        import_key: comment.importKey,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.set(comment.importKey, id);
    await indexBlogComment(db, id);
    added.push(comment);
  }
  if (added.length > 0) {
    await recountComments(db, postId);
  }
  return added;
}

/** Sets a post's comment count to its approved, not deleted comments. */
async function recountComments(db: Db, postId: number): Promise<void> {
  const { n } = await db
    .selectFrom('blog_comments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('post_id', '=', postId)
    .where('status', '=', 'approved')
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  await db
    .updateTable('blog_posts')
    .set({ comment_count: Number(n) })
    .where('id', '=', postId)
    .execute();
}

/** Writes an attachment unless it is there; true when it was added. */
export async function insertImportedAttachment(
  db: Db,
  blogId: number,
  attachment: ImportedAttachment,
): Promise<boolean> {
  const known = await db
    .selectFrom('blog_attachments')
    .select('id')
    .where('import_key', '=', attachment.importKey)
    .executeTakeFirst();
  if (known) {
    return false;
  }
  const postId = attachment.postKey
    ? await findImportedPost(db, attachment.postKey)
    : undefined;
  await db
    .insertInto('blog_attachments')
    .values({
      blog_id: blogId,
      post_id: postId ?? null,
      title: attachment.title,
      original_url: attachment.originalUrl,
      import_key: attachment.importKey,
      created_at: attachment.createdAt,
    })
    .execute();
  return true;
}

/** The id of the group with this slug, for `--blog` naming a group. */
export async function findGroupIdBySlug(
  db: Db,
  slug: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('groups')
    .select('id')
    .where('slug', '=', slug)
    .executeTakeFirst();
  return row?.id;
}

/** The slug of a group, whose wiki a group blog's pages go into. */
export async function groupSlugOf(
  db: Db,
  groupId: number,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('groups')
    .select('slug')
    .where('id', '=', groupId)
    .executeTakeFirst();
  return row?.slug;
}
