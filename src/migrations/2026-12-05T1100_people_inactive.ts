import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// A group's active members are counted on every one of its pages. Staff
// who have left are few, so the count is every membership (read from the
// primary key) less the memberships of people not active, found through
// this small index instead of looking up all 21,000 people of All staff.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('people_not_active')
    .on('people')
    .column('id')
    .where(sql.ref('status'), '<>', 'active')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('people_not_active').execute();
}
