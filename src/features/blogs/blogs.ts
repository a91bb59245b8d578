import type { Db } from '../../database.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { slugify } from '../../platform/text.ts';
import type { BlogKind, BlogsTable, CommentPolicy } from './tables.ts';

/** A blog as pages, the API, feeds and the importer see it. */
export interface Blog {
  id: number;
  slug: string;
  kind: BlogKind;
  /** The owner of a personal blog; null otherwise. */
  personId: number | null;
  /** The group of a group's blog; null otherwise. */
  groupId: number | null;
  title: string;
  description: string;
  commentPolicy: CommentPolicy;
  createdAt: string;
  updatedAt: string;
}

export interface NewSiteBlog {
  slug: string;
  title: string;
  description: string;
}

// Addresses under /blogs/ that are pages of their own, not blogs.
const RESERVED_SLUGS = new Set([
  'new',
  'tags',
  'feed',
  'feeds',
  'mine',
  'start',
  'of',
  'authors',
]);

const BLOG_COLUMNS = [
  'id',
  'slug',
  'kind',
  'person_id',
  'group_id',
  'title',
  'description',
  'comment_policy',
  'created_at',
  'updated_at',
] as const;

interface BlogRow {
  id: number;
  slug: string;
  kind: BlogKind;
  person_id: number | null;
  group_id: number | null;
  title: string;
  description: string;
  comment_policy: CommentPolicy;
  created_at: string;
  updated_at: string;
}

export function toBlog(row: BlogRow): Blog {
  return {
    id: row.id,
    slug: row.slug,
    kind: row.kind,
    personId: row.person_id,
    groupId: row.group_id,
    title: row.title,
    description: row.description,
    commentPolicy: row.comment_policy,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function findBlogBySlug(
  db: Db,
  slug: string,
): Promise<Blog | undefined> {
  const row = await db
    .selectFrom('blogs')
    .select(BLOG_COLUMNS)
    .where('slug', '=', slug)
    .executeTakeFirst();
  return row && toBlog(row);
}

export async function findBlogById(
  db: Db,
  id: number,
): Promise<Blog | undefined> {
  const row = await db
    .selectFrom('blogs')
    .select(BLOG_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toBlog(row);
}

/** True when no blog uses this slug and it names no page of its own. */
export async function isBlogSlugFree(db: Db, slug: string): Promise<boolean> {
  if (RESERVED_SLUGS.has(slug)) {
    return false;
  }
  const row = await db
    .selectFrom('blogs')
    .select('id')
    .where('slug', '=', slug)
    .executeTakeFirst();
  return !row;
}

/**
 * The first free blog slug among `base`, `base-2`, `base-3` … found with
 * one query, so a popular name does not cost a query per number.
 */
export async function freeBlogSlug(db: Db, base: string): Promise<string> {
  if (await isBlogSlugFree(db, base)) {
    return base;
  }
  const taken = await db
    .selectFrom('blogs')
    .select('slug')
    .where('slug', 'like', `${base}-%`)
    .limit(10_000)
    .execute();
  const used = new Set(taken.map((row) => row.slug));
  let n = 2;
  while (used.has(`${base}-${n}`) || RESERVED_SLUGS.has(`${base}-${n}`)) {
    n += 1;
  }
  return `${base}-${n}`;
}

/**
 * Inserts a blog unless one already holds its person or group, trying
 * the next free slug when another blog took the slug in the meantime.
 * `on conflict do nothing` rather than catching the unique error, since
 * on PostgreSQL a failed statement spoils the caller's transaction.
 */
async function insertOwnedBlog(
  db: Db,
  values: Omit<BlogsTable, 'id' | 'description' | 'comment_policy'>,
  existing: () => Promise<Blog | undefined>,
): Promise<Blog> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const slug = await freeBlogSlug(db, values.slug);
    await db
      .insertInto('blogs')
      .values({ ...values, slug })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const blog = await existing();
    if (blog) {
      return blog;
    }
  }
  throw new Error('no free slug for a blog after five attempts');
}

/**
 * A person's blog, made on first use with a slug from their display
 * name. The blog keeps its slug when the name changes, so links last.
 */
export async function ensurePersonBlog(
  db: Db,
  personId: number,
  now = new Date().toISOString(),
): Promise<Blog> {
  const existing = async () => {
    const row = await db
      .selectFrom('blogs')
      .select(BLOG_COLUMNS)
      .where('person_id', '=', personId)
      .executeTakeFirst();
    return row && toBlog(row);
  };
  const found = await existing();
  if (found) {
    return found;
  }
  const person = await db
    .selectFrom('people')
    .select('display_name')
    .where('id', '=', personId)
    .executeTakeFirst();
  if (!person) {
    throw new NotFoundError('PERSON_NOT_FOUND', 'There is no such person.');
  }
  return insertOwnedBlog(
    db,
    {
      slug: slugify(person.display_name, 'blog'),
      kind: 'person',
      person_id: personId,
      group_id: null,
      title: person.display_name,
      created_at: now,
      updated_at: now,
    },
    existing,
  );
}

/** A group's blog, made on first use with the group's slug. */
export async function ensureGroupBlog(
  db: Db,
  groupId: number,
  now = new Date().toISOString(),
): Promise<Blog> {
  const existing = async () => {
    const row = await db
      .selectFrom('blogs')
      .select(BLOG_COLUMNS)
      .where('group_id', '=', groupId)
      .executeTakeFirst();
    return row && toBlog(row);
  };
  const found = await existing();
  if (found) {
    return found;
  }
  const group = await db
    .selectFrom('groups')
    .select(['slug', 'name'])
    .where('id', '=', groupId)
    .executeTakeFirst();
  if (!group) {
    throw new NotFoundError('GROUP_NOT_FOUND', 'There is no such group.');
  }
  return insertOwnedBlog(
    db,
    {
      slug: group.slug,
      kind: 'group',
      person_id: null,
      group_id: groupId,
      title: group.name,
      created_at: now,
      updated_at: now,
    },
    existing,
  );
}

/**
 * A site blog under the slug given. The caller checks the slug is free
 * (`isBlogSlugFree`); a clash that slips in between is the database's
 * unique error.
 */
export async function createSiteBlog(
  db: Db,
  blog: NewSiteBlog,
  now = new Date().toISOString(),
): Promise<Blog> {
  const row = await db
    .insertInto('blogs')
    .values({
      slug: blog.slug,
      kind: 'site',
      person_id: null,
      group_id: null,
      title: blog.title,
      description: blog.description,
      created_at: now,
      updated_at: now,
    })
    .returning(BLOG_COLUMNS)
    .executeTakeFirstOrThrow();
  return toBlog(row);
}
