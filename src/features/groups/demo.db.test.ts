import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import { seedDemoSite } from '../../demo-site.ts';
import type { DemoSiteResult } from '../../demo-site.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';

await describeEachDatabase('the demo groups', (database) => {
  let seeded: DemoSiteResult;

  before(async () => {
    seeded = await seedDemoSite(database().db, {
      people: 300,
      password: 'a demo password for tests',
      now: '2026-12-04T09:00:00.000Z',
    });
  });

  it('has a group of everyone, one per department or agency, and the communities', async () => {
    const { db } = database();
    const rows = await db
      .selectFrom('groups')
      .select(['visibility', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('visibility')
      .orderBy('visibility')
      .execute();

    const bodies = seeded.departments + seeded.agencies;
    assert.equal(seeded.groups, 1 + bodies + 10);
    assert.deepEqual(
      rows.map((row) => [row.visibility, Number(row.n)]),
      [
        ['closed', bodies + 2],
        ['open', 7],
        ['secret', 2],
      ],
    );
    const all = await db
      .selectFrom('groups')
      .select('member_count')
      .where('slug', '=', 'all-staff')
      .executeTakeFirstOrThrow();
    assert.equal(Number(all.member_count), seeded.people);
  });

  it('keeps each member count equal to its members, with one owner each', async () => {
    const { db } = database();
    const wrong = await sql<{ slug: string }>`
      select g.slug from groups g
      where g.member_count != (select count(*) from group_members m
        where m.group_id = g.id)
      or (select count(*) from group_members m
        where m.group_id = g.id and m.role = 'owner') != 1`.execute(db);

    assert.deepEqual(wrong.rows, []);
  });
});
