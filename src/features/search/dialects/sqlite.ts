import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import type { QueryPart } from '../terms.ts';

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
 * Rows whose title or body holds every part. When `walk`, the condition
 * cannot drive the query (`+d.id`), so SQLite walks search_documents in
 * the ORDER BY's index and checks each row against the matches.
 */
export function matchAll(
  parts: readonly QueryPart[],
  walk: boolean,
): RawBuilder<SqlBool> {
  const id = sql.raw(walk ? '+d.id' : 'd.id');
  return sql<SqlBool>`${id} in (select rowid from search_fts
    where search_fts match ${matchExpression(parts)})`;
}

/** How many rows match, counted up to `limit`. */
export function rawMatchCount(
  parts: readonly QueryPart[],
  limit: number,
): RawBuilder<{ n: number | string }> {
  return sql<{ n: number | string }>`select count(*) as n from
    (select rowid from search_fts
      where search_fts match ${matchExpression(parts)} limit ${limit})`;
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
 * (migration 2026-12-05T1910), whose lists hold only titles.
 */
export function matchTitle(parts: readonly QueryPart[]): RawBuilder<SqlBool> {
  return sql<SqlBool>`d.id in (select rowid from search_title_fts
    where search_title_fts match ${matchExpression(parts)})`;
}
