import type { Actor, PersonActor } from '../../access/actor.ts';
import { canInBlog } from '../../access/blogs.ts';
import type { BlogPostAction } from '../../access/blogs.ts';
import type { Db } from '../../database.ts';
import { ForbiddenError, NotFoundError } from '../../platform/errors.ts';
import { recordAudit } from '../audit/audit.ts';
import {
  addComment,
  approveComment,
  deleteComment,
  findComment,
  setCommentPolicy,
} from './comments.ts';
import type { PostFields } from './input.ts';
import { createPost, deletePost, findPost, updatePost } from './posts.ts';
import type { BlogPost } from './posts.ts';
import type { CommentPolicy } from './tables.ts';
import type { BlogForReader } from './things.ts';
import { postThing, requireBlogFor } from './things.ts';
import { newPostOf, postChangeOf } from './writing.ts';
import { blogCommentAdded, blogPostSaved } from '../activity/hooks.ts';

// What the pages and the API do to blogs, each step checked against the
// blog rule. Every function takes the caller's transaction.

export interface OpenedPost extends BlogForReader {
  post: BlogPost;
}

function auditActor(actor: PersonActor) {
  return { personId: actor.id, label: actor.displayName };
}

/**
 * A post the actor may do `action` to. A post they may not read is
 * missing, whatever the reason, so a slug reveals nothing.
 */
export async function openPost(
  db: Db,
  actor: Actor,
  blogSlug: string,
  postSlug: string,
  now: string,
  action: BlogPostAction = 'post.read',
): Promise<OpenedPost> {
  const opened = await requireBlogFor(db, actor, blogSlug);
  const post = await findPost(db, opened.blog.id, postSlug);
  const thing = postThing(opened.thing, post);
  if (!canInBlog(actor, 'post.read', thing, now)) {
    throw new NotFoundError('POST_NOT_FOUND', 'There is no such post');
  }
  if (!canInBlog(actor, action, thing, now)) {
    if (action === 'post.comment' && opened.blog.commentPolicy === 'closed') {
      throw new ForbiddenError(
        'COMMENTS_CLOSED',
        'Comments on this post are closed',
      );
    }
    throw new ForbiddenError(
      'POST_FORBIDDEN',
      action === 'post.comment'
        ? 'You cannot comment on this post'
        : 'You cannot change this post',
    );
  }
  return { ...opened, post };
}

export interface WriteOptions {
  /** Forms clamp an audience the blog does not allow; the API refuses. */
  clampAudience: boolean;
  now: string;
  /** The field a scheduling error belongs to. */
  timeField: string;
}

/** Writes a new post in a blog the actor may write in. */
export async function writePost(
  db: Db,
  actor: PersonActor,
  blogSlug: string,
  fields: Partial<PostFields>,
  scheduled: string | null,
  options: WriteOptions,
): Promise<OpenedPost> {
  const opened = await requireBlogFor(db, actor, blogSlug, 'blog.write');
  const values = await newPostOf(
    db,
    actor,
    opened.thing,
    fields,
    scheduled,
    options,
  );
  const { slug } = await createPost(db, opened.blog, values, options.now);
  const post = await findPost(db, opened.blog.id, slug);
  await blogPostSaved(db, actor, opened.blog, post, options.now);
  return { ...opened, post };
}

/** Changes a post the actor may edit. */
export async function editPost(
  db: Db,
  actor: PersonActor,
  blogSlug: string,
  postSlug: string,
  fields: Partial<PostFields>,
  scheduled: string | null | undefined,
  options: WriteOptions,
): Promise<OpenedPost> {
  const opened = await openPost(
    db,
    actor,
    blogSlug,
    postSlug,
    options.now,
    'post.edit',
  );
  const change = await postChangeOf(
    db,
    opened.post,
    opened.thing,
    fields,
    scheduled,
    options,
  );
  await updatePost(db, opened.post, actor.id, change, options.now);
  const post = await findPost(db, opened.blog.id, postSlug);
  await blogPostSaved(db, actor, opened.blog, post, options.now);
  return { ...opened, post };
}

/** Deletes a post, on the audit log. */
export async function removePost(
  db: Db,
  actor: PersonActor,
  blogSlug: string,
  postSlug: string,
  now: string,
): Promise<OpenedPost> {
  const opened = await openPost(
    db,
    actor,
    blogSlug,
    postSlug,
    now,
    'post.delete',
  );
  await deletePost(db, opened.post.id, now);
  await recordAudit(
    db,
    {
      action: 'blog.post.deleted',
      actor: auditActor(actor),
      subject: { type: 'blog-post', id: opened.post.id },
      details: { blog: opened.blog.slug, title: opened.post.title },
    },
    now,
  );
  return opened;
}

/** Adds a comment to a post the actor may comment on. */
export async function commentOn(
  db: Db,
  actor: PersonActor,
  blogSlug: string,
  postSlug: string,
  body: string,
  parentId: number | null,
  now: string,
) {
  const opened = await openPost(
    db,
    actor,
    blogSlug,
    postSlug,
    now,
    'post.comment',
  );
  const comment = await addComment(
    db,
    opened.post.id,
    actor,
    body,
    parentId,
    opened.blog.commentPolicy,
    now,
  );
  // A comment waiting for approval is news once approved (moderateComment).
  if (comment.status === 'approved') {
    const added = { id: comment.id, parentId, body };
    await blogCommentAdded(db, actor, opened.blog, opened.post, added, now);
  }
  return { opened, comment };
}

/**
 * Approves or deletes a comment. Managers do both; a comment's author may
 * delete their own, which is not a moderation and not audited.
 */
export async function moderateComment(
  db: Db,
  actor: PersonActor,
  blogSlug: string,
  postSlug: string,
  commentId: number,
  decision: 'approve' | 'delete',
  now: string,
): Promise<OpenedPost> {
  const opened = await openPost(db, actor, blogSlug, postSlug, now);
  const comment = await findComment(db, opened.post.id, commentId);
  const thing = postThing(opened.thing, opened.post);
  const manager = canInBlog(actor, 'post.moderate', thing, now);
  const own = comment.authorId === actor.id;
  if (!manager && !(own && decision === 'delete')) {
    if (comment.status === 'pending' && !own) {
      throw new NotFoundError('COMMENT_NOT_FOUND', 'There is no such comment');
    }
    throw new ForbiddenError(
      'COMMENT_FORBIDDEN',
      'Only the managers of this blog can do that',
    );
  }
  if (decision === 'approve') {
    const approved = await approveComment(db, comment);
    if (approved && comment.authorId !== null) {
      const author = { id: comment.authorId, displayName: comment.authorName };
      const added = {
        id: comment.id,
        parentId: comment.parentId,
        body: comment.body,
      };
      await blogCommentAdded(db, author, opened.blog, opened.post, added, now);
    }
    return opened;
  }
  await deleteComment(db, comment, now);
  if (!own) {
    await recordAudit(
      db,
      {
        action: 'blog.comment.deleted',
        actor: auditActor(actor),
        subject: { type: 'blog-comment', id: comment.id },
        details: { blog: opened.blog.slug, post: opened.post.slug },
      },
      now,
    );
  }
  return opened;
}

/** Sets a blog's comment policy, on the audit log when it changes. */
export async function changeCommentPolicy(
  db: Db,
  actor: PersonActor,
  blogSlug: string,
  policy: CommentPolicy,
  now: string,
): Promise<BlogForReader> {
  const opened = await requireBlogFor(db, actor, blogSlug, 'blog.manage');
  const before = opened.blog.commentPolicy;
  if (before !== policy) {
    await setCommentPolicy(db, opened.blog.id, policy, now);
    await recordAudit(
      db,
      {
        action: 'blog.comment-policy.changed',
        actor: auditActor(actor),
        subject: { type: 'blog', id: opened.blog.id },
        details: { blog: opened.blog.slug, before, after: policy },
      },
      now,
    );
  }
  return opened;
}
