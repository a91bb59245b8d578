import { sql } from 'kysely';
import type { Expression, RawBuilder, SqlBool } from 'kysely';
import type { Db } from '../database.ts';
import type {
  BlogAudience,
  BlogKind,
  BlogPostStatus,
  CommentPolicy,
} from '../features/blogs/tables.ts';
import type { Actor } from './actor.ts';
import { canInGroup, readableContent } from './groups.ts';
import type { GroupThing, RuleForm } from './groups.ts';

/**
 * Who may read and write blogs, in two forms that must agree: `canInBlog`
 * for one blog or post, `readableBlogPosts` as a query condition for
 * every list, feed and count of posts. A test runs every kind of actor
 * against every audience, status and group through both.
 *
 * - A blog: a group's blog is read by whoever may read the group; person
 *   and site blogs by staff, and by signed-out readers when the site
 *   opens reading to the public (the actor carries `publicReading`).
 * - A post's audience narrows that: `everyone` is the blog's readers,
 *   `members` signed-in staff or, in a group's blog, the group's members
 *   (and site administrators, who read every group), `private` its
 *   authors only: not the blog's managers, not site administrators. A
 *   private post none of whose authors is a person (imported, its writer
 *   matched no one) is the blog's managers', or no one could read or
 *   delete it.
 * - Drafts and scheduled posts not yet due are for their authors and the
 *   blog's managers; a scheduled post is published from `publish_at` on,
 *   decided by comparing with the time of asking, so no job runs.
 * - A post's authors always read it until it is deleted.
 *
 * A blog's managers: the owner of a personal blog; a group's owners and
 * admins (and site administrators) for its blog; site administrators for
 * site blogs.
 */

/** A blog as the rule needs it. */
export interface BlogThing {
  kind: BlogKind;
  /** The owner of a personal blog. */
  personId: number | null;
  /** For a group's blog: the group and the actor's role in it. */
  group: GroupThing | null;
  commentPolicy?: CommentPolicy;
}

/** A post as the rule needs it, with its blog. */
export interface BlogPostThing {
  blog: BlogThing;
  status: BlogPostStatus;
  audience: BlogAudience;
  publishAt: string | null;
  deletedAt: string | null;
  /** The people among its authors (former contributors have none). */
  authorIds: readonly number[];
}

export type BlogAction =
  /** Open the blog's page and read its everyone posts. */
  | 'blog.read'
  /** Start a post in the blog. */
  | 'blog.write'
  /** Set its comment policy, approve and delete comments, see drafts. */
  | 'blog.manage';

export type BlogPostAction =
  | 'post.read'
  | 'post.edit'
  /** Delete: an author who may edit, or a manager who may read it. */
  | 'post.delete'
  | 'post.comment'
  /** Approve or delete its comments. */
  | 'post.moderate';

export function canInBlog(
  actor: Actor,
  action: BlogAction,
  blog: BlogThing,
): boolean;
export function canInBlog(
  actor: Actor,
  action: BlogPostAction,
  post: BlogPostThing,
  now?: string,
): boolean;
/** Answers whether `actor` may do `action` to one blog or post. */
export function canInBlog(
  actor: Actor,
  action: BlogAction | BlogPostAction,
  thing: BlogThing | BlogPostThing,
  now = new Date().toISOString(),
): boolean {
  if ('blog' in thing) {
    return canOnPost(actor, action as BlogPostAction, thing, now);
  }
  switch (action as BlogAction) {
    case 'blog.read':
      return mayReadBlog(actor, thing);
    case 'blog.write':
      return mayWriteBlog(actor, thing);
    case 'blog.manage':
      return mayManageBlog(actor, thing);
  }
}

/** True when a post is public to its audience at `now`. */
export function isPublished(
  post: { status: BlogPostStatus; publishAt: string | null },
  now: string,
): boolean {
  if (post.status === 'published') {
    return true;
  }
  return (
    post.status === 'scheduled' &&
    post.publishAt !== null &&
    Date.parse(post.publishAt) <= Date.parse(now)
  );
}

function canOnPost(
  actor: Actor,
  action: BlogPostAction,
  post: BlogPostThing,
  now: string,
): boolean {
  if (post.deletedAt !== null) {
    return false;
  }
  const author = actor.kind === 'person' && post.authorIds.includes(actor.id);
  const read = author || mayReadPost(actor, post, now);
  switch (action) {
    case 'post.read':
      return read;
    case 'post.edit':
      return author && mayAuthorIn(actor, post.blog);
    case 'post.delete':
      return (
        (author && mayAuthorIn(actor, post.blog)) ||
        (read && mayManageBlog(actor, post.blog))
      );
    case 'post.comment':
      return (
        read &&
        isPublished(post, now) &&
        post.blog.commentPolicy !== 'closed' &&
        mayComment(actor, post.blog)
      );
    case 'post.moderate':
      return read && mayManageBlog(actor, post.blog);
  }
}

function mayReadPost(actor: Actor, post: BlogPostThing, now: string): boolean {
  if (post.audience === 'private') {
    return post.authorIds.length === 0 && mayManageBlog(actor, post.blog);
  }
  if (!isPublished(post, now)) {
    return mayManageBlog(actor, post.blog);
  }
  if (post.audience === 'everyone') {
    return mayReadBlog(actor, post.blog);
  }
  return isBlogMember(actor, post.blog);
}

function mayReadBlog(actor: Actor, blog: BlogThing): boolean {
  if (blog.group) {
    return canInGroup(actor, 'group.read', blog.group);
  }
  if (actor.kind !== 'person') {
    return actor.publicReading === true;
  }
  return actor.role !== 'guest' || actor.id === blog.personId;
}

/** Who a `members` post is for. */
function isBlogMember(actor: Actor, blog: BlogThing): boolean {
  if (actor.kind !== 'person') {
    return false;
  }
  if (blog.group) {
    return blog.group.role !== null || actor.role === 'admin';
  }
  return actor.role !== 'guest' || actor.id === blog.personId;
}

function mayWriteBlog(actor: Actor, blog: BlogThing): boolean {
  if (actor.kind !== 'person') {
    return false;
  }
  switch (blog.kind) {
    case 'group':
      return (
        blog.group !== null && canInGroup(actor, 'group.contribute', blog.group)
      );
    case 'person':
      // A guest's writing would reach all staff, beyond the groups they
      // were invited to.
      return actor.id === blog.personId && actor.role !== 'guest';
    case 'site':
      return actor.role === 'admin';
  }
}

/**
 * Whether an author of a post may still work on it: in a group's blog
 * they must still contribute to the group; a personal blog's owner adds
 * co-authors per post, who may then edit it.
 */
function mayAuthorIn(actor: Actor, blog: BlogThing): boolean {
  if (actor.kind !== 'person') {
    return false;
  }
  switch (blog.kind) {
    case 'group':
      return (
        blog.group !== null && canInGroup(actor, 'group.contribute', blog.group)
      );
    case 'person':
      return actor.role !== 'guest' || actor.id === blog.personId;
    case 'site':
      return actor.role === 'admin';
  }
}

function mayManageBlog(actor: Actor, blog: BlogThing): boolean {
  if (actor.kind !== 'person') {
    return false;
  }
  switch (blog.kind) {
    case 'group':
      return (
        blog.group !== null && canInGroup(actor, 'group.manage', blog.group)
      );
    case 'person':
      return actor.id === blog.personId;
    case 'site':
      return actor.role === 'admin';
  }
}

function mayComment(actor: Actor, blog: BlogThing): boolean {
  if (actor.kind !== 'person') {
    return false;
  }
  if (blog.group) {
    return canInGroup(actor, 'group.contribute', blog.group);
  }
  return actor.role !== 'guest';
}

/**
 * A condition over `blog_posts as p` joined to `blogs as b`: true for the
 * posts `actor` may read at `now` (an ISO instant in UTC). The same rule
 * as `canInBlog(actor, 'post.read', …)`.
 */
export function readableBlogPosts(
  db: Db,
  actor: Actor,
  now: string,
  form: RuleForm = 'list',
): Expression<SqlBool> {
  const published = publishedAt(now);
  const notDeleted = sql<SqlBool>`p.deleted_at is null`;
  if (actor.kind !== 'person') {
    if (actor.publicReading !== true) {
      return sql<SqlBool>`1 = 0`;
    }
    const blogRead = sql<SqlBool>`(b.group_id is null
      or ${readableContent(db, actor, 'b.group_id', form)})`;
    return sql<SqlBool>`(${notDeleted} and p.audience = 'everyone'
      and ${published} and ${blogRead})`;
  }
  const me = actor.id;
  const author = sql<SqlBool>`exists (select 1 from blog_post_authors as pa
    where pa.post_id = p.id and pa.person_id = ${me})`;
  const owner = sql<SqlBool>`b.person_id = ${me}`;
  const blogRead = sql<SqlBool>`(${readableContent(db, actor, 'b.group_id', form)}
    or ${owner})`;
  const members = blogMembers(actor.role, me);
  const manager = blogManagers(actor.role, me);
  const orphan = sql<SqlBool>`not exists (select 1 from blog_post_authors
    as pa where pa.post_id = p.id and pa.person_id is not null)`;
  const orphanPrivate = sql<SqlBool>`(p.audience = 'private' and ${orphan}
    and ${manager})`;
  const shown = sql<SqlBool>`((p.audience = 'everyone' and ${blogRead})
    or (p.audience = 'members' and ${members}))`;
  return sql<SqlBool>`(${notDeleted} and (${author} or ${orphanPrivate}
    or (p.audience != 'private' and ((${published} and ${shown})
      or (not ${published} and ${manager})))))`;
}

/**
 * A condition over `blog_posts as p`: the post is published at `now`,
 * either outright or because its scheduled instant has come. The same
 * test as `isPublished`, for queries.
 */
export function publishedAt(now: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(p.status = 'published'
    or (p.status = 'scheduled' and p.publish_at is not null
      and p.publish_at <= ${now}))`;
}

function blogMembers(role: string, me: number): RawBuilder<SqlBool> {
  const inGroup = sql<SqlBool>`b.group_id in (select gm.group_id
    from group_members as gm where gm.person_id = ${me})`;
  if (role === 'admin') {
    return sql<SqlBool>`1 = 1`;
  }
  if (role === 'guest') {
    return sql<SqlBool>`(${inGroup} or b.person_id = ${me})`;
  }
  return sql<SqlBool>`(b.group_id is null or ${inGroup})`;
}

function blogManagers(role: string, me: number): RawBuilder<SqlBool> {
  const ownBlog = sql<SqlBool>`b.person_id = ${me}`;
  if (role === 'admin') {
    return sql<SqlBool>`(b.kind != 'person' or ${ownBlog})`;
  }
  const runsGroup = sql<SqlBool>`b.group_id in (select gm.group_id
    from group_members as gm
    where gm.person_id = ${me} and gm.role in ('owner', 'admin'))`;
  return sql<SqlBool>`(${ownBlog} or ${runsGroup})`;
}

/**
 * A condition over `blogs as b`: true for the blogs `actor` may open
 * (`blog.read`), for lists of blogs. Same rule as `canInBlog`.
 */
export function readableBlogs(db: Db, actor: Actor): Expression<SqlBool> {
  const inGroups = readableContent(db, actor, 'b.group_id');
  if (actor.kind !== 'person') {
    return actor.publicReading === true
      ? sql<SqlBool>`(b.group_id is null or ${inGroups})`
      : sql<SqlBool>`1 = 0`;
  }
  return sql<SqlBool>`(${inGroups} or b.person_id = ${actor.id})`;
}
