import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import type { Actor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { dialectOf } from '../../platform/db/dialect.ts';
import type { PageRequest } from '../../platform/pagination.ts';
import * as postgresDialect from './dialects/postgres.ts';
import * as sqlite from './dialects/sqlite.ts';
import type { SearchKind } from './tables.ts';
import type { Walk } from './dialects/walk.ts';
import { parseQuery, titleKeyOf } from './terms.ts';
import type { QueryPart } from './terms.ts';
import { findableDocuments } from './visibility.ts';

// One search over everything, ranked the same way on both databases
// from what both can compute exactly, never from FTS5's bm25 or
// PostgreSQL's ts_rank, which differ and reward a title that repeats a
// word (BUG-24):
//
//   1. the title is exactly the query (words folded, unstemmed);
//   2. the title holds every part of the query, however often;
//   3. the rest, which hold them in the body.
//
// Within a tier, newest first (updated_at, which for a thread is its last
// activity), then the higher id. A query word must be a whole word (or
// its stem): "sum" never finds "Summer".
//
// How a page is found without asking of every match whether the reader
// may see it (a word in a third of 200,000 items has 52,000 matches):
//
// - tiers 1 and 2 come from the index of titles alone (SQLite's
//   search_title_fts, PostgreSQL's title_search). When titles holding it
//   are few, they are all checked and sorted, up to the cap; when they
//   are many (DENSE raw matches or more), the exact titles are found by
//   their key and the rest walked newest first as tier 3 is;
// - tier 3 is read newest first. When the word is rare (fewer than
//   DENSE raw matches) its matches are all read and sorted, which is
//   cheap; when it is common, the (updated_at, id) index of
//   search_documents is walked from the newest and each row is checked
//   against the matches and the reader's rights, stopping once the page
//   is full: at one match in a hundred rows or more that is a short walk.
//   On SQLite a walked row is checked against a copy of the matches'
//   ids, or, for a word so common that copying them would cost more
//   than the walk, by asking the full-text index about that one row
//   (dialects/sqlite.ts walkFor);
// - the total is counted exactly up to CAP visible matches; beyond that
//   it is CAP with `totalIsLowerBound`, shown as "more than 1,000
//   results", and no page past the cap is offered.
//
// Who may see a row is still asked of its source row inside each query
// (./visibility.ts), never copied into the index. Both databases run the
// same steps with the same order, so they give the same ids in the same
// order (./parity.db.test.ts).

// TODO: A common phrase ("annual leave", 1,650 raw matches) still takes
// about 150 ms on PostgreSQL, which rechecks each match's vector for word
// order; it needs measuring on an unloaded machine.

/** Visible matches counted exactly; past this the total is a bound. */
export const CAP = 1000;
// Raw matches from which the newest-first walk beats sorting them all.
const DENSE = 2000;
// What looking one row up in SQLite's full-text index costs, in ids of a
// copied match list (dialects/sqlite.ts walkFor). Measured at org5 (2.7
// million rows): a walked row, with the reader's rights, about 85 µs; a
// copied id 0.13 to 0.17 µs.
const LOOKUP_COST = 450;

export const SEARCH_KINDS: readonly SearchKind[] = [
  'person',
  'group',
  'status',
  'thread',
  'reply',
  'blog_post',
  'blog_comment',
  'wiki_page',
  'file',
];

/** What was asked, already checked (./input.ts). */
export interface SearchRequest {
  text: string;
  kinds?: readonly SearchKind[];
  groupId?: number;
  authorId?: number;
  /** Created on or after this instant (ISO). */
  from?: string;
  /** Created before this instant (ISO). */
  to?: string;
}

/** One index row on a page of results. */
export interface SearchRow {
  kind: SearchKind;
  refId: number;
  groupId: number | null;
  authorId: number | null;
  title: string;
  body: string;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  kind: SearchKind;
  ref_id: number;
  group_id: number | null;
  author_id: number | null;
  title: string;
  body: string;
  created_at: string;
  updated_at: string;
}

/** A page of results, how many there are (up to CAP), the parts. */
export interface IndexPage {
  items: SearchRow[];
  total: number;
  /** More than CAP match: `total` is CAP, and no page past it is given. */
  totalIsLowerBound: boolean;
  parts: QueryPart[];
}

/**
 * A page of the index rows matching `request` that `actor` may see at
 * `now`, and how many there are (exactly up to CAP); the parts of the
 * query are returned for highlighting. No parts, no results.
 */
export async function searchIndex(
  db: Db,
  actor: Actor,
  request: SearchRequest,
  page: PageRequest,
  now = new Date().toISOString(),
  limits = { cap: CAP, dense: DENSE, lookupCost: LOOKUP_COST },
): Promise<IndexPage> {
  const parts = parseQuery(request.text);
  if (parts.length === 0) {
    return { items: [], total: 0, totalIsLowerBound: false, parts };
  }
  const { raw, titleWalk, walk } = await walksFor(db, parts, page, limits);
  const queries = searchQueries(db, actor, request, parts, page, now, {
    titleWalk,
    walk,
    cap: limits.cap,
  });
  const cap = limits.cap;
  const ids: number[] = [];
  // The page's share of each tier, which ends at the cap: no total
  // reaches past it, so neither does a page.
  const share = (tierStart: number, listed?: readonly number[]) => {
    const offset = Math.max(0, page.offset - tierStart);
    const end = Math.min(page.offset + page.pageSize, cap);
    const size = Math.max(0, end - page.offset - ids.length);
    return { offset, size, ids: listed?.slice(offset, offset + size) ?? [] };
  };
  let titled: number;
  if (titleWalk === 'sort') {
    const titles = await queries.titles.execute(db);
    const listed = titles.rows.map((row) => Number(row.id));
    ids.push(...share(0, listed).ids);
    titled = listed.length;
  } else {
    // Titles holding a common word are too many to check and sort: the
    // exact titles come first, then the rest walked newest first.
    const [exact, count] = await Promise.all([
      queries.exactTitles.execute(db),
      queries.titleCount(cap + 1).execute(db),
    ]);
    const listed = exact.rows.map((row) => Number(row.id));
    ids.push(...share(0, listed).ids);
    titled = Number(count.rows[0]?.n ?? 0);
    const rest = share(listed.length);
    if (rest.size > 0 && rest.offset + listed.length < titled) {
      const walked = await queries
        .titlePage(rest.size, rest.offset)
        .execute(db);
      ids.push(...walked.rows.map((row) => Number(row.id)));
    }
  }
  let total = titled;
  if (titled <= cap && raw < limits.dense) {
    // Few raw matches: one statement reads every visible body match's id,
    // up to the cap, in order; the page is cut from it and the total
    // counted from it, instead of a second statement doing the same
    // work again (on PostgreSQL a phrase rechecks each match's vector).
    const body = await queries.body(cap + 1 - titled, 0).execute(db);
    const listed = body.rows.map((row) => Number(row.id));
    ids.push(...share(titled, listed).ids);
    total += listed.length;
  } else if (titled <= cap) {
    // Every visible match is in one tier or the other: counting them all
    // gives the total without asking of each whether its title holds
    // the words.
    const rest = share(titled);
    const [body, count] = await Promise.all([
      rest.size > 0
        ? queries.body(rest.size, rest.offset).execute(db)
        : Promise.resolve({ rows: [] }),
      queries.count(cap + 1).execute(db),
    ]);
    ids.push(...body.rows.map((row) => Number(row.id)));
    total = Number(count.rows[0]?.n ?? 0);
  }
  const items = await rowsOf(db, ids);
  return {
    items,
    total: Math.min(total, cap),
    totalIsLowerBound: total > cap,
    parts,
  };
}

/**
 * How many rows match `parts` (up to the dense limit), and how the page
 * of the title tier and of the body tier is found (./dialects/walk.ts);
 * exported for the bench's plans.
 */
export async function walksFor(
  db: Db,
  parts: readonly QueryPart[],
  page: PageRequest,
  limits = { dense: DENSE, lookupCost: LOOKUP_COST },
): Promise<{ raw: number; titleWalk: Walk; walk: Walk }> {
  const postgres = dialectOf(db) === 'postgres';
  const dialect = postgres ? postgresDialect : sqlite;
  const counted = await dialect.rawMatchCounts(parts, limits.dense).execute(db);
  const raw = Number(counted.rows[0]?.n ?? 0);
  const rawTitles = Number(counted.rows[0]?.titles ?? 0);
  const walkOf = async (found: number, titles: boolean): Promise<Walk> => {
    if (found < limits.dense) {
      return 'sort';
    }
    // PostgreSQL checks each walked row's own vector: nothing to choose.
    const rowsWanted = page.offset + page.pageSize;
    return postgres
      ? 'list'
      : sqlite.walkFor(db, parts, rowsWanted, limits.lookupCost, titles);
  };
  const [titleWalk, walk] = await Promise.all([
    walkOf(rawTitles, true),
    walkOf(raw, false),
  ]);
  return { raw, titleWalk, walk };
}

async function rowsOf(db: Db, ids: readonly number[]): Promise<SearchRow[]> {
  if (ids.length === 0) {
    return [];
  }
  const rows = await db
    .selectFrom('search_documents as d')
    .innerJoin('search_texts as x', 'x.document_id', 'd.id')
    .select(['d.id', 'd.kind', 'd.ref_id', 'd.group_id', 'd.author_id'])
    .select(['x.title', 'x.body', 'd.created_at', 'd.updated_at'])
    .where('d.id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((row) => [Number(row.id), row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toSearchRow(row)] : [];
  });
}

/**
 * The statements of a search, under the same conditions. The title tiers
 * as one ranked list (up to the cap + 1), or when walked: the exact
 * titles, a page of the other titles and the titles counted. A page of
 * the body tier, and every match counted up to a limit. Exported for the
 * bench's plans.
 */
export function searchQueries(
  db: Db,
  actor: Actor,
  request: SearchRequest,
  parts: readonly QueryPart[],
  page: PageRequest,
  now: string,
  options: { titleWalk: Walk; walk: Walk; cap: number } = {
    titleWalk: 'sort',
    walk: 'sort',
    cap: CAP,
  },
) {
  const dialect = dialectOf(db) === 'postgres' ? postgresDialect : sqlite;
  const where = sql<SqlBool>`${filters(request)}
    and ${findableDocuments(db, actor, request.kinds ?? SEARCH_KINDS, now)}`;
  const exactKey = titleKeyOf(request.text);
  const inTitle = dialect.matchTitle(parts, options.titleWalk);
  const inBody = sql<SqlBool>`${dialect.matchAll(parts, options.walk)}
    and not ${inTitle}`;
  const newest =
    (condition: RawBuilder<SqlBool>) => (limit: number, offset: number) =>
      sql<{ id: number }>`select d.id from search_documents as d
      where ${condition} and ${where}
      order by d.updated_at desc, d.id desc
      limit ${limit} offset ${offset}`;
  // Counting reads every match up to the limit in no order, so the full
  // text index drives it even when the page walks newest first: walking
  // to count a phrase read 100,000 rows' vectors on PostgreSQL (184 ms).
  const counted = (rows: RawBuilder<unknown>) => (limit: number) =>
    sql<{ n: number | string }>`select count(*) as n from
      (select 1 from ${rows} and ${where} limit ${limit}) as found`;
  const body = newest(inBody);
  return {
    titles: sql<{ id: number }>`select d.id from search_documents as d
      where ${inTitle} and ${where}
      order by case when d.title_key = ${exactKey} then 1 else 0 end desc,
        d.updated_at desc, d.id desc
      limit ${options.cap + 1}`,
    exactTitles: newest(sql<SqlBool>`d.title_key = ${exactKey}
      and ${inTitle}`)(options.cap + 1, 0),
    titlePage: newest(sql<SqlBool>`${inTitle}
      and d.title_key <> ${exactKey}`),
    titleCount: counted(dialect.matchingTitleRows(parts)),
    body,
    page: body(page.pageSize, page.offset),
    count: counted(dialect.matchingRows(parts)),
  };
}

function filters(request: SearchRequest): RawBuilder<SqlBool> {
  const conditions: RawBuilder<SqlBool>[] = [sql<SqlBool>`1 = 1`];
  if (request.groupId !== undefined) {
    conditions.push(sql<SqlBool>`d.group_id = ${request.groupId}`);
  }
  if (request.authorId !== undefined) {
    conditions.push(sql<SqlBool>`d.author_id = ${request.authorId}`);
  }
  if (request.from !== undefined) {
    conditions.push(sql<SqlBool>`d.created_at >= ${request.from}`);
  }
  if (request.to !== undefined) {
    conditions.push(sql<SqlBool>`d.created_at < ${request.to}`);
  }
  return sql<SqlBool>`(${sql.join(conditions, sql` and `)})`;
}

function toSearchRow(row: Row): SearchRow {
  return {
    kind: row.kind,
    refId: Number(row.ref_id),
    groupId: row.group_id,
    authorId: row.author_id,
    title: row.title,
    body: row.body,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
