import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import type { Db } from '../../../database.ts';
import type { QueryPart } from '../terms.ts';
import type { Walk } from './walk.ts';

// FTS5 over the stored terms (unicode61, which only splits on the spaces
// the application put there). Every part must match; a phrase's terms
// must stand next to each other. Terms are quoted, so no word of a query
// is ever read as FTS5 syntax.

function phrase(part: QueryPart): string {
  const quoted = `"${part.terms.join(' ').replace(/"/g, '""')}"`;
  return part.prefix ? `${quoted}*` : quoted;
}

/** The MATCH text that finds rows holding every part. */
export function matchExpression(parts: readonly QueryPart[]): string {
  return parts.map(phrase).join(' AND ');
}

/**
 * Rows whose title or body holds every part. When walking ('list' or
 * 'lookup'), the condition cannot drive the query (`+d.id`), so SQLite
 * walks search_documents in the ORDER BY's index and checks each row:
 * against a copy of every match's id ('list'), or by asking the index
 * for that one row ('lookup', see walkFor).
 */
export function matchAll(
  parts: readonly QueryPart[],
  walk: Walk,
): RawBuilder<SqlBool> {
  return matchIn('search_fts', parts, walk);
}

/** Rows of `index` holding every part, asked as `walk` says. */
function matchIn(
  index: 'search_fts' | 'search_title_fts',
  parts: readonly QueryPart[],
  walk: Walk,
): RawBuilder<SqlBool> {
  const table = sql.raw(index);
  const match = matchExpression(parts);
  if (walk === 'lookup') {
    return sql<SqlBool>`exists (select 1 from ${table}
      where ${table} match ${match} and rowid = +d.id)`;
  }
  const id = sql.raw(walk === 'list' ? '+d.id' : 'd.id');
  return sql<SqlBool>`${id} in (select rowid from ${table}
    where ${table} match ${match})`;
}

// Newest document ids in which a common query's matches are counted, to
// tell how common it is without reading its whole list. Written into the
// statement: bound as a parameter, the range was not handed to FTS5 and
// every match was read (55 ms at org5, against 0.5).
const WINDOW = 20_000;

/**
 * How the newest-first walk checks each row, for parts with at least the
 * dense number of matches in the body or, when `titles`, in the titles;
 * `rowsWanted` is how far into the results the page ends. A copy of the
 * matches costs about the same for every one of them, so it grows with
 * the site: a word in 30% of 600,000 rows is a copy of 180,000 ids. A
 * lookup costs about `lookupCost` times one copied id, but only the rows
 * walked pay it, and the more common the word, the fewer rows the walk
 * needs. Half the matches are taken to be visible to the reader.
 */
export async function walkFor(
  db: Db,
  parts: readonly QueryPart[],
  rowsWanted: number,
  lookupCost: number,
  titles: boolean,
): Promise<Walk> {
  const index = sql.raw(titles ? 'search_title_fts' : 'search_fts');
  const { rows } = await sql<{ n: number; top: number | null }>`
    select count(*) as n, (select max(id) from search_documents) as top
    from ${index} where ${index} match ${matchExpression(parts)}
      and rowid > (select coalesce(max(id), 0) from search_documents)
        - ${sql.lit(WINDOW)}`.execute(db);
  const top = Number(rows[0]?.top ?? 0);
  const share = Number(rows[0]?.n ?? 0) / Math.max(1, Math.min(WINDOW, top));
  if (share === 0) {
    return 'list';
  }
  const walked = (2 * rowsWanted) / share;
  return walked * lookupCost < share * top ? 'lookup' : 'list';
}

/**
 * How many rows match (`n`), and how many in their titles (`titles`),
 * each counted up to `limit`.
 */
export function rawMatchCounts(
  parts: readonly QueryPart[],
  limit: number,
): RawBuilder<{ n: number | string; titles: number | string }> {
  const match = matchExpression(parts);
  return sql<{ n: number | string; titles: number | string }>`select
    (select count(*) from (select rowid from search_fts
      where search_fts match ${match} limit ${limit})) as n,
    (select count(*) from (select rowid from search_title_fts
      where search_title_fts match ${match} limit ${limit})) as titles`;
}

/**
 * Every row whose title or body holds every part, as the FROM of a count:
 * the matches are read from the index in its own order and the count
 * stops at its limit. Asked as `d.id in (…)`, SQLite first copied a
 * common word's whole list (160,000 ids at org scale, 17 ms) to check
 * each row against it.
 */
export function matchingRows(parts: readonly QueryPart[]): RawBuilder<unknown> {
  return sql`search_fts as f
    join search_documents as d on d.id = f.rowid
    where f.search_fts match ${matchExpression(parts)}`;
}

/**
 * Rows whose title alone holds every part, from the index of titles
 * (migration 2026-12-05T1910), whose lists hold only titles; checked row
 * by row as matchAll is when walking.
 */
export function matchTitle(
  parts: readonly QueryPart[],
  walk: Walk,
): RawBuilder<SqlBool> {
  return matchIn('search_title_fts', parts, walk);
}

/** Every row whose title holds every part, as the FROM of a count. */
export function matchingTitleRows(
  parts: readonly QueryPart[],
): RawBuilder<unknown> {
  return sql`search_title_fts as f
    join search_documents as d on d.id = f.rowid
    where f.search_title_fts match ${matchExpression(parts)}`;
}
