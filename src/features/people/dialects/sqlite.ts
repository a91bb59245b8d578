import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';

/**
 * The FTS5 condition that every word matches a word of the entry, or the
 * start of one. FTS5's own bm25 is not used for ranking: it counts the
 * whole row's length, so a person with many skills would rank below an
 * empty post for the same job title.
 */
export function directoryMatch(words: string[]): RawBuilder<unknown> {
  const match = words.map((word) => `"${word.replace(/"/g, '""')}"*`).join(' ');
  return sql`e.id in (
    select rowid from directory_fts where directory_fts match ${match}
  )`;
}
