import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// The threads every reader of a kind of place is shown, added up by
// place: 'site' for the categories outside any group, and each group
// visibility for the categories of its groups. The total of the latest
// threads reads the places its reader reads whole from here, and adds
// only the categories of the groups they read as a member, instead of
// the counter of every category: at five times the organisation that
// was 10,000 counters, one a group, on every page. Talk keeps it in step
// with each category's counter and with a group's change of visibility;
// here it starts from the counters.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('talk_thread_totals')
    .addColumn('place', 'text', (c) => c.primaryKey())
    .addColumn('thread_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`insert into talk_thread_totals (place)
    values ('site'), ('open'), ('closed'), ('secret')`.execute(db);
  await sql`update talk_thread_totals set thread_count = (
      select coalesce(sum(c.thread_count), 0)
      from talk_categories as c
      left join groups as g on g.id = c.group_id
      where case when c.group_id is null then 'site' else g.visibility end
        = talk_thread_totals.place
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('talk_thread_totals').execute();
}
