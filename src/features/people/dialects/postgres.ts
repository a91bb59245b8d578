import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';

/**
 * The tsvector condition that every word matches a word of the entry, or
 * the start of one, using the GIN index on the generated column.
 */
export function directoryMatch(words: string[]): RawBuilder<unknown> {
  // The words hold only letters, digits and marks, so they cannot carry
  // tsquery operators.
  const query = words.map((word) => `${word}:*`).join(' & ');
  return sql`e.search @@ to_tsquery('simple', ${query})`;
}
