import { PostgresAdapter, sql } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

// Activity streams, follows, watches on groups and blogs, and
// notifications. An event or a notification names its subject by type and
// id and copies nothing about who may read it: streams and notification
// lists ask the access rule about the subject every time they are read,
// so content that becomes hidden leaves them at once.

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = pg ? 'timestamptz' : 'text';
  const id = (c: ColumnDefinitionBuilder) =>
    pg
      ? c.primaryKey().generatedByDefaultAsIdentity()
      : c.primaryKey().autoIncrement();
  const person = (c: ColumnDefinitionBuilder) =>
    c.notNull().references('people.id').onDelete('cascade');

  await db.schema
    .createTable('activity_events')
    .addColumn('id', 'integer', id)
    .addColumn('actor_id', 'integer', person)
    .addColumn('verb', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'integer', (c) => c.notNull())
    .addColumn('group_id', 'integer', (c) =>
      c.references('groups.id').onDelete('cascade'),
    )
    // A site announcement (a post in a site blog) reaches every home page.
    .addColumn('announcement', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    // One event per happening: a post published twice is one event.
    .addColumn('event_key', 'text', (c) => c.notNull().unique())
    // When it happened; a scheduled post's is its publishing instant.
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  // Streams walk newest first by (created_at, id): one person's, one
  // group's, the announcements, and everyone's for the home page.
  for (const [name, columns] of [
    ['activity_events_actor', ['actor_id', 'created_at', 'id']],
    ['activity_events_group', ['group_id', 'created_at', 'id']],
    ['activity_events_announcement', ['announcement', 'created_at', 'id']],
    ['activity_events_time', ['created_at', 'id']],
    ['activity_events_subject', ['subject_type', 'subject_id']],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on('activity_events')
      .columns([...columns])
      .execute();
  }

  await db.schema
    .createTable('follows')
    .addColumn('follower_id', 'integer', person)
    .addColumn('person_id', 'integer', person)
    .addColumn('created_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('follows_pk', ['follower_id', 'person_id'])
    .execute();
  await db.schema
    .createIndex('follows_person')
    .on('follows')
    .columns(['person_id', 'follower_id'])
    .execute();

  for (const [table, column, target] of [
    ['group_watches', 'group_id', 'groups.id'],
    ['blog_watches', 'blog_id', 'blogs.id'],
  ] as const) {
    await db.schema
      .createTable(table)
      .addColumn('person_id', 'integer', person)
      .addColumn(column, 'integer', (c) =>
        c.notNull().references(target).onDelete('cascade'),
      )
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('created_at', time, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['person_id', column])
      .execute();
    await db.schema
      .createIndex(`${table}_target`)
      .on(table)
      .columns([column, 'person_id'])
      .execute();
  }

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'integer', id)
    .addColumn('person_id', 'integer', person)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'integer', (c) =>
      c.references('people.id').onDelete('set null'),
    )
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'integer', (c) => c.notNull())
    .addColumn('event_key', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('read_at', time)
    .addUniqueConstraint('notifications_event', ['person_id', 'event_key'])
    .execute();
  await db.schema
    .createIndex('notifications_person')
    .on('notifications')
    .columns(['person_id', 'id'])
    .execute();
  // The header's unread count reads only this small part of the list.
  await db.schema
    .createIndex('notifications_unread')
    .on('notifications')
    .columns(['person_id', 'id'])
    .where(sql.ref('read_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notifications').execute();
  await db.schema.dropTable('blog_watches').execute();
  await db.schema.dropTable('group_watches').execute();
  await db.schema.dropTable('follows').execute();
  await db.schema.dropTable('activity_events').execute();
}
