import { PostgresAdapter, sql } from 'kysely';
import type { Kysely } from 'kysely';

// SQLite only: a full-text index of titles alone. Search ranks a match in
// the title above one in the body, and asked it of the one index as a
// column filter (`title_terms : word`), which reads the word's whole list
// of documents, titles and bodies, to keep the few with it in the title:
// 2.5 ms for a word in a third of the site, paid by each of a search's
// three statements. PostgreSQL has had its own title vector and index
// from the start (2026-12-04T1600).
//
// Like search_fts, it reads its text from search_texts and is kept in
// step by triggers; an update that leaves the title alone leaves it be.

export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    return;
  }
  await sql`
    create virtual table search_title_fts using fts5(
      title_terms,
      content='search_texts', content_rowid='document_id',
      tokenize='unicode61 remove_diacritics 0'
    )`.execute(db);
  await sql`
    insert into search_title_fts(search_title_fts) values ('rebuild')
  `.execute(db);
  await sql`
    create trigger search_texts_title_ai after insert on search_texts
    begin
      insert into search_title_fts(rowid, title_terms)
      values (new.document_id, new.title_terms);
    end`.execute(db);
  await sql`
    create trigger search_texts_title_ad after delete on search_texts
    begin
      insert into search_title_fts(search_title_fts, rowid, title_terms)
      values ('delete', old.document_id, old.title_terms);
    end`.execute(db);
  await sql`
    create trigger search_texts_title_au
    after update of title_terms on search_texts
    begin
      insert into search_title_fts(search_title_fts, rowid, title_terms)
      values ('delete', old.document_id, old.title_terms);
      insert into search_title_fts(rowid, title_terms)
      values (new.document_id, new.title_terms);
    end`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    return;
  }
  for (const name of ['ai', 'ad', 'au']) {
    await sql`drop trigger search_texts_title_${sql.raw(name)}`.execute(db);
  }
  await sql`drop table search_title_fts`.execute(db);
}
