import { PostgresAdapter } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

// Which identity at which OpenID provider is which person. An issuer and a
// subject name one identity for good, whatever its e-mail address becomes,
// so a person is found by that pair after their first sign-in.

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = pg ? 'timestamptz' : 'text';
  const id = (c: ColumnDefinitionBuilder) =>
    pg
      ? c.primaryKey().generatedByDefaultAsIdentity()
      : c.primaryKey().autoIncrement();

  await db.schema
    .createTable('identity_links')
    .addColumn('id', 'integer', id)
    .addColumn('person_id', 'integer', (c) =>
      c.notNull().references('people.id').onDelete('cascade'),
    )
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('email_at_link', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('last_sign_in_at', time, (c) => c.notNull())
    .addUniqueConstraint('identity_links_issuer_subject', ['issuer', 'subject'])
    .execute();
  await db.schema
    .createIndex('identity_links_person')
    .on('identity_links')
    .column('person_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('identity_links').execute();
}
