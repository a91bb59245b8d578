import type { Db } from '../../database.ts';
import type { SearchRow } from './query.ts';

// Where each result on a page leads, and what names it when it has no
// title of its own (a reply, a comment): a few small queries for one
// page of results, by kind. Only rows the reader may see get here, and
// what is read is what those rows' own pages show.

export interface ResultPlace {
  href: string;
  /** The thread of a reply, the post of a comment. */
  context: string | null;
}

type Places = Map<string, ResultPlace>;

const keyOf = (kind: string, id: number) => `${kind}:${id}`;

function idsOf(rows: readonly SearchRow[], kind: SearchRow['kind']) {
  return rows.filter((row) => row.kind === kind).map((row) => row.refId);
}

/** Each row's address and context, keyed by `kind:refId`. */
export async function placesOf(
  db: Db,
  rows: readonly SearchRow[],
): Promise<Places> {
  const places: Places = new Map();
  const put = (kind: string, id: number, href: string, context = null) =>
    places.set(keyOf(kind, id), { href, context });
  for (const row of rows) {
    if (row.kind === 'person') {
      put('person', row.refId, `/people/${row.refId}`);
    } else if (row.kind === 'status') {
      put('status', row.refId, `/talk/status/${row.refId}`);
    } else if (row.kind === 'thread') {
      put('thread', row.refId, `/talk/threads/${row.refId}`);
    } else if (row.kind === 'file') {
      put('file', row.refId, `/files/${row.refId}`);
    }
  }
  await Promise.all([
    groupPlaces(db, idsOf(rows, 'group'), places),
    replyPlaces(db, idsOf(rows, 'reply'), places),
    blogPlaces(db, rows, places),
    wikiPlaces(db, idsOf(rows, 'wiki_page'), places),
  ]);
  return places;
}

/** The place of one row, from what placesOf found. */
export function placeOf(places: Places, row: SearchRow): ResultPlace {
  return places.get(keyOf(row.kind, row.refId)) ?? { href: '', context: null };
}

async function groupPlaces(db: Db, ids: number[], places: Places) {
  if (ids.length === 0) {
    return;
  }
  const rows = await db
    .selectFrom('groups')
    .select(['id', 'slug'])
    .where('id', 'in', ids)
    .execute();
  for (const row of rows) {
    places.set(keyOf('group', row.id), {
      href: `/groups/${encodeURIComponent(row.slug)}`,
      context: null,
    });
  }
}

async function replyPlaces(db: Db, ids: number[], places: Places) {
  if (ids.length === 0) {
    return;
  }
  const rows = await db
    .selectFrom('talk_posts as p')
    .innerJoin('talk_threads as t', 't.id', 'p.thread_id')
    .select(['p.id', 't.title'])
    .where('p.id', 'in', ids)
    .execute();
  for (const row of rows) {
    places.set(keyOf('reply', row.id), {
      href: `/talk/posts/${row.id}`,
      context: row.title,
    });
  }
}

async function blogPlaces(db: Db, rows: readonly SearchRow[], places: Places) {
  const postIds = idsOf(rows, 'blog_post');
  const commentIds = idsOf(rows, 'blog_comment');
  const postPath = (blog: string, post: string) =>
    `/blogs/${encodeURIComponent(blog)}/${encodeURIComponent(post)}`;
  if (postIds.length > 0) {
    const found = await db
      .selectFrom('blog_posts as p')
      .innerJoin('blogs as b', 'b.id', 'p.blog_id')
      .select(['p.id', 'p.slug', 'b.slug as blog_slug'])
      .where('p.id', 'in', postIds)
      .execute();
    for (const row of found) {
      places.set(keyOf('blog_post', row.id), {
        href: postPath(row.blog_slug, row.slug),
        context: null,
      });
    }
  }
  if (commentIds.length > 0) {
    const found = await db
      .selectFrom('blog_comments as c')
      .innerJoin('blog_posts as p', 'p.id', 'c.post_id')
      .innerJoin('blogs as b', 'b.id', 'p.blog_id')
      .select(['c.id', 'p.slug', 'p.title', 'b.slug as blog_slug'])
      .where('c.id', 'in', commentIds)
      .execute();
    for (const row of found) {
      places.set(keyOf('blog_comment', row.id), {
        href: `${postPath(row.blog_slug, row.slug)}#comment-${row.id}`,
        context: row.title,
      });
    }
  }
}

async function wikiPlaces(db: Db, ids: number[], places: Places) {
  if (ids.length === 0) {
    return;
  }
  const rows = await db
    .selectFrom('wiki_pages as p')
    .innerJoin('wiki_spaces as s', 's.id', 'p.space_id')
    .select(['p.id', 'p.title', 's.key'])
    .where('p.id', 'in', ids)
    .execute();
  for (const row of rows) {
    places.set(keyOf('wiki_page', row.id), {
      href:
        `/wiki/${encodeURIComponent(row.key)}/` + encodeURIComponent(row.title),
      context: null,
    });
  }
}
