import type { Kysely } from 'kysely';

// An opening post's edit may change its thread's title too; a revision
// keeps the title as it was before that edit, and null when the edit
// left the title alone (or the post is a reply, which has none).

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('talk_post_revisions')
    .addColumn('title', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('talk_post_revisions')
    .dropColumn('title')
    .execute();
}
