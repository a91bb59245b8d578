import type { Kysely } from 'kysely';

// "People like you" takes the first holders of a tag in the order they
// were tagged, and stops at a limit. SQLite's index on (kind, label_key)
// already ends in the row id; PostgreSQL's does not, so it fetched all
// 1,700 holders of a popular interest and sorted them, 34 ms a tag on the
// home page at organisation scale. This index holds that order on both,
// and serves everything the old one did.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('person_tags_label_in_order')
    .on('person_tags')
    .columns(['kind', 'label_key', 'id'])
    .execute();
  await db.schema.dropIndex('person_tags_label').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('person_tags_label')
    .on('person_tags')
    .columns(['kind', 'label_key'])
    .execute();
  await db.schema.dropIndex('person_tags_label_in_order').execute();
}
