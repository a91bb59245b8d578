import { PostgresAdapter } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

// What the identity lifecycle needs: people as a provisioning system names
// them (userName, externalId, employee number, a direct manager), when they
// were deactivated, an audit log, site settings an administrator changes,
// and sign-in failure counts shared by every app process.

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = pg ? 'timestamptz' : 'text';
  const id = (c: ColumnDefinitionBuilder) =>
    pg
      ? c.primaryKey().generatedByDefaultAsIdentity()
      : c.primaryKey().autoIncrement();

  await db.schema.alterTable('people').addColumn('user_name', 'text').execute();
  await db.schema
    .alterTable('people')
    .addColumn('user_name_key', 'text')
    .execute();
  await db.schema
    .alterTable('people')
    .addColumn('external_id', 'text')
    .execute();
  await db.schema
    .alterTable('people')
    .addColumn('employee_number', 'text')
    .execute();
  await db.schema
    .alterTable('people')
    .addColumn('manager_id', 'integer', (c) =>
      c.references('people.id').onDelete('set null'),
    )
    .execute();
  await db.schema
    .alterTable('people')
    .addColumn('deactivated_at', time)
    .execute();
  // Closed: removed by the identity provider. A closed account stays
  // deactivated; only the provider can create the person again.
  await db.schema.alterTable('people').addColumn('closed_at', time).execute();
  await db.schema
    .createIndex('people_user_name_key')
    .on('people')
    .column('user_name_key')
    .unique()
    .execute();
  await db.schema
    .createIndex('people_external_id')
    .on('people')
    .column('external_id')
    .execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'integer', id)
    .addColumn('occurred_at', time, (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_person_id', 'integer', (c) =>
      c.references('people.id').onDelete('set null'),
    )
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text')
    .addColumn('subject_id', 'integer')
    .addColumn('client_address', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_events_time')
    .on('audit_events')
    .columns(['occurred_at', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_events_action')
    .on('audit_events')
    .columns(['action', 'occurred_at', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_events_actor')
    .on('audit_events')
    .columns(['actor_person_id', 'occurred_at', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_events_subject')
    .on('audit_events')
    .columns(['subject_type', 'subject_id', 'occurred_at', 'id'])
    .execute();

  await db.schema
    .createTable('site_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('updated_by', 'integer', (c) =>
      c.references('people.id').onDelete('set null'),
    )
    .execute();

  await db.schema
    .createTable('sign_in_failures')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', time, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sign_in_failures').execute();
  await db.schema.dropTable('site_settings').execute();
  await db.schema.dropTable('audit_events').execute();
  await db.schema.dropIndex('people_external_id').execute();
  await db.schema.dropIndex('people_user_name_key').execute();
  for (const column of [
    'closed_at',
    'deactivated_at',
    'manager_id',
    'employee_number',
    'external_id',
    'user_name_key',
    'user_name',
  ]) {
    await db.schema.alterTable('people').dropColumn(column).execute();
  }
}
