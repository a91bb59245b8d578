import { PostgresAdapter, sql } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

// Files (issue 9). Bytes are stored once per SHA-256 (`file_blobs`),
// either on disk under the data folder or, when several app processes
// share one database, as chunks in `file_blob_chunks`. A file lives in
// exactly one container: a group's files, a person's own files, or one
// item it is attached to (a wiki page, a Talk post, a blog post); who may
// read it follows that container (src/access/files.ts). Every upload of
// the same name in the same folder is a new version of the same file.
// Sizes are bigint on PostgreSQL (read back as numbers) so quotas past
// 2 GiB add up.

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = pg ? 'timestamptz' : 'text';
  const bytes = pg ? 'bytea' : 'blob';
  const big = pg ? 'bigint' : 'integer';
  const id = (c: ColumnDefinitionBuilder) =>
    pg
      ? c.primaryKey().generatedByDefaultAsIdentity()
      : c.primaryKey().autoIncrement();

  await db.schema
    .createTable('file_blobs')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('size', big, (c) => c.notNull())
    /** The type read from the bytes, never from a name or a browser. */
    .addColumn('mime', 'text', (c) => c.notNull())
    /** `disk` or `database`: where the bytes are. */
    .addColumn('stored_in', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('file_blob_chunks')
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', bytes, (c) => c.notNull())
    .addPrimaryKeyConstraint('file_blob_chunks_pk', ['sha256', 'seq'])
    .execute();

  await db.schema
    .createTable('file_folders')
    .addColumn('id', 'integer', id)
    .addColumn('group_id', 'integer', (c) =>
      c.references('groups.id').onDelete('cascade'),
    )
    .addColumn('person_id', 'integer', (c) =>
      c.references('people.id').onDelete('cascade'),
    )
    .addColumn('parent_id', 'integer', (c) =>
      c.references('file_folders.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    /** The name folded (NFC, lower case) for "already exists" checks. */
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('people.id'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('deleted_at', time)
    .addColumn('deleted_by', 'integer', (c) => c.references('people.id'))
    .execute();

  await db.schema
    .createTable('files')
    .addColumn('id', 'integer', id)
    // The container: exactly one of a group, a person's own files, or
    // the item it is attached to (attached_kind + attached_id).
    .addColumn('group_id', 'integer', (c) =>
      c.references('groups.id').onDelete('cascade'),
    )
    .addColumn('person_id', 'integer', (c) =>
      c.references('people.id').onDelete('cascade'),
    )
    /** `wiki_page`, `talk_post` or `blog_post`. */
    .addColumn('attached_kind', 'text')
    .addColumn('attached_id', 'integer')
    .addColumn('folder_id', 'integer', (c) =>
      c.references('file_folders.id').onDelete('set null'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    /** For images: what a reader who cannot see it is told. */
    .addColumn('alt_text', 'text')
    .addColumn('current_version_id', 'integer')
    .addColumn('version_count', 'integer', (c) => c.notNull().defaultTo(0))
    /** The current version's size and type, for lists. */
    .addColumn('size', big, (c) => c.notNull().defaultTo(0))
    .addColumn('mime', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'integer', (c) => c.references('people.id'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('deleted_at', time)
    .addColumn('deleted_by', 'integer', (c) => c.references('people.id'))
    .execute();

  await db.schema
    .createTable('file_versions')
    .addColumn('id', 'integer', id)
    .addColumn('file_id', 'integer', (c) =>
      c.notNull().references('files.id').onDelete('cascade'),
    )
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) =>
      c.notNull().references('file_blobs.sha256'),
    )
    .addColumn('size', big, (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    /** The name as uploaded, cleaned; shown, never used as a path. */
    .addColumn('original_name', 'text', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('uploaded_by', 'integer', (c) => c.references('people.id'))
    .addColumn('created_at', time, (c) => c.notNull())
    /** Text extraction: `pending`, `done`, `none` (nothing to read), `failed`. */
    .addColumn('text_status', 'text', (c) => c.notNull().defaultTo('pending'))
    /** A small PNG of an image or a PDF's first page, once made. */
    .addColumn('thumbnail_sha256', 'text', (c) =>
      c.references('file_blobs.sha256'),
    )
    /** An image re-encoded, the only form of it served inline. */
    .addColumn('display_sha256', 'text', (c) =>
      c.references('file_blobs.sha256'),
    )
    .addUniqueConstraint('file_versions_number', ['file_id', 'number'])
    .execute();

  await db.schema
    .createTable('file_texts')
    .addColumn('version_id', 'integer', (c) =>
      c.primaryKey().references('file_versions.id').onDelete('cascade'),
    )
    .addColumn('text', 'text', (c) => c.notNull())
    .execute();

  /** Bytes held by each group's or person's files, all versions counted. */
  await db.schema
    .createTable('file_usage')
    .addColumn('group_id', 'integer', (c) =>
      c.references('groups.id').onDelete('cascade').unique(),
    )
    .addColumn('person_id', 'integer', (c) =>
      c.references('people.id').onDelete('cascade').unique(),
    )
    .addColumn('bytes', big, (c) => c.notNull().defaultTo(0))
    .execute();

  // One live file of a name in a folder; deleted ones keep their name
  // free. COALESCE makes the top level (no folder) one folder too.
  for (const owner of ['group_id', 'person_id'] as const) {
    await sql`create unique index ${sql.raw(`files_live_name_${owner}`)}
      on files (${sql.raw(owner)}, coalesce(folder_id, 0), name_key)
      where deleted_at is null and ${sql.raw(owner)} is not null`.execute(db);
    await sql`create unique index ${sql.raw(`file_folders_live_${owner}`)}
      on file_folders (${sql.raw(owner)}, coalesce(parent_id, 0), name_key)
      where deleted_at is null and ${sql.raw(owner)} is not null`.execute(db);
    await db.schema
      .createIndex(`files_list_${owner}`)
      .on('files')
      .columns([owner, 'folder_id', 'deleted_at', 'name_key'])
      .execute();
  }
  await db.schema
    .createIndex('files_attached')
    .on('files')
    .columns(['attached_kind', 'attached_id'])
    .execute();
  await db.schema
    .createIndex('files_updated')
    .on('files')
    .columns(['updated_at', 'id'])
    .execute();
  await db.schema
    .createIndex('file_folders_parent')
    .on('file_folders')
    .column('parent_id')
    .execute();
  await db.schema
    .createIndex('file_versions_sha256')
    .on('file_versions')
    .column('sha256')
    .execute();
  await db.schema
    .createIndex('file_versions_text_status')
    .on('file_versions')
    .columns(['text_status', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'file_usage',
    'file_texts',
    'file_versions',
    'files',
    'file_folders',
    'file_blob_chunks',
    'file_blobs',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
