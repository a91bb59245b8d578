import { PostgresAdapter, sql } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

// Talk's status posts: short posts on a person's own profile (no group)
// or in a group, flat replies in the same table, likes, #tags and the
// @mentions of people who may read the post. Who may read a post follows
// its group at the moment of reading; nothing about access is copied here.
// Deleting a post deletes its replies, likes, tags and mentions with it.

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = pg ? 'timestamptz' : 'text';
  const id = (c: ColumnDefinitionBuilder) =>
    pg
      ? c.primaryKey().generatedByDefaultAsIdentity()
      : c.primaryKey().autoIncrement();
  const post = (c: ColumnDefinitionBuilder) =>
    c.notNull().references('status_posts.id').onDelete('cascade');
  const person = (c: ColumnDefinitionBuilder) =>
    c.notNull().references('people.id').onDelete('cascade');

  await db.schema
    .createTable('status_posts')
    .addColumn('id', 'integer', id)
    .addColumn('author_id', 'integer', person)
    .addColumn('group_id', 'integer', (c) =>
      c.references('groups.id').onDelete('cascade'),
    )
    .addColumn('parent_id', 'integer', (c) =>
      c.references('status_posts.id').onDelete('cascade'),
    )
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  // Streams walk posts newest first by id: all of them, one group's, one
  // author's; replies walk their post's in order.
  await db.schema
    .createIndex('status_posts_stream')
    .on('status_posts')
    .columns(['parent_id', 'id'])
    .execute();
  await db.schema
    .createIndex('status_posts_group')
    .on('status_posts')
    .columns(['group_id', 'parent_id', 'id'])
    .execute();
  await db.schema
    .createIndex('status_posts_author')
    .on('status_posts')
    .columns(['author_id', 'parent_id', 'id'])
    .execute();

  await db.schema
    .createTable('status_post_tags')
    .addColumn('post_id', 'integer', post)
    .addColumn('tag_key', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('status_post_tags_pk', ['post_id', 'tag_key'])
    .execute();
  await db.schema
    .createIndex('status_post_tags_tag')
    .on('status_post_tags')
    .columns(['tag_key', 'post_id'])
    .execute();

  await db.schema
    .createTable('status_post_likes')
    .addColumn('post_id', 'integer', post)
    .addColumn('person_id', 'integer', person)
    .addColumn('created_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('status_post_likes_pk', ['post_id', 'person_id'])
    .execute();

  await db.schema
    .createTable('status_post_mentions')
    .addColumn('post_id', 'integer', post)
    .addColumn('person_id', 'integer', person)
    .addPrimaryKeyConstraint('status_post_mentions_pk', [
      'post_id',
      'person_id',
    ])
    .execute();
  await db.schema
    .createIndex('status_post_mentions_person')
    .on('status_post_mentions')
    .columns(['person_id', 'post_id'])
    .execute();

  // An @handle is the local part of a person's e-mail address; this index
  // finds people by it without reading the whole directory.
  const localPart = pg
    ? sql`split_part(email_key, '@', 1)`
    : sql`substr(email_key, 1, instr(email_key, '@') - 1)`;
  await sql`create index people_email_local_part
    on people (${localPart})`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('people_email_local_part').execute();
  await db.schema.dropTable('status_post_mentions').execute();
  await db.schema.dropTable('status_post_likes').execute();
  await db.schema.dropTable('status_post_tags').execute();
  await db.schema.dropTable('status_posts').execute();
}
