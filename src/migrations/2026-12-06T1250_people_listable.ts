import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// The people who may be listed and suggested (expertise/sources.ts
// listablePeople: active staff, not guests), by id. People like you joins
// the members of the viewer's smallest groups, a few hundred, to people
// through this rule; without it PostgreSQL read every person's row in a
// hash join (11 ms of 15 at 21,000 people) rather than look a few hundred
// up. With it the join reads only this index, and looks them up in it.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index people_listable on people (id)
    where status = 'active' and closed_at is null and role <> 'guest'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('people_listable').execute();
}
