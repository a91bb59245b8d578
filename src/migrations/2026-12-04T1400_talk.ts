import { PostgresAdapter } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

// Talk's discussions: categories, threads, their posts (the opening post
// is post 1), edit history, reactions, watches and read markers.
//
// A post has two numbers. `position` is its place in the order of posting
// and never changes, so read markers and links stay true. `shown_position`
// numbers only the posts every reader of the thread is shown (not deleted,
// not hidden), 1, 2, 3 … without gaps, and is null for the others: page N
// of a thread is the range ((N-1)·size, N·size] over the index on it, and
// the page count is the largest number divided by the page size. Deleting
// or hiding a post renumbers the posts after it in one update.

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = pg ? 'timestamptz' : 'text';
  const id = (c: ColumnDefinitionBuilder) =>
    pg
      ? c.primaryKey().generatedByDefaultAsIdentity()
      : c.primaryKey().autoIncrement();
  const person = (c: ColumnDefinitionBuilder) =>
    c.references('people.id').onDelete('set null');
  const flag = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(0);

  await db.schema
    .createTable('talk_categories')
    .addColumn('id', 'integer', id)
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('parent_id', 'integer', (c) =>
      c.references('talk_categories.id').onDelete('cascade'),
    )
    .addColumn('group_id', 'integer', (c) =>
      c.references('groups.id').onDelete('cascade'),
    )
    .addColumn('position', 'integer', flag)
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  // One category a group: its discussions.
  await db.schema
    .createIndex('talk_categories_group')
    .on('talk_categories')
    .column('group_id')
    .unique()
    .execute();
  await db.schema
    .createIndex('talk_categories_parent')
    .on('talk_categories')
    .columns(['parent_id', 'position', 'id'])
    .execute();

  await db.schema
    .createTable('talk_threads')
    .addColumn('id', 'integer', id)
    .addColumn('category_id', 'integer', (c) =>
      c.notNull().references('talk_categories.id').onDelete('cascade'),
    )
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('author_id', 'integer', person)
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('last_reply_at', time)
    .addColumn('last_activity_at', time, (c) => c.notNull())
    .addColumn('reply_count', 'integer', flag)
    .addColumn('is_question', 'integer', flag)
    .addColumn('accepted_post_id', 'integer')
    .addColumn('pinned', 'integer', flag)
    .addColumn('locked', 'integer', flag)
    .addColumn('hidden', 'integer', flag)
    .addColumn('deleted_at', time)
    .addColumn('import_key', 'text', (c) => c.unique())
    .execute();
  await db.schema
    .createIndex('talk_threads_category')
    .on('talk_threads')
    .columns(['category_id', 'pinned', 'last_activity_at', 'id'])
    .execute();
  await db.schema
    .createIndex('talk_threads_latest')
    .on('talk_threads')
    .columns(['last_activity_at', 'id'])
    .execute();
  await db.schema
    .createIndex('talk_threads_questions')
    .on('talk_threads')
    .columns(['is_question', 'accepted_post_id', 'last_activity_at'])
    .execute();

  await db.schema
    .createTable('talk_posts')
    .addColumn('id', 'integer', id)
    .addColumn('thread_id', 'integer', (c) =>
      c.notNull().references('talk_threads.id').onDelete('cascade'),
    )
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('shown_position', 'integer')
    .addColumn('author_id', 'integer', person)
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('edited_at', time)
    .addColumn('deleted_at', time)
    .addColumn('hidden_at', time)
    .addColumn('quote_of', 'integer', (c) =>
      c.references('talk_posts.id').onDelete('set null'),
    )
    .addColumn('import_key', 'text', (c) => c.unique())
    .execute();
  await db.schema
    .createIndex('talk_posts_position')
    .on('talk_posts')
    .columns(['thread_id', 'position'])
    .unique()
    .execute();
  // Not unique: renumbering shifts many rows in one statement, and a
  // unique index would be checked row by row on the way.
  await db.schema
    .createIndex('talk_posts_shown')
    .on('talk_posts')
    .columns(['thread_id', 'shown_position'])
    .execute();
  await db.schema
    .createIndex('talk_posts_author')
    .on('talk_posts')
    .columns(['author_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('talk_post_revisions')
    .addColumn('id', 'integer', id)
    .addColumn('post_id', 'integer', (c) =>
      c.notNull().references('talk_posts.id').onDelete('cascade'),
    )
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('editor_id', 'integer', person)
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('talk_post_revisions_post')
    .on('talk_post_revisions')
    .columns(['post_id', 'id'])
    .execute();

  // A person's reaction counts 1; an imported score has no person and
  // carries its number in `count`.
  await db.schema
    .createTable('talk_reactions')
    .addColumn('id', 'integer', id)
    .addColumn('post_id', 'integer', (c) =>
      c.notNull().references('talk_posts.id').onDelete('cascade'),
    )
    .addColumn('person_id', 'integer', (c) =>
      c.references('people.id').onDelete('cascade'),
    )
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('talk_reactions_once')
    .on('talk_reactions')
    .columns(['post_id', 'person_id', 'kind'])
    .unique()
    .execute();

  await db.schema
    .createTable('talk_watches')
    .addColumn('id', 'integer', id)
    .addColumn('person_id', 'integer', (c) =>
      c.notNull().references('people.id').onDelete('cascade'),
    )
    .addColumn('thread_id', 'integer', (c) =>
      c.references('talk_threads.id').onDelete('cascade'),
    )
    .addColumn('category_id', 'integer', (c) =>
      c.references('talk_categories.id').onDelete('cascade'),
    )
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('talk_watches_thread')
    .on('talk_watches')
    .columns(['person_id', 'thread_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('talk_watches_category')
    .on('talk_watches')
    .columns(['person_id', 'category_id'])
    .unique()
    .execute();

  await db.schema
    .createTable('talk_reads')
    .addColumn('person_id', 'integer', (c) =>
      c.notNull().references('people.id').onDelete('cascade'),
    )
    .addColumn('thread_id', 'integer', (c) =>
      c.notNull().references('talk_threads.id').onDelete('cascade'),
    )
    .addColumn('last_read_position', 'integer', (c) => c.notNull())
    .addColumn('read_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('talk_reads_pk', ['person_id', 'thread_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'talk_reads',
    'talk_watches',
    'talk_reactions',
    'talk_post_revisions',
    'talk_posts',
    'talk_threads',
    'talk_categories',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
