import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import type { Db } from '../../../database.ts';
import type { EntryIds } from '../search.ts';

/**
 * Full-text match over the FTS5 table: every word must match as a word or
 * the start of one. Columns are weighted name 10, job title 5, unit 3,
 * skills and interests 2; bm25 is lower for better matches.
 */
export async function matchDirectory(
  db: Db,
  words: string[],
  filters: RawBuilder<unknown>,
  limit: number,
  offset: number,
): Promise<{ ids: EntryIds[]; total: number }> {
  const match = words.map((word) => `"${word.replace(/"/g, '""')}"*`).join(' ');
  const [rows, count] = await Promise.all([
    sql<EntryIds>`
      select e.kind, e.person_id, e.post_id
      from directory_fts join directory_entries e on e.id = directory_fts.rowid
      where directory_fts match ${match} ${filters}
      order by bm25(directory_fts, 10.0, 5.0, 3.0, 2.0), e.sort_key, e.id
      limit ${limit} offset ${offset}`.execute(db),
    sql<{ total: number }>`
      select count(*) as total
      from directory_fts join directory_entries e on e.id = directory_fts.rowid
      where directory_fts match ${match} ${filters}`.execute(db),
  ]);
  return { ids: rows.rows, total: Number(count.rows[0]?.total ?? 0) };
}
