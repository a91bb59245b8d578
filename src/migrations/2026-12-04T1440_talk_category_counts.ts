import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// A category's number of threads that every reader of it is shown: not
// deleted, not hidden, not awaiting approval. A page of the category's
// list reads it instead of counting the threads, which at 100,000 of
// them cost more than the page itself. Talk keeps it in step with every
// change to a thread; here it starts from a count of what is there.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('talk_categories')
    .addColumn('thread_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update talk_categories set thread_count = (
      select count(*) from talk_threads as t
      where t.category_id = talk_categories.id
        and t.deleted_at is null
        and t.hidden = 0
        and t.awaiting_approval = 0
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('talk_categories')
    .dropColumn('thread_count')
    .execute();
}
