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

/**
 * The rows whose title or body holds every part, as the FROM of the
 * search: driven from the full-text index, each match then read from
 * search_documents (`d`) by its id.
 */
export function matchingRows(parts: readonly QueryPart[]): RawBuilder<unknown> {
  const expression = parts.map(phrase).join(' AND ');
  return sql`search_fts
    join search_documents as d on d.id = search_fts.rowid
    and search_fts match ${expression}`;
}

/** Rows whose title alone holds every part. */
export function matchTitle(parts: readonly QueryPart[]): RawBuilder<SqlBool> {
  const expression = parts
    .map((part) => `title_terms : ${phrase(part)}`)
    .join(' AND ');
  return sql<SqlBool>`d.id in (select rowid from search_fts
    where search_fts match ${expression})`;
}
