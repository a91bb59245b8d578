import type { Kysely } from 'kysely';

// A discussion thread's tags, at most a few a thread. `tag` is kept as
// written; `tag_key` is the folded form two spellings of one tag share,
// folded as status posts' tags are. A tag's page and the people who may
// know about a question walk the threads of one key newest first.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('talk_thread_tags')
    .addColumn('thread_id', 'integer', (c) =>
      c.notNull().references('talk_threads.id').onDelete('cascade'),
    )
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('tag_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('talk_thread_tags_pk', ['thread_id', 'tag_key'])
    .execute();
  await db.schema
    .createIndex('talk_thread_tags_tag')
    .on('talk_thread_tags')
    .columns(['tag_key', 'thread_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('talk_thread_tags').execute();
}
