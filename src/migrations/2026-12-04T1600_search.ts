import { PostgresAdapter, sql } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

// One row per searchable thing (person, group, status post, thread,
// reply, blog post, blog comment, wiki page) in two tables: a narrow
// search_documents, which a search walks for every match (kind, source,
// group, author, dates: what it filters and sorts by), and search_texts
// with the words, read for the page of results only. A common word
// matches tens of thousands of rows, and reading their text to sort them
// cost ten times the search itself.
//
// The terms are stored as the application made them: folded, stemmed,
// CJK split into pairs (see features/search/terms.ts). Neither database
// stems or splits anything itself, so both find the same rows. SQLite
// indexes the terms with FTS5 over search_texts (external content, kept
// in step by triggers) under the plain unicode61 tokenizer; PostgreSQL
// stores tsvectors the application writes, the whole thing's and the
// title's, under GIN. Who may see a row is not stored here: searches ask
// the source rows at read time.

const COVERING = [
  ['search_talk_posts', 'talk_posts', ['id', 'thread_id', 'shown_position']],
  [
    'search_talk_threads',
    'talk_threads',
    ['id', 'category_id', 'deleted_at', 'hidden', 'awaiting_approval'],
  ],
  ['search_status_posts', 'status_posts', ['id', 'group_id']],
  [
    'search_blog_posts',
    'blog_posts',
    ['id', 'blog_id', 'deleted_at', 'status', 'audience', 'publish_at'],
  ],
  [
    'search_blog_comments',
    'blog_comments',
    ['id', 'post_id', 'status', 'deleted_at'],
  ],
  ['search_people', 'people', ['id', 'status']],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) =>
    pg
      ? c.primaryKey().generatedByDefaultAsIdentity()
      : c.primaryKey().autoIncrement();

  await db.schema
    .createTable('search_documents')
    .addColumn('id', 'integer', id)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ref_id', 'integer', (c) => c.notNull())
    .addColumn('group_id', 'integer')
    .addColumn('author_id', 'integer')
    .addColumn('title_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('search_documents_ref', ['kind', 'ref_id'])
    .execute();
  await db.schema
    .createTable('search_texts')
    .addColumn('document_id', 'integer', (c) =>
      c.primaryKey().references('search_documents.id').onDelete('cascade'),
    )
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('title_terms', 'text', (c) => c.notNull())
    .addColumn('body_terms', 'text', (c) => c.notNull())
    .execute();
  for (const [name, columns] of [
    ['search_documents_title_key', ['title_key']],
    ['search_documents_group', ['group_id', 'updated_at']],
    ['search_documents_author', ['author_id', 'updated_at']],
    ['search_documents_created', ['created_at']],
    // Walked newest first for a common word's body matches (../features/
    // search/query.ts).
    ['search_documents_recent', ['updated_at', 'id']],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on('search_documents')
      .columns([...columns])
      .execute();
  }

  // A search asks each match's source row whether the reader may see it:
  // for a common word, tens of thousands of lookups. These indexes hold
  // every column those questions read, so no source row's text is read.
  for (const [name, table, columns] of COVERING) {
    await db.schema
      .createIndex(name)
      .on(table)
      .columns([...columns])
      .execute();
  }

  if (pg) {
    await sql`alter table search_documents
      add column search tsvector not null default '',
      add column title_search tsvector not null default ''`.execute(db);
    await sql`create index search_documents_search
      on search_documents using gin (search)`.execute(db);
    await sql`create index search_documents_title_search
      on search_documents using gin (title_search)`.execute(db);
    return;
  }

  await sql`
    create virtual table search_fts using fts5(
      title_terms, body_terms,
      content='search_texts', content_rowid='document_id',
      tokenize='unicode61 remove_diacritics 0'
    )`.execute(db);
  await sql`
    create trigger search_texts_ai after insert on search_texts
    begin
      insert into search_fts(rowid, title_terms, body_terms)
      values (new.document_id, new.title_terms, new.body_terms);
    end`.execute(db);
  await sql`
    create trigger search_texts_ad after delete on search_texts
    begin
      insert into search_fts(search_fts, rowid, title_terms, body_terms)
      values ('delete', old.document_id, old.title_terms, old.body_terms);
    end`.execute(db);
  await sql`
    create trigger search_texts_au after update on search_texts
    begin
      insert into search_fts(search_fts, rowid, title_terms, body_terms)
      values ('delete', old.document_id, old.title_terms, old.body_terms);
      insert into search_fts(rowid, title_terms, body_terms)
      values (new.document_id, new.title_terms, new.body_terms);
    end`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) {
    await sql`drop table if exists search_fts`.execute(db);
  }
  for (const [name] of COVERING) {
    await db.schema.dropIndex(name).execute();
  }
  await db.schema.dropTable('search_texts').execute();
  await db.schema.dropTable('search_documents').execute();
}
