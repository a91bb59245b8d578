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

// TODO: A word in a third of all content (52,000 matches at 200,000
// items) takes 150 to 300 ms on SQLite and about 1.5 s on PostgreSQL,
// because every match's source row is asked whether the reader may see
// it and the total counts them all; keeping the source rows' state in
// the index, or capping the count, would bring it under 50 ms.

export const SEARCH_KINDS: readonly SearchKind[] = [
  'person',
  'group',
  'status',
  'thread',
  'reply',
  'blog_post',
  'blog_comment',
  'wiki_page',
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

/**
 * A page of the index rows matching `request` that `actor` may see at
 * `now`, and how many there are in all; the parts of the query are
 * returned for highlighting. No parts, no results.
 */
export async function searchIndex(
  db: Db,
  actor: Actor,
  request: SearchRequest,
  page: PageRequest,
  now = new Date().toISOString(),
): Promise<{ items: SearchRow[]; total: number; parts: QueryPart[] }> {
  const parts = parseQuery(request.text);
  if (parts.length === 0) {
    return { items: [], total: 0, parts };
  }
  const queries = searchQueries(db, actor, request, parts, page, now);
  const ranked = (await queries.page.execute(db)).rows;
  // Past the last page there is no row to carry the total.
  const total =
    ranked.length > 0 || page.offset === 0
      ? Number(ranked[0]?.total ?? 0)
      : Number((await queries.count.execute(db)).rows[0]?.n ?? 0);
  const ids = ranked.map((row) => Number(row.id));
  const rows =
    ids.length === 0
      ? []
      : await db
          .selectFrom('search_documents as d')
          .innerJoin('search_texts as x', 'x.document_id', 'd.id')
          .select(['d.id', 'd.kind', 'd.ref_id', 'd.group_id', 'd.author_id'])
          .select(['x.title', 'x.body', 'd.created_at', 'd.updated_at'])
          .where('d.id', 'in', ids)
          .execute();
  const byId = new Map(rows.map((row) => [Number(row.id), row]));
  const items = ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toSearchRow(row)] : [];
  });
  return { items, total, parts };
}

/**
 * The two statements of a search: the page of rows and their count,
 * under the same conditions. Exported for the bench's query plans.
 */
export function searchQueries(
  db: Db,
  actor: Actor,
  request: SearchRequest,
  parts: readonly QueryPart[],
  page: PageRequest,
  now: string,
) {
  const dialect = dialectOf(db) === 'postgres' ? postgres : sqlite;
  const where = sql<SqlBool>`${filters(request)}
    and ${findableDocuments(db, actor, request.kinds ?? SEARCH_KINDS, now)}`;
  const exactKey = titleKeyOf(request.text);
  const tier = sql<number>`case when d.title_key = ${exactKey} then 2
    when ${dialect.matchTitle(parts)} then 1 else 0 end`;
  const from = dialect.matchingRows(parts);
  return {
    // The total comes with the page, from one pass over the matches; the
    // pass carries only what it sorts by, not the rows' text.
    page: sql<{ id: number; total: number | string }>`select d.id,
        count(*) over () as total
      from ${from}
      where ${where}
      order by ${tier} desc, d.updated_at desc, d.id desc
      limit ${page.pageSize} offset ${page.offset}`,
    count: sql<{ n: number | string }>`select count(*) as n
      from ${from} where ${where}`,
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
