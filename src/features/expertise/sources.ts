import { sql } from 'kysely';
import type { SqlBool } from 'kysely';
import type { Actor } from '../../access/actor.ts';
import { readableBlogPosts } from '../../access/blogs.ts';
import type { Db } from '../../database.ts';
import { listedThreads } from '../talk/threads.ts';
import { readablePages } from '../wiki/listing.ts';
import { titleMatches, titlePattern } from './words.ts';
import type { Topic } from './words.ts';

// Where expertise shows: profile tags, wiki pages revised, accepted
// answers and blog posts, each read as the VIEWER may read it, so a
// count never tells of a page, thread or post they could not open.
//
// Every query is bounded. Profile tags are summed per person through the
// (kind, label_key) index. Content is found by its tags (through the
// tag-key indexes) or its title (a LIKE narrowing, then whole words
// checked here), at most CONTENT_CANDIDATES items of each kind, newest
// first; their authors are then counted per person through the
// (page, author) and (post, position) indexes.

/** Items of each kind of content whose authors are counted. */
export const CONTENT_CANDIDATES = 2000;

/** People kept from each source before the final ranking. */
export const PEOPLE_CANDIDATES = 1000;

/** Who may be listed, and from which departments. */
export interface Listable {
  viewerId: number;
  /** Only people with a department other than this one, when set. */
  otherThan?: { departmentId: number | null };
}

/**
 * A condition on `p`, the people table: active staff other than the
 * viewer, from another department than theirs when asked.
 */
export function listablePeople(listable: Listable) {
  const base = sql<SqlBool>`(p.status = 'active' and p.closed_at is null
    and p.role <> 'guest' and p.id <> ${listable.viewerId})`;
  const other = listable.otherThan;
  if (!other) {
    return base;
  }
  return other.departmentId === null
    ? sql<SqlBool>`(${base} and p.department_id is not null)`
    : sql<SqlBool>`(${base} and p.department_id is not null
      and p.department_id <> ${other.departmentId})`;
}

/** A matched profile tag's weight: a skill counts most. */
export const TAG_WEIGHTS = { skill: 6, project: 4, interest: 3 } as const;

/** People whose skills, projects or interests match, best first. */
export async function tagScores(
  db: Db,
  topic: Topic,
  listable: Listable,
): Promise<{ personId: number; score: number }[]> {
  if (topic.keys.length === 0) {
    return [];
  }
  const w = TAG_WEIGHTS;
  const rows = await db
    .selectFrom('person_tags as pt')
    .innerJoin('people as p', 'p.id', 'pt.person_id')
    .where('pt.kind', 'in', ['skill', 'project', 'interest'])
    .where('pt.label_key', 'in', topic.keys)
    .where(listablePeople(listable))
    .select([
      'pt.person_id',
      // Literals: PostgreSQL cannot type a parameter inside sum(case …).
      sql<number>`sum(case pt.kind when 'skill' then ${sql.lit(w.skill)}
        when 'project' then ${sql.lit(w.project)}
        else ${sql.lit(w.interest)} end)`.as('score'),
    ])
    .groupBy('pt.person_id')
    .orderBy('score', 'desc')
    .orderBy('pt.person_id')
    .limit(PEOPLE_CANDIDATES)
    .execute();
  return rows.map((r) => ({ personId: r.person_id, score: Number(r.score) }));
}

/** A matched item: its id, its title, and whether a tag matched. */
interface Found {
  id: number;
  title: string;
  tagged: number | boolean | null;
}

/** The matched items: tagged with a key, or with every word in the title. */
function matching(found: Found[], topic: Topic): number[] {
  return found
    .filter((item) => Boolean(item.tagged) || titleMatches(item.title, topic))
    .map((item) => item.id);
}

/** Per person, how many matching pages the viewer may read they revised. */
export async function wikiAuthors(
  db: Db,
  viewer: Actor,
  topic: Topic,
  listable: Listable,
): Promise<Map<number, number>> {
  const pattern = titlePattern(topic);
  const keys = topic.keys.length > 0 ? topic.keys : [''];
  const found = await db
    .selectFrom('wiki_pages as p')
    .innerJoin('wiki_spaces as s', 's.id', 'p.space_id')
    .where(readablePages(db, viewer))
    .where('p.redirect_to_key', 'is', null)
    .where((eb) => {
      const tagged = eb.exists(
        eb
          .selectFrom('wiki_page_tags as wt')
          .select('wt.page_id')
          .whereRef('wt.page_id', '=', 'p.id')
          .where('wt.tag_key', 'in', keys),
      );
      return pattern === null
        ? tagged
        : eb.or([
            tagged,
            sql<SqlBool>`p.title_key like ${pattern} escape '\\'`,
          ]);
    })
    .select(['p.id', 'p.title'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('wiki_page_tags as wt')
            .select('wt.page_id')
            .whereRef('wt.page_id', '=', 'p.id')
            .where('wt.tag_key', 'in', keys),
        )
        .as('tagged'),
    )
    .orderBy('p.id', 'desc')
    .limit(CONTENT_CANDIDATES)
    .execute();
  const pageIds = matching(found, topic);
  if (pageIds.length === 0) {
    return new Map();
  }
  const rows = await db
    .selectFrom('wiki_revisions as r')
    .innerJoin('people as p', 'p.id', 'r.author_id')
    .where('r.page_id', 'in', pageIds)
    .where(listablePeople(listable))
    .select([
      'r.author_id as person_id',
      sql<number>`count(distinct r.page_id)`.as('pages'),
    ])
    .groupBy('r.author_id')
    .orderBy('pages', 'desc')
    .orderBy('r.author_id')
    .limit(PEOPLE_CANDIDATES)
    .execute();
  return new Map(rows.map((r) => [Number(r.person_id), Number(r.pages)]));
}

/**
 * Per person, their accepted answers on matching threads the viewer may
 * read, counted by the matching tag the thread carries (null when only
 * its title matched).
 */
export async function answerAuthors(
  db: Db,
  viewer: Actor,
  topic: Topic,
  listable: Listable,
): Promise<Map<number, Map<string | null, number>>> {
  const pattern = titlePattern(topic);
  const keys = topic.keys.length > 0 ? topic.keys : [''];
  const found = await db
    .selectFrom('talk_threads as t')
    .innerJoin('talk_categories as c', 'c.id', 't.category_id')
    .innerJoin('talk_posts as a', 'a.id', 't.accepted_post_id')
    .innerJoin('people as p', 'p.id', 'a.author_id')
    .where(listedThreads(db, viewer))
    .where('a.shown_position', 'is not', null)
    .where(listablePeople(listable))
    .where((eb) => {
      const tagged = eb(
        't.id',
        'in',
        eb
          .selectFrom('talk_thread_tags as tt')
          .select('tt.thread_id')
          .where('tt.tag_key', 'in', keys),
      );
      return pattern === null
        ? tagged
        : eb.or([
            tagged,
            sql<SqlBool>`lower(t.title) like ${pattern} escape '\\'`,
          ]);
    })
    .select(['t.id', 't.title', 'a.author_id'])
    .select((eb) =>
      eb
        .selectFrom('talk_thread_tags as tt')
        .select((inner) => inner.fn.min('tt.tag_key').as('tag'))
        .whereRef('tt.thread_id', '=', 't.id')
        .where('tt.tag_key', 'in', keys)
        .as('tagged'),
    )
    .orderBy('t.id', 'desc')
    .limit(CONTENT_CANDIDATES)
    .execute();
  const answers = new Map<number, Map<string | null, number>>();
  for (const row of found) {
    const tag = row.tagged ?? null;
    if (row.author_id === null || (!tag && !titleMatches(row.title, topic))) {
      continue;
    }
    const byTag = answers.get(row.author_id) ?? new Map();
    byTag.set(tag, (byTag.get(tag) ?? 0) + 1);
    answers.set(row.author_id, byTag);
  }
  return answers;
}

/** Per person, how many matching blog posts the viewer may read they wrote. */
export async function blogAuthors(
  db: Db,
  viewer: Actor,
  topic: Topic,
  listable: Listable,
  now: string,
): Promise<Map<number, number>> {
  const pattern = titlePattern(topic);
  const keys = topic.keys.length > 0 ? topic.keys : [''];
  const found = await db
    .selectFrom('blog_posts as p')
    .innerJoin('blogs as b', 'b.id', 'p.blog_id')
    .where(readableBlogPosts(db, viewer, now))
    .where((eb) => {
      const byTag = eb(
        'p.id',
        'in',
        eb
          .selectFrom('blog_post_tags as bt')
          .select('bt.post_id')
          .where('bt.tag_key', 'in', keys),
      );
      return pattern === null
        ? byTag
        : eb.or([
            byTag,
            sql<SqlBool>`lower(p.title) like ${pattern} escape '\\'`,
          ]);
    })
    .select(['p.id', 'p.title'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('blog_post_tags as bt')
            .select('bt.post_id')
            .whereRef('bt.post_id', '=', 'p.id')
            .where('bt.tag_key', 'in', keys),
        )
        .as('tagged'),
    )
    .orderBy('p.id', 'desc')
    .limit(CONTENT_CANDIDATES)
    .execute();
  const postIds = matching(found, topic);
  if (postIds.length === 0) {
    return new Map();
  }
  const rows = await db
    .selectFrom('blog_post_authors as pa')
    .innerJoin('people as p', 'p.id', 'pa.person_id')
    .where('pa.post_id', 'in', postIds)
    .where(listablePeople(listable))
    .select([
      'pa.person_id',
      sql<number>`count(distinct pa.post_id)`.as('posts'),
    ])
    .groupBy('pa.person_id')
    .orderBy('posts', 'desc')
    .orderBy('pa.person_id')
    .limit(PEOPLE_CANDIDATES)
    .execute();
  return new Map(rows.map((r) => [Number(r.person_id), Number(r.posts)]));
}
