// Seeds 200,000 pieces of content for the search bench through Kysely,
// many rows a statement, a transaction a batch: the rows the features'
// write paths would write, without their one-at-a-time bookkeeping. The
// index is then built by reindexEverything, which writes exactly what
// the write paths write (src/features/search/sources.ts).
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../src/database.ts';
import { ensureGroupBlog } from '../src/features/blogs/blogs.ts';
import { createGroup } from '../src/features/groups/groups.ts';
import type { GroupVisibility } from '../src/features/groups/tables.ts';
import { reindexEverything } from '../src/features/search/reindex.ts';
import { dialectOf } from '../src/platform/db/dialect.ts';
import {
  ensureGroupCategory,
  ensureSiteCategory,
} from '../src/features/talk/categories.ts';
import { ensureSpace } from '../src/features/wiki/spaces.ts';
import { makeText } from './search-text.ts';
import type { TextMaker } from './search-text.ts';

/** How many of each kind the bench writes: 200,000 in all. */
export const SEARCH_CONTENT = {
  threads: 40_000,
  replies: 60_000,
  status: 50_000,
  blogPosts: 25_000,
  blogComments: 15_000,
  wikiPages: 10_000,
} as const;

const BATCH = 1_000;
const START = Date.parse('2025-01-01T00:00:00.000Z');
const SPAN = 700 * 86_400_000;

/** A place content goes: a group (with its containers) or the site. */
interface Place {
  groupId: number | null;
  categoryId: number;
  blogId: number;
  spaceId: number;
}

export interface SearchSeed {
  searcherId: number;
  /** Of all content, the share in closed or secret groups. */
  restrictedShare: number;
  seconds: { content: number; index: number };
}

type Db = Kysely<Database>;

/** Groups: 40 open, 12 closed, 8 secret; the searcher in a few of each. */
async function makePlaces(db: Db, ownerId: number, searcherId: number) {
  const kinds: [GroupVisibility, number, number][] = [
    ['open', 40, 10],
    ['closed', 12, 3],
    ['secret', 8, 2],
  ];
  const open: Place[] = [];
  const restricted: Place[] = [];
  const owner = { id: ownerId, displayName: 'Bench Owner' };
  for (const [visibility, count, joined] of kinds) {
    for (let n = 0; n < count; n += 1) {
      const slug = `bench-${visibility}-${n}`;
      const name = `Bench ${visibility} group ${n}`;
      const id = await createGroup(db, owner, {
        slug,
        name,
        description: `A ${visibility} group for the search bench`,
        visibility,
      });
      if (n < joined) {
        await db
          .insertInto('group_members')
          .values({
            group_id: id,
            person_id: searcherId,
            role: 'member',
            joined_at: new Date(START).toISOString(),
          })
          .execute();
      }
      const place = await placeIn(db, { id, slug, name });
      (visibility === 'open' ? open : restricted).push(place);
    }
  }
  const site: Place = {
    groupId: null,
    categoryId: (await ensureSiteCategory(db, 'bench-search', 'Bench')).id,
    blogId: await siteBlog(db),
    spaceId: (await ensureSpace(db, 'site')).id,
  };
  return { open, restricted, site };
}

async function placeIn(
  db: Db,
  group: { id: number; slug: string; name: string },
): Promise<Place> {
  return {
    groupId: group.id,
    categoryId: (await ensureGroupCategory(db, group)).id,
    blogId: (await ensureGroupBlog(db, group.id)).id,
    spaceId: (await ensureSpace(db, group.slug)).id,
  };
}

async function siteBlog(db: Db): Promise<number> {
  const now = new Date(START).toISOString();
  const row = await db
    .insertInto('blogs')
    .values({
      slug: 'bench-site-blog',
      kind: 'site',
      person_id: null,
      group_id: null,
      title: 'Bench site blog',
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Writes the content: 30% in closed and secret groups, 40% in open
 * groups, 30% site-wide or on people's own profiles; then the index.
 */
export async function seedSearchContent(
  db: Db,
  people: number[],
  searcherId: number,
  share = 1,
): Promise<SearchSeed> {
  const started = performance.now();
  const first = people.find((id) => id !== searcherId);
  if (first === undefined) {
    throw new Error('the bench needs people');
  }
  const places = await makePlaces(db, first, searcherId);
  const text = makeText(20260101);
  let restricted = 0;
  let total = 0;
  const pick = (): Place => {
    const roll = text.random();
    total += 1;
    if (roll < 0.3) {
      restricted += 1;
      return text.choose(places.restricted);
    }
    return roll < 0.7 ? text.choose(places.open) : places.site;
  };
  const author = () => text.choose(people);
  const at = () => new Date(START + Math.floor(text.random() * SPAN));
  const count = (kind: keyof typeof SEARCH_CONTENT) =>
    Math.max(1, Math.round(SEARCH_CONTENT[kind] * share));
  const writer = { db, text, pick, author, at, count };
  const threadIds = await writeThreads(writer);
  await writeReplies(writer, threadIds);
  await writeStatus(writer);
  const postIds = await writeBlogPosts(writer);
  await writeComments(writer, postIds);
  await writeWikiPages(writer);
  const content = (performance.now() - started) / 1000;
  const indexing = performance.now();
  await reindexEverything(db);
  // As a settled database would be after autovacuum: statistics for the
  // planner, and PostgreSQL's visibility map for index-only scans.
  await sql`${sql.raw(dialectOf(db) === 'postgres' ? 'vacuum analyze' : 'analyze')}`.execute(
    db,
  );
  return {
    searcherId,
    restrictedShare: restricted / total,
    seconds: { content, index: (performance.now() - indexing) / 1000 },
  };
}

interface Writer {
  db: Db;
  text: TextMaker;
  pick: () => Place;
  author: () => number;
  at: () => Date;
  count: (kind: keyof typeof SEARCH_CONTENT) => number;
}

async function inBatches(
  db: Db,
  count: number,
  write: (trx: Db, size: number) => Promise<void>,
): Promise<void> {
  for (let done = 0; done < count; done += BATCH) {
    const size = Math.min(BATCH, count - done);
    await db.transaction().execute((trx) => write(trx as Db, size));
  }
}

async function writeThreads(w: Writer): Promise<number[]> {
  const ids: number[] = [];
  await inBatches(w.db, w.count('threads'), async (trx, size) => {
    const rows = Array.from({ length: size }, () => {
      const when = w.at().toISOString();
      return {
        category_id: w.pick().categoryId,
        title: w.text.title(),
        author_id: w.author(),
        author_name: 'Bench Author',
        created_at: when,
        updated_at: when,
        last_activity_at: when,
      };
    });
    const made = await trx
      .insertInto('talk_threads')
      .values(rows)
      .returning(['id', 'created_at', 'author_id'])
      .execute();
    await trx
      .insertInto('talk_posts')
      .values(
        made.map((thread) => ({
          thread_id: thread.id,
          position: 1,
          shown_position: 1,
          author_id: thread.author_id,
          author_name: 'Bench Author',
          body: w.text.body(60),
          created_at: thread.created_at,
        })),
      )
      .execute();
    ids.push(...made.map((thread) => thread.id));
  });
  return ids;
}

async function writeReplies(w: Writer, threadIds: number[]): Promise<void> {
  // Each reply goes to a thread of its own batch's choosing; positions
  // count on from the opening post per thread.
  const positions = new Map<number, number>();
  await inBatches(w.db, w.count('replies'), async (trx, size) => {
    const rows = Array.from({ length: size }, () => {
      const threadId = w.text.choose(threadIds);
      const position = (positions.get(threadId) ?? 1) + 1;
      positions.set(threadId, position);
      return {
        thread_id: threadId,
        position,
        shown_position: position,
        author_id: w.author(),
        author_name: 'Bench Author',
        body: w.text.body(40),
        created_at: w.at().toISOString(),
      };
    });
    await trx.insertInto('talk_posts').values(rows).execute();
  });
}

async function writeStatus(w: Writer): Promise<void> {
  await inBatches(w.db, w.count('status'), async (trx, size) => {
    const rows = Array.from({ length: size }, () => ({
      author_id: w.author(),
      group_id: w.pick().groupId,
      parent_id: null,
      body: w.text.body(25).slice(0, 500),
      created_at: w.at().toISOString(),
    }));
    await trx.insertInto('status_posts').values(rows).execute();
  });
}

async function writeBlogPosts(w: Writer): Promise<number[]> {
  const ids: number[] = [];
  let n = 0;
  await inBatches(w.db, w.count('blogPosts'), async (trx, size) => {
    const rows = Array.from({ length: size }, () => {
      const when = w.at().toISOString();
      n += 1;
      return {
        blog_id: w.pick().blogId,
        slug: `bench-post-${n}`,
        title: w.text.title(),
        summary: '',
        body: w.text.body(120),
        status: 'published' as const,
        publish_at: when,
        author_id: w.author(),
        author_name: 'Bench Author',
        created_at: when,
        updated_at: when,
      };
    });
    const made = await trx
      .insertInto('blog_posts')
      .values(rows)
      .returning(['id', 'author_id'])
      .execute();
    await trx
      .insertInto('blog_post_authors')
      .values(
        made.map((post) => ({
          post_id: post.id,
          position: 1,
          person_id: post.author_id,
          name: 'Bench Author',
        })),
      )
      .execute();
    ids.push(...made.map((post) => post.id));
  });
  return ids;
}

async function writeComments(w: Writer, postIds: number[]): Promise<void> {
  await inBatches(w.db, w.count('blogComments'), async (trx, size) => {
    const rows = Array.from({ length: size }, () => ({
      post_id: w.text.choose(postIds),
      parent_id: null,
      author_id: w.author(),
      author_name: 'Bench Author',
      body: w.text.body(30),
      status: 'approved' as const,
      created_at: w.at().toISOString(),
    }));
    await trx.insertInto('blog_comments').values(rows).execute();
  });
}

async function writeWikiPages(w: Writer): Promise<void> {
  let n = 0;
  await inBatches(w.db, w.count('wikiPages'), async (trx, size) => {
    const pages = await trx
      .insertInto('wiki_pages')
      .values(
        Array.from({ length: size }, () => {
          n += 1;
          const title = `${w.text.title()} ${n}`;
          const when = w.at().toISOString();
          return {
            space_id: w.pick().spaceId,
            title,
            title_key: title.toLowerCase(),
            parent_key: '',
            current_revision_id: null,
            created_at: when,
            updated_at: when,
          };
        }),
      )
      .returning(['id', 'created_at'])
      .execute();
    for (const page of pages) {
      const body = w.text.body(200);
      const revision = await trx
        .insertInto('wiki_revisions')
        .values({
          page_id: page.id,
          number: 1,
          author_id: w.author(),
          author_name: 'Bench Author',
          created_at: page.created_at,
          summary: '',
          body,
          size: body.length,
          size_delta: body.length,
          kind: 'create',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('wiki_pages')
        .set({ current_revision_id: revision.id })
        .where('id', '=', page.id)
        .execute();
    }
  });
}
