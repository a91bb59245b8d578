import { isPublished } from '../../access/blogs.ts';
import type { Db } from '../../database.ts';
import { AppError, NotFoundError } from '../../platform/errors.ts';
import { slugify } from '../../platform/text.ts';
import type { Blog } from './blogs.ts';
import type { PostFields, PostTag } from './input.ts';
import type { BlogAudience, BlogPostStatus } from './tables.ts';
import { indexBlogPost } from '../search/sources.ts';
import { blogPostRetitled } from '../activity/changes.ts';

// A blog's posts: writing, editing with history, deleting, and one post
// read with its authors and tags. Lists are in ./listing.ts.

export interface PostAuthor {
  personId: number | null;
  name: string;
}

export interface BlogPost {
  id: number;
  blogId: number;
  slug: string;
  title: string;
  summary: string;
  body: string;
  /** As stored: a scheduled post whose time has come is still `scheduled`. */
  status: BlogPostStatus;
  audience: BlogAudience;
  publishAt: string | null;
  authors: PostAuthor[];
  tags: PostTag[];
  commentCount: number;
  createdAt: string;
  updatedAt: string;
  editedAt: string | null;
  deletedAt: string | null;
}

/** What readers are told a post is at `now`: due scheduled posts are out. */
export function shownStatus(
  post: { status: BlogPostStatus; publishAt: string | null },
  now: string,
): BlogPostStatus {
  return isPublished(post, now) ? 'published' : post.status;
}

// Addresses under a blog that are pages of their own, not posts.
const RESERVED = new Set(['new', 'drafts', 'settings', 'feed', 'comments']);

/**
 * A slug for a post's title, unique in its blog: `q-a`, then `q-a-2`
 * (BUG-26). Titles with no letters or digits get `post`.
 */
export async function freePostSlug(
  db: Db,
  blogId: number,
  title: string,
): Promise<string> {
  const base = slugify(title, 'post');
  const taken = await db
    .selectFrom('blog_posts')
    .select('slug')
    .where('blog_id', '=', blogId)
    .where((eb) =>
      eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]),
    )
    .limit(10_000)
    .execute();
  const used = new Set([...RESERVED, ...taken.map((row) => row.slug)]);
  if (!used.has(base)) {
    return base;
  }
  let n = 2;
  while (used.has(`${base}-${n}`)) {
    n += 1;
  }
  return `${base}-${n}`;
}

/** A new post's content: the fields, the instant and the authors. */
export interface NewPost extends Omit<PostFields, 'coAuthors'> {
  publishAt: string | null;
  /** The creator first, then the co-authors. */
  authors: PostAuthor[];
}

/** Adds a post; the caller checks permission and owns the transaction. */
export async function createPost(
  db: Db,
  blog: Blog,
  post: NewPost,
  now = new Date().toISOString(),
): Promise<{ id: number; slug: string }> {
  const first = post.authors[0];
  if (!first) {
    throw new Error('a post needs an author');
  }
  const slug = await freePostSlug(db, blog.id, post.title);
  const row = await db
    .insertInto('blog_posts')
    .values({
      blog_id: blog.id,
      slug,
      title: post.title,
      summary: post.summary,
      body: post.body,
      status: post.status,
      audience: post.audience,
      publish_at: post.publishAt,
      author_id: first.personId,
      author_name: first.name,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await replaceAuthors(db, row.id, post.authors);
  await replaceTags(db, row.id, post.tags);
  await indexBlogPost(db, row.id);
  return { id: row.id, slug };
}

async function replaceAuthors(
  db: Db,
  postId: number,
  authors: readonly PostAuthor[],
): Promise<void> {
  await db
    .deleteFrom('blog_post_authors')
    .where('post_id', '=', postId)
    .execute();
  if (authors.length > 0) {
    await db
      .insertInto('blog_post_authors')
      .values(
        authors.map((author, n) => ({
          post_id: postId,
          position: n + 1,
          person_id: author.personId,
          name: author.name,
        })),
      )
      .execute();
  }
}

async function replaceTags(
  db: Db,
  postId: number,
  tags: readonly PostTag[],
): Promise<void> {
  await db.deleteFrom('blog_post_tags').where('post_id', '=', postId).execute();
  if (tags.length > 0) {
    await db
      .insertInto('blog_post_tags')
      .values(
        tags.map(({ tag, key }) => ({ post_id: postId, tag, tag_key: key })),
      )
      .execute();
  }
}

/** A change to a post; what is undefined stays as it was. */
export interface PostChange {
  title?: string;
  body?: string;
  summary?: string;
  tags?: PostTag[];
  status?: BlogPostStatus;
  audience?: BlogAudience;
  publishAt?: string | null;
  authors?: PostAuthor[];
}

/**
 * Changes a post, keeping what its text was as a revision when the text
 * changes, and marking it edited when it was already out. The slug stays,
 * so links to the post keep working after a new title.
 */
export async function updatePost(
  db: Db,
  post: BlogPost,
  editorId: number,
  change: PostChange,
  now = new Date().toISOString(),
): Promise<void> {
  const textChanged =
    (change.title !== undefined && change.title !== post.title) ||
    (change.body !== undefined && change.body !== post.body) ||
    (change.summary !== undefined && change.summary !== post.summary);
  if (textChanged) {
    await db
      .insertInto('blog_post_revisions')
      .values({
        post_id: post.id,
        title: post.title,
        summary: post.summary,
        body: post.body,
        editor_id: editorId,
        created_at: now,
      })
      .execute();
  }
  const authors = change.authors;
  const first = authors?.[0];
  await db
    .updateTable('blog_posts')
    .set({
      title: change.title ?? post.title,
      body: change.body ?? post.body,
      summary: change.summary ?? post.summary,
      status: change.status ?? post.status,
      audience: change.audience ?? post.audience,
      publish_at:
        change.publishAt === undefined ? post.publishAt : change.publishAt,
      ...(first ? { author_id: first.personId, author_name: first.name } : {}),
      updated_at: now,
      ...(textChanged && isPublished(post, now) ? { edited_at: now } : {}),
    })
    .where('id', '=', post.id)
    .execute();
  if (change.title !== undefined && change.title !== post.title) {
    await blogPostRetitled(db, post.id, post.title, change.title);
  }
  if (authors) {
    await replaceAuthors(db, post.id, authors);
  }
  if (change.tags) {
    await replaceTags(db, post.id, change.tags);
  }
  await indexBlogPost(db, post.id);
}

/** Deletes a post softly: it leaves every list, its rows stay. */
export async function deletePost(
  db: Db,
  postId: number,
  now = new Date().toISOString(),
): Promise<void> {
  await db
    .updateTable('blog_posts')
    .set({ deleted_at: now, updated_at: now })
    .where('id', '=', postId)
    .where('deleted_at', 'is', null)
    .execute();
  await indexBlogPost(db, postId);
}

const POST_COLUMNS = [
  'id',
  'blog_id',
  'slug',
  'title',
  'summary',
  'body',
  'status',
  'audience',
  'publish_at',
  'comment_count',
  'created_at',
  'updated_at',
  'edited_at',
  'deleted_at',
] as const;

function postNotFound(): NotFoundError {
  return new NotFoundError('POST_NOT_FOUND', 'There is no such post');
}

/**
 * A post by its blog and slug, or by its id, with authors and tags; a
 * deleted post is missing. The caller asks the rule whether it may be read.
 */
export async function findPost(
  db: Db,
  blogId: number,
  slugOrId: string | number,
): Promise<BlogPost> {
  const row = await db
    .selectFrom('blog_posts')
    .select(POST_COLUMNS)
    .where('blog_id', '=', blogId)
    .where(typeof slugOrId === 'number' ? 'id' : 'slug', '=', slugOrId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) {
    throw postNotFound();
  }
  const [authors, tags] = await Promise.all([
    db
      .selectFrom('blog_post_authors')
      .select(['person_id as personId', 'name'])
      .where('post_id', '=', row.id)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('blog_post_tags')
      .select(['tag', 'tag_key as key'])
      .where('post_id', '=', row.id)
      .orderBy('tag_key')
      .execute(),
  ]);
  return {
    id: row.id,
    blogId: row.blog_id,
    slug: row.slug,
    title: row.title,
    summary: row.summary,
    body: row.body,
    status: row.status,
    audience: row.audience,
    publishAt: row.publish_at,
    authors,
    tags,
    commentCount: row.comment_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    editedAt: row.edited_at,
    deletedAt: row.deleted_at,
  };
}

/** The refusal for an audience wider than the blog's group lets in (BUG-05). */
export function audienceTooWide(): AppError {
  return new AppError(
    422,
    'AUDIENCE_TOO_WIDE',
    "A post in a closed or secret group's blog is for the group's " +
      'members: choose members or private',
    { audience: 'Choose members or private' },
  );
}
