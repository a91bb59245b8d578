import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';

/**
 * The local part of `people.email_key` (before the @), written as the
 * expression the index people_email_local_part was built on, so that a
 * lookup by @handle uses it.
 */
export function emailLocalPart(): RawBuilder<string> {
  return sql<string>`substr(email_key, 1, instr(email_key, '@') - 1)`;
}
