import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import { lexeme } from '../documents.ts';
import type { QueryPart } from '../terms.ts';

// PostgreSQL full-text over the tsvectors the application wrote: the
// whole thing's (title terms weighted A), and the title's alone, small,
// so ranking title matches never reads a long body's vector. The query is written in tsquery's input syntax, not
// through to_tsquery, so PostgreSQL's own parser never splits or changes
// a term: it matches exactly what FTS5 matches.

function phrase(part: QueryPart, weight: string): string {
  const suffix = part.prefix ? `:*${weight}` : weight ? `:${weight}` : '';
  const terms = part.terms.map((term) => `${lexeme(term)}${suffix}`);
  return terms.length === 1 ? (terms[0] ?? '') : `(${terms.join(' <-> ')})`;
}

/** The rows whose title or body holds every part, as the FROM. */
export function matchingRows(parts: readonly QueryPart[]): RawBuilder<unknown> {
  const query = parts.map((part) => phrase(part, '')).join(' & ');
  return sql`search_documents as d
    join (select cast(${query} as tsquery) as q) as query
      on d.search @@ query.q`;
}

/** Rows whose title alone holds every part. */
export function matchTitle(parts: readonly QueryPart[]): RawBuilder<SqlBool> {
  const query = parts.map((part) => phrase(part, 'A')).join(' & ');
  return sql<SqlBool>`d.title_search @@ cast(${query} as tsquery)`;
}
