import { PostgresAdapter } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

// SCIM 2.0 provisioning: the bearer tokens identity providers present
// (kept as SHA-256, never the token), what SCIM knows about a person that
// the profile has no place for (given and family name, and when the
// provider deleted them), and the provider's own directory groups.

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = pg ? 'timestamptz' : 'text';
  const id = (c: ColumnDefinitionBuilder) =>
    pg
      ? c.primaryKey().generatedByDefaultAsIdentity()
      : c.primaryKey().autoIncrement();

  await db.schema
    .createTable('scim_tokens')
    .addColumn('id', 'integer', id)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'integer', (c) =>
      c.references('people.id').onDelete('set null'),
    )
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('last_used_at', time)
    .addColumn('revoked_at', time)
    .execute();

  await db.schema
    .createTable('scim_users')
    .addColumn('person_id', 'integer', (c) =>
      c.primaryKey().references('people.id').onDelete('cascade'),
    )
    .addColumn('given_name', 'text')
    .addColumn('family_name', 'text')
    .addColumn('deleted_at', time)
    .execute();

  await db.schema
    .createTable('scim_groups')
    .addColumn('id', 'integer', id)
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('display_name_key', 'text', (c) => c.notNull().unique())
    .addColumn('external_id', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('scim_groups_external_id')
    .on('scim_groups')
    .column('external_id')
    .execute();

  await db.schema
    .createTable('scim_group_members')
    .addColumn('group_id', 'integer', (c) =>
      c.notNull().references('scim_groups.id').onDelete('cascade'),
    )
    .addColumn('person_id', 'integer', (c) =>
      c.notNull().references('people.id').onDelete('cascade'),
    )
    .addPrimaryKeyConstraint('scim_group_members_pk', ['group_id', 'person_id'])
    .execute();
  await db.schema
    .createIndex('scim_group_members_person')
    .on('scim_group_members')
    .column('person_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('scim_group_members').execute();
  await db.schema.dropTable('scim_groups').execute();
  await db.schema.dropTable('scim_users').execute();
  await db.schema.dropTable('scim_tokens').execute();
}
