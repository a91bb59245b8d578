import { PostgresAdapter } from 'kysely';
import type { Kysely } from 'kysely';

// People like you: the people someone has dismissed from their home page
// stay dismissed, once each. The expertise finder counts the wiki pages
// each person revised among the pages that match a topic; an index of
// (page, author) lets it count from the index alone.

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = pg ? 'timestamptz' : 'text';
  const person = 'people.id';

  await db.schema
    .createTable('people_like_you_dismissals')
    .addColumn('person_id', 'integer', (c) =>
      c.notNull().references(person).onDelete('cascade'),
    )
    .addColumn('dismissed_person_id', 'integer', (c) =>
      c.notNull().references(person).onDelete('cascade'),
    )
    .addColumn('created_at', time, (c) => c.notNull())
    .addUniqueConstraint('people_like_you_dismissals_once', [
      'person_id',
      'dismissed_person_id',
    ])
    .execute();

  await db.schema
    .createIndex('wiki_revisions_page_author')
    .on('wiki_revisions')
    .columns(['page_id', 'author_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('wiki_revisions_page_author').execute();
  await db.schema.dropTable('people_like_you_dismissals').execute();
}
