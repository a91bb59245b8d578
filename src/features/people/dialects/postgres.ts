import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import type { Db } from '../../../database.ts';
import type { EntryIds } from '../search.ts';

/**
 * Full-text match over the generated tsvector: every word must match as a
 * word or the start of one, ranked by ts_rank over the A–D weights the
 * column was built with (name, job title, unit, skills and interests).
 */
export async function matchDirectory(
  db: Db,
  words: string[],
  filters: RawBuilder<unknown>,
  limit: number,
  offset: number,
): Promise<{ ids: EntryIds[]; total: number }> {
  // The words hold only letters, digits and marks, so they cannot carry
  // tsquery operators.
  const query = words.map((word) => `${word}:*`).join(' & ');
  const tsquery = sql`to_tsquery('simple', ${query})`;
  const [rows, count] = await Promise.all([
    sql<EntryIds>`
      select e.kind, e.person_id, e.post_id
      from directory_entries e
      where e.search @@ ${tsquery} ${filters}
      order by ts_rank(e.search, ${tsquery}) desc, e.sort_key, e.id
      limit ${limit} offset ${offset}`.execute(db),
    sql<{ total: number }>`
      select count(*) as total from directory_entries e
      where e.search @@ ${tsquery} ${filters}`.execute(db),
  ]);
  return { ids: rows.rows, total: Number(count.rows[0]?.total ?? 0) };
}
