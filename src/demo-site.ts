import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import { seedDemoBlogs } from './features/blogs/demo.ts';
import { seedDemoGroups } from './features/groups/demo.ts';
import { seedDemo } from './features/people/demo/seed.ts';
import { seedDemoTalk } from './features/talk/demo.ts';
import { seedDemoWiki } from './features/wiki/demo.ts';
import type { SeedOptions, SeedResult } from './features/people/demo/seed.ts';

export interface DemoSiteResult extends SeedResult {
  groups: number;
}

/**
 * The whole demo site in one transaction: the organisation's people, then
 * what each feature makes for them. A failure leaves the database empty,
 * so the next start tries again.
 */
export async function seedDemoSite(
  db: Kysely<Database>,
  options: SeedOptions = {},
): Promise<DemoSiteResult> {
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
    const admin = authors.find((person) => person.role === 'admin');
    if (admin) {
      await seedDemoWiki(
        trx,
        {
          kind: 'person',
          id: admin.id,
          role: 'admin',
          displayName: admin.name,
          via: 'session',
        },
        options.now,
      );
    }
    await seedDemoTalk(trx, authors, options.now);
    await seedDemoBlogs(trx, authors, options.now);
    return { ...people, groups: groups.groups };
  });
}
