import { PostgresAdapter, sql } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

// One row per person and per post without a named holder, holding text the
// app has already folded to lower-case words without accents or
// punctuation, so both databases tokenise it the same way. SQLite indexes it
// with FTS5 (kept in step by triggers), PostgreSQL with a generated tsvector
// under the 'simple' configuration: no stemming in either, so names are
// never mangled; prefix queries do the work of stemming.

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) =>
    pg
      ? c.primaryKey().generatedByDefaultAsIdentity()
      : c.primaryKey().autoIncrement();

  await db.schema
    .createTable('directory_entries')
    .addColumn('id', 'integer', id)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('person_id', 'integer', (c) =>
      c.unique().references('people.id').onDelete('cascade'),
    )
    .addColumn('post_id', 'integer', (c) =>
      c.unique().references('posts.id').onDelete('cascade'),
    )
    .addColumn('department_id', 'integer')
    .addColumn('grade', 'text')
    .addColumn('location', 'text')
    .addColumn('sort_key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('job_title', 'text', (c) => c.notNull())
    .addColumn('unit_name', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .execute();
  for (const [name, columns] of [
    ['directory_entries_sort', ['sort_key', 'id']],
    ['directory_entries_department', ['department_id', 'sort_key', 'id']],
    ['directory_entries_grade', ['grade', 'sort_key', 'id']],
    ['directory_entries_location', ['location', 'sort_key', 'id']],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on('directory_entries')
      .columns([...columns])
      .execute();
  }

  if (pg) {
    await sql`
      alter table directory_entries add column search tsvector
      generated always as (
        setweight(to_tsvector('simple', name), 'A') ||
        setweight(to_tsvector('simple', job_title), 'B') ||
        setweight(to_tsvector('simple', unit_name), 'C') ||
        setweight(to_tsvector('simple', tags), 'C')
      ) stored`.execute(db);
    await sql`create index directory_entries_search
      on directory_entries using gin (search)`.execute(db);
    return;
  }

  await sql`
    create virtual table directory_fts using fts5(
      name, job_title, unit_name, tags,
      content='directory_entries', content_rowid='id',
      tokenize='unicode61 remove_diacritics 2', prefix='2 3'
    )`.execute(db);
  await sql`
    create trigger directory_entries_ai after insert on directory_entries
    begin
      insert into directory_fts(rowid, name, job_title, unit_name, tags)
      values (new.id, new.name, new.job_title, new.unit_name, new.tags);
    end`.execute(db);
  await sql`
    create trigger directory_entries_ad after delete on directory_entries
    begin
      insert into directory_fts(
        directory_fts, rowid, name, job_title, unit_name, tags
      ) values (
        'delete', old.id, old.name, old.job_title, old.unit_name, old.tags
      );
    end`.execute(db);
  await sql`
    create trigger directory_entries_au after update on directory_entries
    begin
      insert into directory_fts(
        directory_fts, rowid, name, job_title, unit_name, tags
      ) values (
        'delete', old.id, old.name, old.job_title, old.unit_name, old.tags
      );
      insert into directory_fts(rowid, name, job_title, unit_name, tags)
      values (new.id, new.name, new.job_title, new.unit_name, new.tags);
    end`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  if (!pg) {
    await sql`drop table directory_fts`.execute(db);
  }
  await db.schema.dropTable('directory_entries').execute();
}
