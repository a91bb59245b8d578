import { sql } from 'kysely';
import type { SqlBool } from 'kysely';
import type { Actor } from '../../access/actor.ts';
import { readableBlogPosts } from '../../access/blogs.ts';
import type { Db } from '../../database.ts';
import { listedThreads } from '../talk/threads.ts';
import { readablePages } from '../wiki/listing.ts';
import { titledIds } from './indexed.ts';
import { wordsMatch } from './words.ts';
import type { Topic } from './words.ts';

// Where expertise shows: profile tags, wiki pages revised, accepted
// answers and blog posts, each read as the VIEWER may read it, so a
// count never tells of a page, thread or post they could not open.
//
// Every query is bounded. Profile tags are summed per person through the
// (kind, label_key) index. Content is found by its tags (through the
// tag-key indexes) or its title (through the search index's terms, so
// folded and stemmed as search is: ./indexed.ts), at most
// CONTENT_CANDIDATES items of each kind, newest first; their authors are
// then counted per person through the (page, author) and (post,
// position) indexes.

/**
 * Items of each kind of content whose authors are counted: on a topic
 * with more, the newest, so counts are of recent writing.
 */
export const CONTENT_CANDIDATES = 500;

/**
 * People kept from each source before the final ranking: past a few
 * hundred people a topic is too broad for the list to help anyone.
 */
export const PEOPLE_CANDIDATES = 250;

/** Who may be listed, and from which departments. */
export interface Listable {
  viewerId: number;
  /** Only people with a department other than this one, when set. */
  otherThan?: { departmentId: number | null };
}

/**
 * A condition on the people table, as `alias`: active staff other than
 * the viewer, from another department than theirs when asked.
 */
export function listablePeople(listable: Listable, alias = 'p') {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  const base = sql<SqlBool>`(${col('status')} = 'active'
    and ${col('closed_at')} is null and ${col('role')} <> 'guest'
    and ${col('id')} <> ${listable.viewerId})`;
  const other = listable.otherThan;
  if (!other) {
    return base;
  }
  const department = col('department_id');
  return other.departmentId === null
    ? sql<SqlBool>`(${base} and ${department} is not null)`
    : sql<SqlBool>`(${base} and ${department} is not null
      and ${department} <> ${other.departmentId})`;
}

/** A matched profile tag's weight: a skill counts most. */
export const TAG_WEIGHTS = { skill: 6, project: 4, interest: 3 } as const;

/**
 * A tag that holds the topic's words without being it ("Data analysis"
 * for "data"): below any tag that is the topic.
 */
export const WORD_WEIGHTS = { skill: 2, project: 1, interest: 1 } as const;

const PROFILE_KINDS = ['skill', 'project', 'interest'] as const;

/** People whose skills, projects or interests match, best first. */
export async function tagScores(
  db: Db,
  topic: Topic,
  listable: Listable,
): Promise<{ personId: number; score: number }[]> {
  const [exact, words] = await Promise.all([
    exactTagScores(db, topic, listable),
    wordTagScores(db, topic, listable),
  ]);
  const scores = new Map(exact.map((row) => [row.personId, row.score]));
  for (const [personId, score] of words) {
    scores.set(personId, (scores.get(personId) ?? 0) + score);
  }
  return [...scores]
    .map(([personId, score]) => ({ personId, score }))
    .sort((a, b) => b.score - a.score || a.personId - b.personId)
    .slice(0, PEOPLE_CANDIDATES);
}

/** People with a tag that is the topic (its key), best first. */
async function exactTagScores(
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
    .where('pt.kind', 'in', PROFILE_KINDS)
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

/**
 * Per person, the weight of their tags that hold the topic's words but
 * are not the topic. The different labels are few (180 among 165,000
 * tags at 21,000 people) and read by a walk that seeks from one to the
 * next in the (kind, label_key) index (labelKeys); those holding the
 * words are then summed through the same index as whole labels are.
 */
async function wordTagScores(
  db: Db,
  topic: Topic,
  listable: Listable,
): Promise<Map<number, number>> {
  const scores = new Map<number, number>();
  if (topic.parts.length === 0) {
    return scores;
  }
  const exact = new Set(topic.keys);
  const matched = (await labelKeys(db)).filter(
    (row) => !exact.has(row.key) && wordsMatch(row.key, topic),
  );
  if (matched.length === 0) {
    return scores;
  }
  const w = WORD_WEIGHTS;
  const rows = await db
    .selectFrom('person_tags as pt')
    .innerJoin('people as p', 'p.id', 'pt.person_id')
    .where((eb) =>
      eb.or(
        PROFILE_KINDS.flatMap((kind) => {
          const keys = matched.flatMap((row) =>
            row.kind === kind ? [row.key] : [],
          );
          return keys.length === 0
            ? []
            : [
                eb.and([
                  eb('pt.kind', '=', kind),
                  eb('pt.label_key', 'in', keys),
                ]),
              ];
        }),
      ),
    )
    .where(listablePeople(listable))
    .select([
      'pt.person_id',
      sql<number>`sum(case pt.kind when 'skill' then ${sql.lit(w.skill)}
        when 'project' then ${sql.lit(w.project)}
        else ${sql.lit(w.interest)} end)`.as('score'),
    ])
    .groupBy('pt.person_id')
    .orderBy('score', 'desc')
    .orderBy('pt.person_id')
    .limit(PEOPLE_CANDIDATES)
    .execute();
  for (const row of rows) {
    scores.set(row.person_id, Number(row.score));
  }
  return scores;
}

/**
 * Every different (kind, label_key) of skills, projects and interests,
 * found by seeking past each key to the next in the index rather than
 * reading every tag: the cost grows with the labels, not the people.
 */
async function labelKeys(db: Db): Promise<{ kind: string; key: string }[]> {
  const { rows } = await sql<{ kind: string; key: string | null }>`
    with recursive keys(kind, key) as (
      select kinds.kind, (select min(t.label_key) from person_tags as t
        where t.kind = kinds.kind)
      from (select cast('skill' as text) as kind
        union all select cast('project' as text)
        union all select cast('interest' as text)) as kinds
      union all
      select keys.kind, (select min(t.label_key) from person_tags as t
        where t.kind = keys.kind and t.label_key > keys.key)
      from keys where keys.key is not null
    )
    select kind, key from keys where key is not null`.execute(db);
  return rows.flatMap((row) =>
    row.key === null ? [] : [{ kind: row.kind, key: row.key }],
  );
}

/** The newest first, at most CONTENT_CANDIDATES, without repeats. */
function newest(ids: Iterable<number>): number[] {
  return [...new Set(ids)].sort((a, b) => b - a).slice(0, CONTENT_CANDIDATES);
}

/** The newest ids of items of `kind` whose title holds the topic's words. */
function titled(
  db: Db,
  kind: 'wiki_page' | 'thread' | 'blog_post',
  topic: Topic,
): Promise<number[]> {
  return titledIds(db, kind, topic, CONTENT_CANDIDATES);
}

/** The newest items of one kind found by their tags or their title. */
async function taggedOrTitled(
  db: Db,
  tags: ['wiki_page_tags', 'page_id'] | ['blog_post_tags', 'post_id'],
  kind: 'wiki_page' | 'blog_post',
  topic: Topic,
): Promise<number[]> {
  const [table, column] = tags;
  const found = await Promise.all([
    tagged(db, table, column, topic),
    titled(db, kind, topic),
  ]);
  return newest(found.flat());
}

/** The newest ids of items carrying one of the topic's keys as a tag. */
async function tagged(
  db: Db,
  table: 'wiki_page_tags' | 'blog_post_tags',
  column: 'page_id' | 'post_id',
  topic: Topic,
): Promise<number[]> {
  if (topic.keys.length === 0) {
    return [];
  }
  const rows = await db
    .selectFrom(table)
    .select(sql.ref<number>(column).as('id'))
    .where('tag_key', 'in', topic.keys)
    .orderBy(sql.ref(column), 'desc')
    .limit(CONTENT_CANDIDATES)
    .execute();
  return rows.map((row) => Number(row.id));
}

/** Per person, how many matching pages the viewer may read they revised. */
export async function wikiAuthors(
  db: Db,
  viewer: Actor,
  topic: Topic,
  listable: Listable,
): Promise<Map<number, number>> {
  const pageIds = await taggedOrTitled(
    db,
    ['wiki_page_tags', 'page_id'],
    'wiki_page',
    topic,
  );
  if (pageIds.length === 0) {
    return new Map();
  }
  const rows = await db
    .selectFrom('wiki_revisions as r')
    .innerJoin('wiki_pages as p', 'p.id', 'r.page_id')
    .innerJoin('wiki_spaces as s', 's.id', 'p.space_id')
    .innerJoin('people as author', 'author.id', 'r.author_id')
    .where('r.page_id', 'in', pageIds)
    .where('p.redirect_to_key', 'is', null)
    .where(readablePages(db, viewer))
    .where(listablePeople(listable, 'author'))
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
  const [tagRows, titleIds] = await Promise.all([
    topic.keys.length === 0
      ? []
      : db
          .selectFrom('talk_thread_tags')
          .select(['thread_id', 'tag_key'])
          .where('tag_key', 'in', topic.keys)
          .orderBy('thread_id', 'desc')
          .limit(CONTENT_CANDIDATES * 2)
          .execute(),
    titled(db, 'thread', topic),
  ]);
  const tags = new Map<number, string>();
  for (const row of tagRows) {
    const seen = tags.get(row.thread_id);
    if (seen === undefined || seen > row.tag_key) {
      tags.set(row.thread_id, row.tag_key);
    }
  }
  const threadIds = newest([...tags.keys(), ...titleIds]);
  if (threadIds.length === 0) {
    return new Map();
  }
  const rows = await db
    .selectFrom('talk_threads as t')
    .innerJoin('talk_categories as c', 'c.id', 't.category_id')
    .innerJoin('talk_posts as a', 'a.id', 't.accepted_post_id')
    .innerJoin('people as p', 'p.id', 'a.author_id')
    .where('t.id', 'in', threadIds)
    .where(listedThreads(db, viewer))
    .where('a.shown_position', 'is not', null)
    .where(listablePeople(listable))
    .select(['t.id', 'a.author_id'])
    .execute();
  const answers = new Map<number, Map<string | null, number>>();
  for (const row of rows) {
    if (row.author_id === null) {
      continue;
    }
    const tag = tags.get(row.id) ?? null;
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
  const postIds = await taggedOrTitled(
    db,
    ['blog_post_tags', 'post_id'],
    'blog_post',
    topic,
  );
  if (postIds.length === 0) {
    return new Map();
  }
  const readable = db
    .selectFrom('blog_posts as p')
    .innerJoin('blogs as b', 'b.id', 'p.blog_id')
    .select('p.id')
    .where('p.id', 'in', postIds)
    .where(readableBlogPosts(db, viewer, now));
  const rows = await db
    .selectFrom('blog_post_authors as pa')
    .innerJoin('people as p', 'p.id', 'pa.person_id')
    .where('pa.post_id', 'in', readable)
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
