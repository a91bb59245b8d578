import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// A wiki page's updated_at is its newest revision's time: a space's
// newest changes are looked for only in its pages changed last. The app
// keeps it so (an import puts an older revision in its place without
// touching it); this checks every page once, for rows written some other
// way, such as a restore from another tool.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`update wiki_pages set updated_at = (select max(r.created_at)
      from wiki_revisions as r where r.page_id = wiki_pages.id)
    where updated_at < (select max(r.created_at)
      from wiki_revisions as r where r.page_id = wiki_pages.id)`.execute(db);
}

export async function down(): Promise<void> {
  // Nothing to undo: the times it sets are the revisions' own.
}
