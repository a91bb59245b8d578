import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import { seedDemoGroups } from './features/groups/demo.ts';
import { seedDemo } from './features/people/demo/seed.ts';
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
    return { ...people, groups: groups.groups };
  });
}
