import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import type { Actor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { dialectOf } from '../../platform/db/dialect.ts';
import type { PageRequest } from '../../platform/pagination.ts';
import * as postgres from './dialects/postgres.ts';
import * as sqlite from './dialects/sqlite.ts';
import type { SearchKind } from './tables.ts';
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
//   search_title_fts, PostgreSQL's title_search): titles holding it are
//   few, so they are all checked and sorted, up to the cap;
// - tier 3 is read newest first. When the word is rare (fewer than
//   DENSE raw matches) its matches are all read and sorted, which is
//   cheap; when it is common, the (updated_at, id) index of
//   search_documents is walked from the newest and each row is checked
//   against the matches and the reader's rights, stopping once the page
//   is full: at one match in a hundred rows or more that is a short walk;
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
// order, and SQLite still reads a common word's whole match list once
// per search; both need measuring on an unloaded machine.

/** Visible matches counted exactly; past this the total is a bound. */
export const CAP = 1000;
// Raw matches from which the newest-first walk beats sorting them all.
const DENSE = 2000;

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
  limits = { cap: CAP, dense: DENSE },
): Promise<IndexPage> {
  const parts = parseQuery(request.text);
  if (parts.length === 0) {
    return { items: [], total: 0, totalIsLowerBound: false, parts };
  }
  const dialect = dialectOf(db) === 'postgres' ? postgres : sqlite;
  const options = (dense: boolean) => ({ dense, cap: limits.cap });
  // The title tiers do not depend on how common the words are: both
  // statements go at once (on PostgreSQL, on two connections).
  const [counted, titles] = await Promise.all([
    dialect.rawMatchCount(parts, limits.dense).execute(db),
    searchQueries(
      db,
      actor,
      request,
      parts,
      page,
      now,
      options(false),
    ).titles.execute(db),
  ]);
  const raw = Number(counted.rows[0]?.n ?? 0);
  const queries = searchQueries(
    db,
    actor,
    request,
    parts,
    page,
    now,
    options(raw >= limits.dense),
  );
  const titled = titles.rows.map((r) => Number(r.id));
  const ids =
    page.offset >= limits.cap
      ? []
      : titled.slice(page.offset, page.offset + page.pageSize);
  let total = titled.length;
  if (titled.length <= limits.cap && raw < limits.dense) {
    // Few raw matches: one statement reads every visible body match's id,
    // up to the cap, in order; the page is cut from it and the total
    // counted from it, instead of a second statement doing the same
    // work again (on PostgreSQL a phrase rechecks each match's vector).
    const body = await queries
      .body(limits.cap + 1 - titled.length, 0)
      .execute(db);
    const bodyIds = body.rows.map((row) => Number(row.id));
    if (page.offset < limits.cap) {
      const bodyOffset = Math.max(0, page.offset - titled.length);
      ids.push(
        ...bodyIds.slice(bodyOffset, bodyOffset + page.pageSize - ids.length),
      );
    }
    total += bodyIds.length;
  } else if (titled.length <= limits.cap) {
    const bodyOffset = Math.max(0, page.offset - titled.length);
    // No page starts past the cap: the total does not reach it.
    const need = page.offset >= limits.cap ? 0 : page.pageSize - ids.length;
    const [body, count] = await Promise.all([
      need > 0
        ? queries.body(need, bodyOffset).execute(db)
        : Promise.resolve({ rows: [] }),
      queries.bodyCount(limits.cap + 1 - titled.length).execute(db),
    ]);
    ids.push(...body.rows.map((row) => Number(row.id)));
    total += Number(count.rows[0]?.n ?? 0);
  }
  const items = await rowsOf(db, ids);
  return {
    items,
    total: Math.min(total, limits.cap),
    totalIsLowerBound: total > limits.cap,
    parts,
  };
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
 * The statements of a search, under the same conditions: the title
 * tiers (ids, ranked, up to CAP + 1), a page of the body tier, and the
 * body tier counted up to a limit. Exported for the bench's plans.
 */
export function searchQueries(
  db: Db,
  actor: Actor,
  request: SearchRequest,
  parts: readonly QueryPart[],
  page: PageRequest,
  now: string,
  options = { dense: false, cap: CAP },
) {
  const dialect = dialectOf(db) === 'postgres' ? postgres : sqlite;
  const where = sql<SqlBool>`${filters(request)}
    and ${findableDocuments(db, actor, request.kinds ?? SEARCH_KINDS, now)}`;
  const exactKey = titleKeyOf(request.text);
  const inTitle = dialect.matchTitle(parts);
  const inBody = sql<SqlBool>`${dialect.matchAll(parts, options.dense)}
    and not ${inTitle}`;
  // Counting reads every match up to the limit in no order, so the full
  // text index drives it even when the page walks newest first: walking
  // to count a phrase read 100,000 rows' vectors on PostgreSQL (184 ms).
  const matching = dialect.matchingRows(parts);
  const body = (limit: number, offset: number) =>
    sql<{ id: number }>`select d.id from search_documents as d
      where ${inBody} and ${where}
      order by d.updated_at desc, d.id desc
      limit ${limit} offset ${offset}`;
  return {
    titles: sql<{ id: number }>`select d.id from search_documents as d
      where ${inTitle} and ${where}
      order by case when d.title_key = ${exactKey} then 1 else 0 end desc,
        d.updated_at desc, d.id desc
      limit ${options.cap + 1}`,
    body,
    page: body(page.pageSize, page.offset),
    bodyCount: (limit: number) => sql<{ n: number | string }>`
      select count(*) as n from (select 1 from ${matching}
        and not ${inTitle} and ${where} limit ${limit}) as found`,
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
