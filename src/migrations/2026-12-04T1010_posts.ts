import { PostgresAdapter } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

// Posts are the unit of an organogram: a post exists whether or not anyone
// holds it, one person may hold several, and junior staff are counted in
// teams under the senior post they report to.

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = pg ? 'timestamptz' : 'text';
  const real = pg ? 'double precision' : 'real';
  const id = (c: ColumnDefinitionBuilder) =>
    pg
      ? c.primaryKey().generatedByDefaultAsIdentity()
      : c.primaryKey().autoIncrement();

  await db.schema
    .createTable('posts')
    .addColumn('id', 'integer', id)
    .addColumn('department_id', 'integer', (c) =>
      c.notNull().references('departments.id').onDelete('cascade'),
    )
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('organisation', 'text')
    .addColumn('unit_id', 'integer', (c) =>
      c.references('units.id').onDelete('set null'),
    )
    .addColumn('job_title', 'text', (c) => c.notNull())
    .addColumn('job_function', 'text')
    .addColumn('grade', 'text')
    .addColumn('holder_kind', 'text', (c) => c.notNull())
    .addColumn('reports_to_reference', 'text')
    .addColumn('reports_to_post_id', 'integer', (c) =>
      c.references('posts.id').onDelete('set null'),
    )
    .addColumn('fte', real)
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addColumn('pay_floor', 'integer')
    .addColumn('pay_ceiling', 'integer')
    .addColumn('professional_group', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('ended_at', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addUniqueConstraint('posts_department_reference', [
      'department_id',
      'reference',
    ])
    .execute();
  await db.schema
    .createIndex('posts_reports_to')
    .on('posts')
    .columns(['reports_to_post_id', 'status'])
    .execute();
  await db.schema
    .createIndex('posts_department_roots')
    .on('posts')
    .columns(['department_id', 'reports_to_post_id', 'status'])
    .execute();
  await db.schema
    .createIndex('posts_unit')
    .on('posts')
    .columns(['unit_id', 'status'])
    .execute();

  await db.schema
    .createTable('post_holders')
    .addColumn('post_id', 'integer', (c) =>
      c.notNull().references('posts.id').onDelete('cascade'),
    )
    .addColumn('person_id', 'integer', (c) =>
      c.notNull().references('people.id').onDelete('cascade'),
    )
    .addPrimaryKeyConstraint('post_holders_pk', ['post_id', 'person_id'])
    .execute();
  await db.schema
    .createIndex('post_holders_person')
    .on('post_holders')
    .column('person_id')
    .execute();

  await db.schema
    .createTable('junior_teams')
    .addColumn('id', 'integer', id)
    .addColumn('senior_post_id', 'integer', (c) =>
      c.notNull().references('posts.id').onDelete('cascade'),
    )
    .addColumn('team_key', 'text', (c) => c.notNull())
    .addColumn('grade', 'text', (c) => c.notNull())
    .addColumn('job_title', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'integer', (c) =>
      c.references('units.id').onDelete('set null'),
    )
    .addColumn('professional_group', 'text')
    .addColumn('payscale_min', 'integer')
    .addColumn('payscale_max', 'integer')
    .addColumn('fte', real, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addUniqueConstraint('junior_teams_key', ['senior_post_id', 'team_key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('junior_teams').execute();
  await db.schema.dropTable('post_holders').execute();
  await db.schema.dropTable('posts').execute();
}
