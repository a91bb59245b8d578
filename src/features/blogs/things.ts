import type { Actor } from '../../access/actor.ts';
import { canInBlog } from '../../access/blogs.ts';
import type {
  BlogAction,
  BlogPostAction,
  BlogPostThing,
  BlogThing,
} from '../../access/blogs.ts';
import type { Db } from '../../database.ts';
import { ForbiddenError, NotFoundError } from '../../platform/errors.ts';
import type { Blog } from './blogs.ts';
import { findBlogBySlug } from './blogs.ts';

// A blog or post as the access rule sees it for one actor: the group's
// visibility and the actor's role in it, read when asked.

/** A blog with the rule's view of it for the reader. */
export interface BlogForReader {
  blog: Blog;
  thing: BlogThing;
  /** The group's name and slug for a group's blog. */
  group: { slug: string; name: string } | null;
}

/** A person's role in a group, or null when they are not a member. */
async function roleIn(db: Db, personId: number, groupId: number) {
  const row = await db
    .selectFrom('group_members')
    .select('role')
    .where('group_id', '=', groupId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return row?.role ?? null;
}

/** The rule's view of `blog` for a person (or nobody, with id 0). */
export async function blogThingFor(
  db: Db,
  personId: number,
  blog: Blog,
): Promise<{ thing: BlogThing; group: BlogForReader['group'] }> {
  if (blog.groupId === null) {
    const thing = {
      kind: blog.kind,
      personId: blog.personId,
      group: null,
      commentPolicy: blog.commentPolicy,
    };
    return { thing, group: null };
  }
  const group = await db
    .selectFrom('groups')
    .select(['id', 'slug', 'name', 'visibility'])
    .where('id', '=', blog.groupId)
    .executeTakeFirstOrThrow();
  const role = personId > 0 ? await roleIn(db, personId, group.id) : null;
  return {
    thing: {
      kind: blog.kind,
      personId: null,
      group: { id: group.id, visibility: group.visibility, role },
      commentPolicy: blog.commentPolicy,
    },
    group: { slug: group.slug, name: group.name },
  };
}

export function actorId(actor: Actor): number {
  return actor.kind === 'person' ? actor.id : 0;
}

function blogNotFound(): NotFoundError {
  return new NotFoundError('BLOG_NOT_FOUND', 'There is no such blog');
}

/**
 * The blog at `slug` if the actor may do `action` there; a blog they may
 * not read is answered as missing, so slugs do not reveal secret groups.
 */
export async function requireBlogFor(
  db: Db,
  actor: Actor,
  slug: string,
  action: BlogAction = 'blog.read',
): Promise<BlogForReader> {
  const blog = await findBlogBySlug(db, slug);
  if (!blog) {
    throw blogNotFound();
  }
  const { thing, group } = await blogThingFor(db, actorId(actor), blog);
  if (!canInBlog(actor, 'blog.read', thing)) {
    throw blogNotFound();
  }
  if (!canInBlog(actor, action, thing)) {
    throw new ForbiddenError(
      'BLOG_FORBIDDEN',
      action === 'blog.write'
        ? 'You cannot write in this blog'
        : 'Only the managers of this blog can do that',
    );
  }
  return { blog, thing, group };
}

/** The post part of the rule's view. */
export interface PostState {
  status: BlogPostThing['status'];
  audience: BlogPostThing['audience'];
  publishAt: string | null;
  deletedAt: string | null;
  authors: readonly { personId: number | null }[];
}

export function postThing(blog: BlogThing, post: PostState): BlogPostThing {
  return {
    blog,
    status: post.status,
    audience: post.audience,
    publishAt: post.publishAt,
    deletedAt: post.deletedAt,
    authorIds: post.authors.flatMap((author) =>
      author.personId === null ? [] : [author.personId],
    ),
  };
}

/** Whether the actor may do `action` to a post in a blog they read. */
export function mayOnPost(
  actor: Actor,
  action: BlogPostAction,
  blog: BlogThing,
  post: PostState,
  now: string,
): boolean {
  return canInBlog(actor, action, postThing(blog, post), now);
}
