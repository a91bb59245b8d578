import { PostgresAdapter } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

// Each import is a run with its summary; each change it (or an editor)
// makes to a post, person or junior team is kept, so a directory re-sync
// can always be explained afterwards.

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = pg ? 'timestamptz' : 'text';
  const id = (c: ColumnDefinitionBuilder) =>
    pg
      ? c.primaryKey().generatedByDefaultAsIdentity()
      : c.primaryKey().autoIncrement();

  await db.schema
    .createTable('import_runs')
    .addColumn('id', 'integer', id)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source_name', 'text', (c) => c.notNull())
    .addColumn('started_at', time, (c) => c.notNull())
    .addColumn('finished_at', time)
    .addColumn('summary', 'text')
    .execute();

  await db.schema
    .createTable('directory_changes')
    .addColumn('id', 'integer', id)
    .addColumn('import_run_id', 'integer', (c) =>
      c.references('import_runs.id').onDelete('set null'),
    )
    .addColumn('actor_person_id', 'integer', (c) =>
      c.references('people.id').onDelete('set null'),
    )
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'integer', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('directory_changes_subject')
    .on('directory_changes')
    .columns(['subject', 'subject_id', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('directory_changes').execute();
  await db.schema.dropTable('import_runs').execute();
}
