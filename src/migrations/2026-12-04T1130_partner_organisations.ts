import { PostgresAdapter } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

// Partner organisations whose staff may be invited as guests, and the
// e-mail domains a guest from each may use.

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = pg ? 'timestamptz' : 'text';
  const id = (c: ColumnDefinitionBuilder) =>
    pg
      ? c.primaryKey().generatedByDefaultAsIdentity()
      : c.primaryKey().autoIncrement();

  await db.schema
    .createTable('partner_organisations')
    .addColumn('id', 'integer', id)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('partner_domains')
    .addColumn('domain', 'text', (c) => c.primaryKey())
    .addColumn('partner_id', 'integer', (c) =>
      c.notNull().references('partner_organisations.id').onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('partner_domains_partner')
    .on('partner_domains')
    .column('partner_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('partner_domains').execute();
  await db.schema.dropTable('partner_organisations').execute();
}
