import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import type { Db } from '../../database.ts';
import { dialectOf } from '../../platform/db/dialect.ts';
import { matchExpression } from '../search/dialects/sqlite.ts';
import { lexeme } from '../search/documents.ts';
import type { SearchKind } from '../search/tables.ts';
import type { QueryPart } from '../search/terms.ts';
import type { Topic } from './words.ts';

// The finder's word matches, answered by the search index (src/features/
// search), whose terms are folded and stemmed the same way on both
// databases: the things of a kind whose title holds every word of a
// topic. The index says nothing of who may read what: the callers check
// that as before.

function tsPhrase(part: QueryPart, weight: string): string {
  const suffix = part.prefix ? `:*${weight}` : weight ? `:${weight}` : '';
  const terms = part.terms.map((term) => `${lexeme(term)}${suffix}`);
  return terms.length === 1 ? (terms[0] ?? '') : `(${terms.join(' <-> ')})`;
}

/**
 * The index rows (`d`) of `kind` whose title holds every part, driven
 * from the full-text index.
 */
function matching(
  db: Db,
  kind: SearchKind,
  parts: readonly QueryPart[],
): RawBuilder<unknown> {
  if (dialectOf(db) === 'postgres') {
    // Weight A is the title's; the whole vector's GIN index finds them.
    const query = parts.map((part) => tsPhrase(part, 'A')).join(' & ');
    return sql`search_documents as d
      where d.search @@ cast(${query} as tsquery) and d.kind = ${kind}`;
  }
  // The index of titles alone (migration 2026-12-05T1910).
  const expression = matchExpression(parts);
  return sql`search_title_fts join search_documents as d
      on d.id = search_title_fts.rowid
    where search_title_fts match ${expression} and d.kind = ${kind}`;
}

/** The newest `limit` ids of things of `kind` whose title holds the topic. */
export async function titledIds(
  db: Db,
  kind: 'wiki_page' | 'thread' | 'blog_post',
  topic: Topic,
  limit: number,
): Promise<number[]> {
  if (topic.parts.length === 0) {
    return [];
  }
  const { rows } = await sql<{ ref_id: number }>`select d.ref_id
    from ${matching(db, kind, topic.parts)}
    order by d.ref_id desc limit ${limit}`.execute(db);
  return rows.map((row) => Number(row.ref_id));
}
