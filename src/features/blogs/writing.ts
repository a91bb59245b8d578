import type { PersonActor } from '../../access/actor.ts';
import { canInBlog, isPublished } from '../../access/blogs.ts';
import type { BlogThing } from '../../access/blogs.ts';
import type { Db } from '../../database.ts';
import { ValidationError } from '../../platform/errors.ts';
import { checkAddedTags } from './input.ts';
import type { PostFields } from './input.ts';
import { audienceTooWide } from './posts.ts';
import type { BlogPost, NewPost, PostAuthor, PostChange } from './posts.ts';
import { requireFuture } from './scheduling.ts';
import type { BlogAudience, BlogPostStatus } from './tables.ts';

// From checked fields to what is saved: who the co-authors are and
// whether they may write here, which audiences the blog allows, and when
// the post publishes.

/** Whether the blog's container lets `everyone` mean more than members. */
function allowsEveryone(blog: BlogThing): boolean {
  return blog.group === null || blog.group.visibility === 'open';
}

/** The audiences a form offers in this blog (BUG-05). */
export function audiencesFor(blog: BlogThing): BlogAudience[] {
  return allowsEveryone(blog)
    ? ['everyone', 'members', 'private']
    : ['members', 'private'];
}

/**
 * The audience to save. An API client asking for `everyone` in a closed
 * or secret group's blog is refused; a form, which does not offer it, is
 * clamped to members.
 */
export function checkAudience(
  blog: BlogThing,
  audience: BlogAudience | undefined,
  clamp: boolean,
): BlogAudience {
  const wanted = audience ?? (allowsEveryone(blog) ? 'everyone' : 'members');
  if (wanted === 'everyone' && !allowsEveryone(blog)) {
    if (clamp) {
      return 'members';
    }
    throw audienceTooWide();
  }
  return wanted;
}

/**
 * The people named as co-authors, each by e-mail address or user name,
 * active, and allowed to write in the blog.
 */
export async function resolveCoAuthors(
  db: Db,
  blog: BlogThing,
  names: readonly string[],
  exceptId: number,
): Promise<PostAuthor[]> {
  const authors: PostAuthor[] = [];
  for (const name of names) {
    const person = await db
      .selectFrom('people')
      .select(['id', 'display_name', 'role'])
      .where('status', '=', 'active')
      .where((eb) =>
        eb.or([eb('email_key', '=', name), eb('user_name_key', '=', name)]),
      )
      .executeTakeFirst();
    if (!person) {
      throw new ValidationError({
        authors: `Nobody is known as ${name}: give an e-mail address`,
      });
    }
    if (
      person.id === exceptId ||
      authors.some((a) => a.personId === person.id)
    ) {
      continue;
    }
    const role = blog.group
      ? ((
          await db
            .selectFrom('group_members')
            .select('role')
            .where('group_id', '=', blog.group.id)
            .where('person_id', '=', person.id)
            .executeTakeFirst()
        )?.role ?? null)
      : null;
    const asThem: PersonActor = {
      kind: 'person',
      id: person.id,
      role: person.role,
      displayName: person.display_name,
      via: 'session',
    };
    const theirView = {
      ...blog,
      personId: blog.kind === 'person' ? person.id : blog.personId,
      group: blog.group ? { ...blog.group, role } : null,
    };
    if (!canInBlog(asThem, 'blog.write', theirView)) {
      throw new ValidationError({
        authors: `${person.display_name} cannot write in this blog`,
      });
    }
    authors.push({ personId: person.id, name: person.display_name });
  }
  return authors;
}

/**
 * When a post publishes given the status asked for: a draft has no time,
 * a published post keeps the time it first came out, a scheduled one
 * needs a time still to come.
 */
export function publishAtFor(
  status: BlogPostStatus,
  scheduled: string | null,
  existing: Pick<BlogPost, 'status' | 'publishAt'> | null,
  now: string,
  field: string,
): string | null {
  switch (status) {
    case 'draft':
      return null;
    case 'published':
      return existing && isPublished(existing, now) ? existing.publishAt : now;
    case 'scheduled':
      if (scheduled === null) {
        if (existing?.status === 'scheduled' && existing.publishAt !== null) {
          return existing.publishAt;
        }
        throw new ValidationError({
          [field]: 'Enter when the post should publish',
        });
      }
      if (scheduled !== existing?.publishAt) {
        requireFuture(scheduled, now, field);
      }
      return scheduled;
  }
}

/** A new post from its checked fields. */
export async function newPostOf(
  db: Db,
  actor: PersonActor,
  blog: BlogThing,
  fields: Partial<PostFields>,
  scheduled: string | null,
  options: { clampAudience: boolean; now: string; timeField: string },
): Promise<NewPost> {
  checkAddedTags([], fields.tags ?? []);
  const status = fields.status ?? 'draft';
  const coAuthors = await resolveCoAuthors(
    db,
    blog,
    fields.coAuthors ?? [],
    actor.id,
  );
  return {
    title: fields.title ?? '',
    body: fields.body ?? '',
    summary: fields.summary ?? '',
    tags: fields.tags ?? [],
    status,
    audience: checkAudience(blog, fields.audience, options.clampAudience),
    publishAt: publishAtFor(
      status,
      scheduled,
      null,
      options.now,
      options.timeField,
    ),
    authors: [{ personId: actor.id, name: actor.displayName }, ...coAuthors],
  };
}

/** A change to a post from the fields sent; the first author stays. */
export async function postChangeOf(
  db: Db,
  post: BlogPost,
  blog: BlogThing,
  fields: Partial<PostFields>,
  scheduled: string | null | undefined,
  options: { clampAudience: boolean; now: string; timeField: string },
): Promise<PostChange> {
  if (fields.tags !== undefined) {
    checkAddedTags(post.tags, fields.tags);
  }
  const change: PostChange = {
    title: fields.title,
    body: fields.body,
    summary: fields.summary,
    tags: fields.tags,
  };
  if (fields.audience !== undefined) {
    change.audience = checkAudience(
      blog,
      fields.audience,
      options.clampAudience,
    );
  }
  const status = fields.status ?? (scheduled ? 'scheduled' : undefined);
  if (status !== undefined) {
    change.status = status;
    change.publishAt = publishAtFor(
      status,
      scheduled ?? null,
      post,
      options.now,
      options.timeField,
    );
  }
  if (fields.coAuthors !== undefined) {
    const first = post.authors[0];
    const coAuthors = await resolveCoAuthors(
      db,
      blog,
      fields.coAuthors,
      first?.personId ?? 0,
    );
    change.authors = [...(first ? [first] : []), ...coAuthors];
  }
  return change;
}
