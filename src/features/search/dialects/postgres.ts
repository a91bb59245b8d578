import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import { lexeme } from '../documents.ts';
import type { QueryPart } from '../terms.ts';
import type { Walk } from './walk.ts';

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
 * Rows whose title or body holds every part. When walking, the GIN index
 * is kept out (the vector is read through a no-op expression), so
 * PostgreSQL walks search_documents in the ORDER BY's index instead of
 * reading and sorting every match.
 */
export function matchAll(
  parts: readonly QueryPart[],
  walk: Walk,
): RawBuilder<SqlBool> {
  const walking = walk !== 'sort';
  const vector = sql.raw(walking ? 'coalesce(d.search, d.search)' : 'd.search');
  const match = sql<SqlBool>`${vector} @@ cast(${allQuery(parts)} as tsquery)`;
  if (!walking || parts.every((part) => part.terms.length === 1)) {
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

/**
 * How many rows match (`n`), and how many in their titles (`titles`),
 * each counted up to `limit`.
 */
export function rawMatchCounts(
  parts: readonly QueryPart[],
  limit: number,
): RawBuilder<{ n: number | string; titles: number | string }> {
  return sql<{ n: number | string; titles: number | string }>`select
    (select count(*) from (select 1 from search_documents as d
      where d.search @@ cast(${allQuery(parts)} as tsquery)
      limit ${limit}) as found) as n,
    (select count(*) from (select 1 from search_documents as d
      where ${matchTitle(parts, 'sort')} limit ${limit}) as found) as titles`;
}

/** Every row whose title or body holds every part, as the FROM of a count. */
export function matchingRows(parts: readonly QueryPart[]): RawBuilder<unknown> {
  return sql`search_documents as d where ${matchAll(parts, 'sort')}`;
}

/** Every row whose title holds every part, as the FROM of a count. */
export function matchingTitleRows(
  parts: readonly QueryPart[],
): RawBuilder<unknown> {
  return sql`search_documents as d where ${matchTitle(parts, 'sort')}`;
}

/**
 * Rows whose title alone holds every part; when walking, read through a
 * no-op expression as matchAll does, so the title's GIN index is kept
 * out.
 */
export function matchTitle(
  parts: readonly QueryPart[],
  walk: Walk,
): RawBuilder<SqlBool> {
  const query = parts.map((part) => phrase(part, 'A')).join(' & ');
  const vector = sql.raw(
    walk === 'sort'
      ? 'd.title_search'
      : 'coalesce(d.title_search, d.title_search)',
  );
  return sql<SqlBool>`${vector} @@ cast(${query} as tsquery)`;
}
