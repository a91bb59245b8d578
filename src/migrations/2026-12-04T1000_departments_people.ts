import { PostgresAdapter } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

// Departments, their units, and the people in them. A department row is any
// public body that publishes its own organogram; an agency points to its
// parent department. Times are ISO 8601 text
// on SQLite and timestamptz on PostgreSQL; the app reads both as ISO strings.

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = pg ? 'timestamptz' : 'text';
  const id = (c: ColumnDefinitionBuilder) =>
    pg
      ? c.primaryKey().generatedByDefaultAsIdentity()
      : c.primaryKey().autoIncrement();

  await db.schema
    .createTable('departments')
    .addColumn('id', 'integer', id)
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull().unique())
    .addColumn('parent_id', 'integer', (c) =>
      c.references('departments.id').onDelete('set null'),
    )
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('units')
    .addColumn('id', 'integer', id)
    .addColumn('department_id', 'integer', (c) =>
      c.notNull().references('departments.id').onDelete('cascade'),
    )
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addUniqueConstraint('units_department_slug', ['department_id', 'slug'])
    .addUniqueConstraint('units_department_name', ['department_id', 'name_key'])
    .execute();

  await db.schema
    .createTable('people')
    .addColumn('id', 'integer', id)
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('sort_name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('email_key', 'text', (c) => c.unique())
    .addColumn('phone', 'text')
    .addColumn('job_title', 'text')
    .addColumn('grade', 'text')
    .addColumn('department_id', 'integer', (c) =>
      c.references('departments.id').onDelete('set null'),
    )
    .addColumn('unit_id', 'integer', (c) =>
      c.references('units.id').onDelete('set null'),
    )
    .addColumn('location', 'text')
    .addColumn('about_md', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('member'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('password_hash', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_key', 'text', (c) => c.unique())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('people_department_sort')
    .on('people')
    .columns(['department_id', 'sort_name'])
    .execute();
  await db.schema
    .createIndex('people_sort')
    .on('people')
    .column('sort_name')
    .execute();

  await db.schema
    .createTable('person_tags')
    .addColumn('id', 'integer', id)
    .addColumn('person_id', 'integer', (c) =>
      c.notNull().references('people.id').onDelete('cascade'),
    )
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('label_key', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addUniqueConstraint('person_tags_unique', [
      'person_id',
      'kind',
      'label_key',
    ])
    .execute();
  await db.schema
    .createIndex('person_tags_label')
    .on('person_tags')
    .columns(['kind', 'label_key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('person_tags').execute();
  await db.schema.dropTable('people').execute();
  await db.schema.dropTable('units').execute();
  await db.schema.dropTable('departments').execute();
}
