import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// Member totals are now read from groups.member_count rather than counted
// on each page. Before this, two people joining one group at the same
// moment on PostgreSQL could leave the kept count one short (each
// transaction counted without the other's row). The recount that every
// change of membership runs now locks the group first; this counts every
// group once so a count that drifted before is put right.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    update groups set member_count = (
      select count(*) from group_members m where m.group_id = groups.id
    )`.execute(db);
}

export async function down(): Promise<void> {
  // Nothing to undo: the counts are facts about the rows.
}
