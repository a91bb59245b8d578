import { PostgresAdapter } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

// Blogs: one for each person and each group (made on first use), and
// site blogs that administrators create. A post is a draft, scheduled or
// published; a scheduled post becomes readable at `publish_at`, an
// instant in UTC, without any job having to run: readers' queries
// compare it with the time of asking, so a post publishes exactly once,
// at the instant shown to its author.
//
// `audience` narrows who of the blog's readers may read a post:
// `everyone` (whoever may read the blog), `members` (signed-in staff; in
// a group's blog, the group's members) and `private` (its authors only).

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = pg ? 'timestamptz' : 'text';
  const id = (c: ColumnDefinitionBuilder) =>
    pg
      ? c.primaryKey().generatedByDefaultAsIdentity()
      : c.primaryKey().autoIncrement();
  const person = (c: ColumnDefinitionBuilder) =>
    c.references('people.id').onDelete('set null');
  const post = (c: ColumnDefinitionBuilder) =>
    c.notNull().references('blog_posts.id').onDelete('cascade');

  await db.schema
    .createTable('blogs')
    .addColumn('id', 'integer', id)
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('person_id', 'integer', (c) =>
      c.references('people.id').onDelete('cascade'),
    )
    .addColumn('group_id', 'integer', (c) =>
      c.references('groups.id').onDelete('cascade'),
    )
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('comment_policy', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('blogs_person')
    .on('blogs')
    .column('person_id')
    .unique()
    .execute();
  await db.schema
    .createIndex('blogs_group')
    .on('blogs')
    .column('group_id')
    .unique()
    .execute();

  await db.schema
    .createTable('blog_posts')
    .addColumn('id', 'integer', id)
    .addColumn('blog_id', 'integer', (c) =>
      c.notNull().references('blogs.id').onDelete('cascade'),
    )
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull().defaultTo('everyone'))
    .addColumn('publish_at', time)
    .addColumn('author_id', 'integer', person)
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('comment_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('edited_at', time)
    .addColumn('deleted_at', time)
    .addColumn('import_key', 'text', (c) => c.unique())
    .execute();
  await db.schema
    .createIndex('blog_posts_slug')
    .on('blog_posts')
    .columns(['blog_id', 'slug'])
    .unique()
    .execute();
  // A blog's page and feed: its posts, newest first.
  await db.schema
    .createIndex('blog_posts_blog')
    .on('blog_posts')
    .columns(['blog_id', 'status', 'publish_at', 'id'])
    .execute();
  // The site-wide list and feed.
  await db.schema
    .createIndex('blog_posts_latest')
    .on('blog_posts')
    .columns(['status', 'publish_at', 'id'])
    .execute();
  await db.schema
    .createIndex('blog_posts_author')
    .on('blog_posts')
    .columns(['author_id', 'publish_at'])
    .execute();

  // Every author of a post, the first being `blog_posts.author_id`; a
  // former contributor from an import has a name and no person.
  await db.schema
    .createTable('blog_post_authors')
    .addColumn('post_id', 'integer', post)
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('person_id', 'integer', person)
    .addColumn('name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('blog_post_authors_pk', ['post_id', 'position'])
    .execute();
  await db.schema
    .createIndex('blog_post_authors_person')
    .on('blog_post_authors')
    .columns(['person_id', 'post_id'])
    .execute();

  await db.schema
    .createTable('blog_post_revisions')
    .addColumn('id', 'integer', id)
    .addColumn('post_id', 'integer', post)
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('editor_id', 'integer', person)
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('blog_post_revisions_post')
    .on('blog_post_revisions')
    .columns(['post_id', 'id'])
    .execute();

  // `tag_key` is the tag folded for matching; `tag` keeps its first
  // spelling for display.
  await db.schema
    .createTable('blog_post_tags')
    .addColumn('post_id', 'integer', post)
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('tag_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('blog_post_tags_pk', ['post_id', 'tag_key'])
    .execute();
  await db.schema
    .createIndex('blog_post_tags_tag')
    .on('blog_post_tags')
    .columns(['tag_key', 'post_id'])
    .execute();

  await db.schema
    .createTable('blog_comments')
    .addColumn('id', 'integer', id)
    .addColumn('post_id', 'integer', post)
    .addColumn('parent_id', 'integer', (c) =>
      c.references('blog_comments.id').onDelete('cascade'),
    )
    .addColumn('author_id', 'integer', person)
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('edited_at', time)
    .addColumn('deleted_at', time)
    .addColumn('import_key', 'text', (c) => c.unique())
    .execute();
  await db.schema
    .createIndex('blog_comments_post')
    .on('blog_comments')
    .columns(['post_id', 'status', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('blog_comments_pending')
    .on('blog_comments')
    .columns(['status', 'created_at'])
    .execute();

  // Attachments a WordPress export listed: kept as their original
  // addresses until files arrive (issue 9).
  await db.schema
    .createTable('blog_attachments')
    .addColumn('id', 'integer', id)
    .addColumn('blog_id', 'integer', (c) =>
      c.notNull().references('blogs.id').onDelete('cascade'),
    )
    .addColumn('post_id', 'integer', (c) =>
      c.references('blog_posts.id').onDelete('set null'),
    )
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('original_url', 'text', (c) => c.notNull())
    .addColumn('import_key', 'text', (c) => c.unique())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('blog_attachments_blog')
    .on('blog_attachments')
    .columns(['blog_id', 'id'])
    .execute();

  // A personal feed address: the token is shown once, stored as its
  // SHA-256, and revoked by its owner (BUG-02).
  await db.schema
    .createTable('feed_tokens')
    .addColumn('id', 'integer', id)
    .addColumn('person_id', 'integer', (c) =>
      c.notNull().references('people.id').onDelete('cascade'),
    )
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('last_used_at', time)
    .addColumn('revoked_at', time)
    .execute();
  await db.schema
    .createIndex('feed_tokens_person')
    .on('feed_tokens')
    .columns(['person_id', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'feed_tokens',
    'blog_attachments',
    'blog_comments',
    'blog_post_tags',
    'blog_post_revisions',
    'blog_post_authors',
    'blog_posts',
    'blogs',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
