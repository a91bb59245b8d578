import { PostgresAdapter, sql } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

// The wiki: spaces (the site's and one per group), pages with their full
// history, the links between pages, tags and watches. Who may read a
// space follows its group at the moment of reading; nothing about access
// is copied here. Pages are found by a lower-cased title key; a page tree
// walks (space, parent key, title key), and recent changes walk time.

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = pg ? 'timestamptz' : 'text';
  const id = (c: ColumnDefinitionBuilder) =>
    pg
      ? c.primaryKey().generatedByDefaultAsIdentity()
      : c.primaryKey().autoIncrement();
  const page = (c: ColumnDefinitionBuilder) =>
    c.notNull().references('wiki_pages.id').onDelete('cascade');
  const space = (c: ColumnDefinitionBuilder) =>
    c.notNull().references('wiki_spaces.id').onDelete('cascade');

  await db.schema
    .createTable('wiki_spaces')
    .addColumn('id', 'integer', id)
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('group_id', 'integer', (c) =>
      c.unique().references('groups.id').onDelete('cascade'),
    )
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('wiki_pages')
    .addColumn('id', 'integer', id)
    .addColumn('space_id', 'integer', space)
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('title_key', 'text', (c) => c.notNull())
    .addColumn('parent_key', 'text', (c) => c.notNull())
    .addColumn('current_revision_id', 'integer')
    .addColumn('redirect_to_key', 'text')
    .addColumn('deleted_at', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addUniqueConstraint('wiki_pages_title', ['space_id', 'title_key'])
    .execute();
  await db.schema
    .createIndex('wiki_pages_tree')
    .on('wiki_pages')
    .columns(['space_id', 'parent_key', 'title_key'])
    .execute();
  await db.schema
    .createIndex('wiki_pages_updated')
    .on('wiki_pages')
    .columns(['space_id', 'updated_at'])
    .execute();

  await db.schema
    .createTable('wiki_revisions')
    .addColumn('id', 'integer', id)
    .addColumn('page_id', 'integer', page)
    .addColumn('parent_id', 'integer')
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('author_id', 'integer', (c) =>
      c.references('people.id').onDelete('set null'),
    )
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('size_delta', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('minor', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('import_key', 'text', (c) => c.unique())
    .execute();
  await db.schema
    .createIndex('wiki_revisions_page')
    .on('wiki_revisions')
    .columns(['page_id', 'number'])
    .unique()
    .execute();
  await db.schema
    .createIndex('wiki_revisions_created')
    .on('wiki_revisions')
    .column('created_at')
    .execute();
  await db.schema
    .createIndex('wiki_revisions_author')
    .on('wiki_revisions')
    .column('author_id')
    .execute();

  await db.schema
    .createTable('wiki_links')
    .addColumn('from_page_id', 'integer', page)
    .addColumn('to_space_id', 'integer', space)
    .addColumn('to_title_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('wiki_links_pk', [
      'from_page_id',
      'to_space_id',
      'to_title_key',
    ])
    .execute();
  await db.schema
    .createIndex('wiki_links_target')
    .on('wiki_links')
    .columns(['to_space_id', 'to_title_key'])
    .execute();

  await db.schema
    .createTable('wiki_page_tags')
    .addColumn('page_id', 'integer', page)
    .addColumn('tag_key', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('wiki_page_tags_pk', ['page_id', 'tag_key'])
    .execute();
  await db.schema
    .createIndex('wiki_page_tags_tag')
    .on('wiki_page_tags')
    .columns(['tag_key', 'page_id'])
    .execute();

  await db.schema
    .createTable('wiki_watches')
    .addColumn('person_id', 'integer', (c) =>
      c.notNull().references('people.id').onDelete('cascade'),
    )
    .addColumn('space_id', 'integer', space)
    .addColumn('page_id', 'integer', (c) =>
      c.references('wiki_pages.id').onDelete('cascade'),
    )
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  // A watch on a space has no page; a null is never equal to another in a
  // unique index, so each kind of watch gets an index of its own.
  await db.schema
    .createIndex('wiki_watches_page')
    .on('wiki_watches')
    .columns(['person_id', 'page_id'])
    .unique()
    .where(sql.ref('page_id'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('wiki_watches_space')
    .on('wiki_watches')
    .columns(['person_id', 'space_id'])
    .unique()
    .where(sql.ref('page_id'), 'is', null)
    .execute();
  await db.schema
    .createIndex('wiki_watches_watched')
    .on('wiki_watches')
    .columns(['space_id', 'page_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('wiki_watches').execute();
  await db.schema.dropTable('wiki_page_tags').execute();
  await db.schema.dropTable('wiki_links').execute();
  await db.schema.dropTable('wiki_revisions').execute();
  await db.schema.dropTable('wiki_pages').execute();
  await db.schema.dropTable('wiki_spaces').execute();
}
