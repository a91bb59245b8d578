import { PostgresAdapter } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

// Groups, their members, requests to join and invitations. Who may read a
// group's content is decided from `groups.visibility` and `group_members`
// at the moment of reading, never copied onto the content, so a change of
// visibility takes effect at once.

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = pg ? 'timestamptz' : 'text';
  const id = (c: ColumnDefinitionBuilder) =>
    pg
      ? c.primaryKey().generatedByDefaultAsIdentity()
      : c.primaryKey().autoIncrement();
  const person = (c: ColumnDefinitionBuilder) =>
    c.notNull().references('people.id').onDelete('cascade');
  const group = (c: ColumnDefinitionBuilder) =>
    c.notNull().references('groups.id').onDelete('cascade');

  await db.schema
    .createTable('groups')
    .addColumn('id', 'integer', id)
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sort_name', 'text', (c) => c.notNull())
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('description_md', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('member_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'integer', (c) =>
      c.references('people.id').onDelete('set null'),
    )
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('groups_directory')
    .on('groups')
    .columns(['visibility', 'sort_name', 'id'])
    .execute();
  await db.schema
    .createIndex('groups_sorted')
    .on('groups')
    .columns(['sort_name', 'id'])
    .execute();

  await db.schema
    .createTable('group_members')
    .addColumn('group_id', 'integer', group)
    .addColumn('person_id', 'integer', person)
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('joined_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'person_id'])
    .execute();
  await db.schema
    .createIndex('group_members_person')
    .on('group_members')
    .columns(['person_id', 'group_id'])
    .execute();
  await db.schema
    .createIndex('group_members_role')
    .on('group_members')
    .columns(['group_id', 'role'])
    .execute();

  await db.schema
    .createTable('group_requests')
    .addColumn('group_id', 'integer', group)
    .addColumn('person_id', 'integer', person)
    .addColumn('message', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('group_requests_pk', ['group_id', 'person_id'])
    .execute();
  await db.schema
    .createIndex('group_requests_person')
    .on('group_requests')
    .column('person_id')
    .execute();

  await db.schema
    .createTable('group_invitations')
    .addColumn('id', 'integer', id)
    .addColumn('group_id', 'integer', group)
    .addColumn('person_id', 'integer', person)
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('as_guest', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('token_hash', 'text', (c) => c.unique())
    .addColumn('invited_by', 'integer', (c) =>
      c.references('people.id').onDelete('set null'),
    )
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('group_invitations_pending')
    .on('group_invitations')
    .columns(['group_id', 'person_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('group_invitations_person')
    .on('group_invitations')
    .column('person_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('group_invitations').execute();
  await db.schema.dropTable('group_requests').execute();
  await db.schema.dropTable('group_members').execute();
  await db.schema.dropTable('groups').execute();
}
