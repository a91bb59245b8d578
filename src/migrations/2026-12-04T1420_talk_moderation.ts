import { PostgresAdapter, sql } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

// Moderation of Talk's discussions: moderators appointed per category,
// flags readers raise on posts, hidden items' reasons, and posts held
// for approval. A held post is in the thread (it has its `position`) but
// has no `shown_position` until a moderator approves it, so it takes no
// place on any page and no part in any count (BUG-29).

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = pg ? 'timestamptz' : 'text';
  const id = (c: ColumnDefinitionBuilder) =>
    pg
      ? c.primaryKey().generatedByDefaultAsIdentity()
      : c.primaryKey().autoIncrement();
  const flag = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(0);

  await db.schema
    .createTable('talk_moderators')
    .addColumn('category_id', 'integer', (c) =>
      c.notNull().references('talk_categories.id').onDelete('cascade'),
    )
    .addColumn('person_id', 'integer', (c) =>
      c.notNull().references('people.id').onDelete('cascade'),
    )
    .addColumn('added_by', 'integer', (c) =>
      c.references('people.id').onDelete('set null'),
    )
    .addColumn('created_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('talk_moderators_pk', ['category_id', 'person_id'])
    .execute();
  // The places one person moderates, for the queue.
  await db.schema
    .createIndex('talk_moderators_person')
    .on('talk_moderators')
    .column('person_id')
    .execute();

  await db.schema
    .createTable('talk_flags')
    .addColumn('id', 'integer', id)
    .addColumn('post_id', 'integer', (c) =>
      c.notNull().references('talk_posts.id').onDelete('cascade'),
    )
    .addColumn('reporter_id', 'integer', (c) =>
      c.notNull().references('people.id').onDelete('cascade'),
    )
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('resolved_by', 'integer', (c) =>
      c.references('people.id').onDelete('set null'),
    )
    .addColumn('resolved_at', time)
    .execute();
  // A reporter has one open flag on a post at a time, however many
  // requests race.
  await db.schema
    .createIndex('talk_flags_one_open')
    .on('talk_flags')
    .columns(['post_id', 'reporter_id'])
    .unique()
    .where(sql.ref('status'), '=', 'open')
    .execute();
  await db.schema
    .createIndex('talk_flags_post')
    .on('talk_flags')
    .columns(['post_id', 'status'])
    .execute();
  await db.schema
    .createIndex('talk_flags_queue')
    .on('talk_flags')
    .columns(['status', 'created_at', 'id'])
    .execute();

  await db.schema
    .alterTable('talk_categories')
    .addColumn('approve_first_posts', 'integer', flag)
    .execute();
  await db.schema
    .alterTable('talk_threads')
    .addColumn('awaiting_approval', 'integer', flag)
    .execute();
  await db.schema
    .alterTable('talk_threads')
    .addColumn('hidden_reason', 'text')
    .execute();
  await db.schema
    .alterTable('talk_posts')
    .addColumn('awaiting_approval', 'integer', flag)
    .execute();
  await db.schema
    .alterTable('talk_posts')
    .addColumn('hidden_reason', 'text')
    .execute();
  // Held posts are few and read oldest first by the queue.
  await db.schema
    .createIndex('talk_posts_awaiting')
    .on('talk_posts')
    .columns(['created_at', 'id'])
    .where(sql.ref('awaiting_approval'), '=', 1)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('talk_posts_awaiting').execute();
  for (const [table, column] of [
    ['talk_posts', 'hidden_reason'],
    ['talk_posts', 'awaiting_approval'],
    ['talk_threads', 'hidden_reason'],
    ['talk_threads', 'awaiting_approval'],
    ['talk_categories', 'approve_first_posts'],
  ] as const) {
    await db.schema.alterTable(table).dropColumn(column).execute();
  }
  await db.schema.dropTable('talk_flags').execute();
  await db.schema.dropTable('talk_moderators').execute();
}
