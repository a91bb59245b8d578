import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import { lexeme } from '../documents.ts';
import type { QueryPart } from '../terms.ts';

// PostgreSQL full-text over the tsvectors the application wrote: the
// whole thing's (title terms weighted A), and the title's alone, small,
// so ranking title matches never reads a long body's vector. The query
// is written in tsquery's input syntax, not through to_tsquery, so
// PostgreSQL's own parser never splits or changes a term: it matches
// exactly what FTS5 matches.

function phrase(part: QueryPart, weight: string): string {
  const suffix = part.prefix ? `:*${weight}` : weight ? `:${weight}` : '';
  const terms = part.terms.map((term) => `${lexeme(term)}${suffix}`);
  return terms.length === 1 ? (terms[0] ?? '') : `(${terms.join(' <-> ')})`;
}

function allQuery(parts: readonly QueryPart[]): string {
  return parts.map((part) => phrase(part, '')).join(' & ');
}

/**
 * Rows whose title or body holds every part. When `walk`, the GIN index
 * is kept out (the vector is read through a no-op expression), so
 * PostgreSQL walks search_documents in the ORDER BY's index instead of
 * reading and sorting every match.
 */
export function matchAll(
  parts: readonly QueryPart[],
  walk: boolean,
): RawBuilder<SqlBool> {
  const vector = sql.raw(walk ? 'coalesce(d.search, d.search)' : 'd.search');
  const match = sql<SqlBool>`${vector} @@ cast(${allQuery(parts)} as tsquery)`;
  if (!walk || parts.every((part) => part.terms.length === 1)) {
    return match;
  }
  // A phrase is checked against each row's positions, which means
  // reading its whole vector: walking newest first to a rare phrase read
  // 73,000 vectors (170 ms). Rows holding all its words, which the GIN
  // index answers exactly, are few enough to look up first, and the
  // planner then reads only those.
  const words = parts
    .flatMap((part) =>
      part.terms.map((term) => `${lexeme(term)}${part.prefix ? ':*' : ''}`),
    )
    .join(' & ');
  return sql<SqlBool>`(${match} and d.id in (select e.id
    from search_documents as e
    where e.search @@ cast(${words} as tsquery)))`;
}

/** How many rows match, counted up to `limit`. */
export function rawMatchCount(
  parts: readonly QueryPart[],
  limit: number,
): RawBuilder<{ n: number | string }> {
  return sql<{ n: number | string }>`select count(*) as n from
    (select 1 from search_documents as d
      where d.search @@ cast(${allQuery(parts)} as tsquery)
      limit ${limit}) as found`;
}

/** Every row whose title or body holds every part, as the FROM of a count. */
export function matchingRows(parts: readonly QueryPart[]): RawBuilder<unknown> {
  return sql`search_documents as d where ${matchAll(parts, false)}`;
}

/** Rows whose title alone holds every part. */
export function matchTitle(parts: readonly QueryPart[]): RawBuilder<SqlBool> {
  const query = parts.map((part) => phrase(part, 'A')).join(' & ');
  return sql<SqlBool>`d.title_search @@ cast(${query} as tsquery)`;
}
