import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import type { Db } from '../../database.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/pagination.ts';
import type { BlogCommentStatus, CommentPolicy } from './tables.ts';
import { indexBlogComment } from '../search/sources.ts';

// Comments on a post, with replies. Who may comment, approve and delete
// is the blog rule (src/access/blogs.ts); here is what the rows do. The
// post's comment_count counts approved, not deleted comments and moves
// with every change in the same transaction.

/**
 * A condition over `blog_comments as c`: the comment every reader of its
 * post is shown (approved, not deleted), as comment_count counts them.
 * Search uses it.
 */
export function shownComments(): RawBuilder<SqlBool> {
  return sql<SqlBool>`(c.status = 'approved' and c.deleted_at is null)`;
}

export interface BlogComment {
  id: number;
  postId: number;
  parentId: number | null;
  authorId: number | null;
  authorName: string;
  body: string;
  status: BlogCommentStatus;
  createdAt: string;
  deleted: boolean;
}

async function adjustCount(db: Db, postId: number, by: 1 | -1) {
  await db
    .updateTable('blog_posts')
    .set({ comment_count: sql`comment_count + ${by}` })
    .where('id', '=', postId)
    .execute();
}

/** Adds a comment, waiting for approval when the blog asks for it. */
export async function addComment(
  db: Db,
  postId: number,
  author: { id: number; displayName: string },
  body: string,
  parentId: number | null,
  policy: CommentPolicy,
  now = new Date().toISOString(),
): Promise<{ id: number; status: BlogCommentStatus }> {
  if (parentId !== null) {
    const parent = await db
      .selectFrom('blog_comments')
      .select('id')
      .where('id', '=', parentId)
      .where('post_id', '=', postId)
      .where('status', '=', 'approved')
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!parent) {
      throw new ValidationError({
        parentId: 'The comment you are answering is not on this post',
      });
    }
  }
  const status: BlogCommentStatus =
    policy === 'approve' ? 'pending' : 'approved';
  const row = await db
    .insertInto('blog_comments')
    .values({
      post_id: postId,
      parent_id: parentId,
      author_id: author.id,
      author_name: author.displayName,
      body,
      status,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await indexBlogComment(db, row.id);
  if (status === 'approved') {
    await adjustCount(db, postId, 1);
  }
  return { id: row.id, status };
}

const COLUMNS = [
  'id',
  'post_id',
  'parent_id',
  'author_id',
  'author_name',
  'body',
  'status',
  'created_at',
  'deleted_at',
] as const;

type Row = {
  id: number;
  post_id: number;
  parent_id: number | null;
  author_id: number | null;
  author_name: string;
  body: string;
  status: BlogCommentStatus;
  created_at: string;
  deleted_at: string | null;
};

function toComment(row: Row): BlogComment {
  const deleted = row.deleted_at !== null;
  return {
    id: row.id,
    postId: row.post_id,
    parentId: row.parent_id,
    authorId: deleted ? null : row.author_id,
    authorName: deleted ? '' : row.author_name,
    body: deleted ? '' : row.body,
    status: row.status,
    createdAt: row.created_at,
    deleted,
  };
}

/** One comment on a post, not deleted. */
export async function findComment(
  db: Db,
  postId: number,
  commentId: number,
): Promise<BlogComment> {
  const row = await db
    .selectFrom('blog_comments')
    .select(COLUMNS)
    .where('id', '=', commentId)
    .where('post_id', '=', postId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) {
    throw new NotFoundError('COMMENT_NOT_FOUND', 'There is no such comment');
  }
  return toComment(row);
}

/**
 * A page of a post's comments in the order they were written: approved
 * ones, and pending ones to their author and (`manager`) the blog's
 * managers. A deleted comment stays as an empty place while it has
 * replies, so the conversation keeps its shape.
 */
export async function listComments(
  db: Db,
  postId: number,
  viewer: { id: number; manager: boolean },
  page: PageRequest,
): Promise<{ items: BlogComment[]; total: number }> {
  // A deleted comment keeps its place while any comment under it, however
  // deep, is still there: the live ones and every ancestor of theirs.
  const query = db
    .withRecursive('kept(id, parent_id)', (qc) =>
      qc
        .selectFrom('blog_comments')
        .select(['id', 'parent_id'])
        .where('post_id', '=', postId)
        .where('deleted_at', 'is', null)
        .union(
          qc
            .selectFrom('blog_comments as b')
            .innerJoin('kept', 'kept.parent_id', 'b.id')
            .select(['b.id', 'b.parent_id']),
        ),
    )
    .selectFrom('blog_comments as c')
    .where('c.post_id', '=', postId)
    .where((eb) =>
      eb.or([
        eb('c.status', '=', 'approved'),
        ...(viewer.manager ? [eb('c.status', '=', 'pending')] : []),
        eb('c.author_id', '=', viewer.id),
      ]),
    )
    .where('c.id', 'in', (eb) => eb.selectFrom('kept').select('kept.id'));
  const counted = await query
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .select(COLUMNS.map((column) => `c.${column}` as const))
    .orderBy('c.created_at')
    .orderBy('c.id')
    .limit(page.pageSize)
    .offset(page.offset)
    .execute();
  return { items: rows.map(toComment), total: Number(counted.total) };
}

/** Approves a pending comment; true when it was waiting. */
export async function approveComment(
  db: Db,
  comment: BlogComment,
): Promise<boolean> {
  const result = await db
    .updateTable('blog_comments')
    .set({ status: 'approved' })
    .where('id', '=', comment.id)
    .where('status', '=', 'pending')
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  const changed = Number(result.numUpdatedRows) > 0;
  if (changed) {
    await adjustCount(db, comment.postId, 1);
  }
  return changed;
}

/** Deletes a comment softly; its replies stay. */
export async function deleteComment(
  db: Db,
  comment: BlogComment,
  now = new Date().toISOString(),
): Promise<void> {
  const result = await db
    .updateTable('blog_comments')
    .set({ deleted_at: now })
    .where('id', '=', comment.id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0 && comment.status === 'approved') {
    await adjustCount(db, comment.postId, -1);
  }
}

/** Sets who may comment in a blog. */
export async function setCommentPolicy(
  db: Db,
  blogId: number,
  policy: CommentPolicy,
  now = new Date().toISOString(),
): Promise<void> {
  await db
    .updateTable('blogs')
    .set({ comment_policy: policy, updated_at: now })
    .where('id', '=', blogId)
    .execute();
}

/** A comment and its replies as a page shows them, depth capped. */
export interface CommentNode extends BlogComment {
  depth: number;
  /**
   * The comment answered, for a reply deeper than the indent shows, so
   * the page can say whom it answers; null otherwise.
   */
  inReplyTo: { id: number; authorName: string; deleted: boolean } | null;
}

/**
 * Orders a page of comments as a conversation: each reply after its
 * parent, indented one step more, up to `maxDepth`; deeper replies sit at
 * the deepest step, so a long exchange does not run off a phone's screen,
 * and name the comment they answer instead.
 */
// TODO: comments are paged 100 at a time in the order written, so a
// reply whose parent is on an earlier page shows at its page's top level.
export function threadComments(
  comments: readonly BlogComment[],
  maxDepth = 3,
): CommentNode[] {
  const onPage = new Set(comments.map((comment) => comment.id));
  const children = new Map<number | null, BlogComment[]>();
  for (const comment of comments) {
    const parent =
      comment.parentId !== null && onPage.has(comment.parentId)
        ? comment.parentId
        : null;
    children.set(parent, [...(children.get(parent) ?? []), comment]);
  }
  const ordered: CommentNode[] = [];
  const visit = (parent: BlogComment | null, depth: number) => {
    for (const comment of children.get(parent?.id ?? null) ?? []) {
      const inReplyTo =
        parent && depth > maxDepth
          ? {
              id: parent.id,
              authorName: parent.authorName,
              deleted: parent.deleted,
            }
          : null;
      ordered.push({ ...comment, depth: Math.min(depth, maxDepth), inReplyTo });
      visit(comment, depth + 1);
    }
  };
  visit(null, 0);
  return ordered;
}
