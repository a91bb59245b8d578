import type { Kysely } from 'kysely';
import type { PersonActor } from './access/actor.ts';
import type { Database } from './database.ts';
import { seedDemoBlogs } from './features/blogs/demo.ts';
import { seedDemoFiles } from './features/files/demo.ts';
import { seedDemoGroups } from './features/groups/demo.ts';
import { seedDemo } from './features/people/demo/seed.ts';
import { seedDemoTalk } from './features/talk/demo.ts';
import { seedDemoWiki } from './features/wiki/demo.ts';
import type { SeedOptions, SeedResult } from './features/people/demo/seed.ts';
import type { BlobStore } from './platform/storage/blob-store.ts';

export interface DemoSiteResult extends SeedResult {
  groups: number;
}

/**
 * The whole demo site in one transaction: the organisation's people, then
 * what each feature makes for them. A failure leaves the database empty,
 * so the next start tries again. With a blob store, a few files follow
 * once the transaction is done: the store writes through its own handle.
 */
export async function seedDemoSite(
  db: Kysely<Database>,
  options: SeedOptions = {},
  store?: BlobStore,
): Promise<DemoSiteResult> {
  const seeded = await seedDemoContent(db, options);
  if (store && seeded.admin) {
    await seedDemoFiles(db, store, seeded.admin);
  }
  return seeded.result;
}

async function seedDemoContent(
  db: Kysely<Database>,
  options: SeedOptions,
): Promise<{ result: DemoSiteResult; admin: PersonActor | null }> {
  return db.transaction().execute(async (trx) => {
    const people = await seedDemo(trx, options);
    const groups = await seedDemoGroups(trx, options.now);
    // The administrator and two staff, in the order the demo made them.
    const authors = await trx
      .selectFrom('people')
      .select(['id', 'display_name as name', 'role'])
      .where('status', '=', 'active')
      .orderBy('role')
      .orderBy('id')
      .limit(3)
      .execute();
    const found = authors.find((person) => person.role === 'admin');
    const admin: PersonActor | null = found
      ? {
          kind: 'person',
          id: found.id,
          role: 'admin',
          displayName: found.name,
          via: 'session',
        }
      : null;
    if (admin) {
      await seedDemoWiki(trx, admin, options.now);
    }
    await seedDemoTalk(trx, authors, options.now);
    await seedDemoBlogs(trx, authors, options.now);
    return { result: { ...people, groups: groups.groups }, admin };
  });
}
