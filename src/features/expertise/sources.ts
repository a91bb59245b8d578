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

/** The newest first, at most CONTENT_CANDIDATES, without repeats. */
function newest(ids: Iterable<number>): number[] {
  return [...new Set(ids)].sort((a, b) => b - a).slice(0, CONTENT_CANDIDATES);
}

// TODO: titles are narrowed with lower() and LIKE, which SQLite applies
// to ASCII letters only and which scans every title, so "Éducation" is
// not found by its title and a title match costs a walk of the table;
// the full-text search index could answer both once it covers titles.

/** A title condition on `column`, lower-cased, or none for no words. */
function titleLike(column: string, topic: Topic) {
  const pattern = titlePattern(topic);
  return pattern === null
    ? null
    : sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}

/** Per person, how many matching pages the viewer may read they revised. */
export async function wikiAuthors(
  db: Db,
  viewer: Actor,
  topic: Topic,
  listable: Listable,
): Promise<Map<number, number>> {
  const readable = () =>
    db
      .selectFrom('wiki_pages as p')
      .innerJoin('wiki_spaces as s', 's.id', 'p.space_id')
      .where(readablePages(db, viewer))
      .where('p.redirect_to_key', 'is', null)
      .orderBy('p.id', 'desc')
      .limit(CONTENT_CANDIDATES);
  const like = titleLike('p.title_key', topic);
  const [tagged, titled] = await Promise.all([
    topic.keys.length === 0
      ? []
      : readable()
          .where(
            'p.id',
            'in',
            db
              .selectFrom('wiki_page_tags')
              .select('page_id')
              .where('tag_key', 'in', topic.keys),
          )
          .select('p.id')
          .execute(),
    like === null
      ? []
      : readable().where(like).select(['p.id', 'p.title']).execute(),
  ]);
  const pageIds = newest([
    ...tagged.map((row) => row.id),
    ...titled.filter((row) => titleMatches(row.title, topic)).map((r) => r.id),
  ]);
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
  const answered = () =>
    db
      .selectFrom('talk_threads as t')
      .innerJoin('talk_categories as c', 'c.id', 't.category_id')
      .innerJoin('talk_posts as a', 'a.id', 't.accepted_post_id')
      .innerJoin('people as p', 'p.id', 'a.author_id')
      .where(listedThreads(db, viewer))
      .where('a.shown_position', 'is not', null)
      .where(listablePeople(listable))
      .orderBy('t.id', 'desc')
      .limit(CONTENT_CANDIDATES);
  const like = titleLike('t.title', topic);
  const [tagged, titled] = await Promise.all([
    topic.keys.length === 0
      ? []
      : answered()
          .innerJoin('talk_thread_tags as tt', 'tt.thread_id', 't.id')
          .where('tt.tag_key', 'in', topic.keys)
          .select(['t.id', 'a.author_id', 'tt.tag_key as tag'])
          .execute(),
    like === null
      ? []
      : answered()
          .where(like)
          .select(['t.id', 't.title', 'a.author_id'])
          .execute(),
  ]);
  const threads = new Map<number, { author: number; tag: string | null }>();
  for (const row of tagged) {
    const seen = threads.get(row.id);
    if (row.author_id !== null && (!seen || (seen.tag ?? '') > row.tag)) {
      threads.set(row.id, { author: row.author_id, tag: row.tag });
    }
  }
  for (const row of titled) {
    const matches = titleMatches(row.title, topic);
    if (row.author_id !== null && matches && !threads.has(row.id)) {
      threads.set(row.id, { author: row.author_id, tag: null });
    }
  }
  const answers = new Map<number, Map<string | null, number>>();
  for (const id of newest(threads.keys())) {
    const { author, tag } = threads.get(id) ?? { author: 0, tag: null };
    const byTag = answers.get(author) ?? new Map<string | null, number>();
    byTag.set(tag, (byTag.get(tag) ?? 0) + 1);
    answers.set(author, byTag);
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
  const readable = () =>
    db
      .selectFrom('blog_posts as p')
      .innerJoin('blogs as b', 'b.id', 'p.blog_id')
      .where(readableBlogPosts(db, viewer, now))
      .orderBy('p.id', 'desc')
      .limit(CONTENT_CANDIDATES);
  const like = titleLike('p.title', topic);
  const [tagged, titled] = await Promise.all([
    topic.keys.length === 0
      ? []
      : readable()
          .where(
            'p.id',
            'in',
            db
              .selectFrom('blog_post_tags')
              .select('post_id')
              .where('tag_key', 'in', topic.keys),
          )
          .select('p.id')
          .execute(),
    like === null
      ? []
      : readable().where(like).select(['p.id', 'p.title']).execute(),
  ]);
  const postIds = newest([
    ...tagged.map((row) => row.id),
    ...titled.filter((row) => titleMatches(row.title, topic)).map((r) => r.id),
  ]);
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
