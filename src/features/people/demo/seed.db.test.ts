import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { verifyPassword } from '../../auth/passwords.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { findAccountByEmail } from '../accounts.ts';
import { findDepartmentBySlug } from '../departments.ts';
import { reindexPerson, reindexPost } from '../directory-index.ts';
import { getPersonProfile } from '../people.ts';
import { departmentTreeShape } from '../posts.ts';
import { searchDirectory } from '../search.ts';
import type { DirectoryHit } from '../search.ts';
import { DEMO_ADMIN_EMAIL } from './generate.ts';
import { seedDemo } from './seed.ts';
import type { SeedResult } from './seed.ts';

const PASSWORD = 'a demo password for tests';
const allOnOnePage = { page: 1, pageSize: 100, offset: 0 };

function names(hits: DirectoryHit[]): string[] {
  return hits
    .map((hit) => (hit.type === 'person' ? hit.person.name : hit.post.jobTitle))
    .sort();
}

await describeEachDatabase('seeding the demo organisation', (database) => {
  let seeded: SeedResult;

  before(async () => {
    seeded = await seedDemo(database().db, {
      people: 300,
      password: PASSWORD,
      now: '2026-12-04T09:00:00.000Z',
    });
  });

  it('reports what it added', () => {
    assert.deepEqual(seeded, {
      password: PASSWORD,
      people: 301,
      departments: 12,
      agencies: 3,
      posts: 311,
    });
  });

  it('writes every body, unit, person, post and holder', async () => {
    const { db } = database();
    const total = async (
      table: 'departments' | 'units' | 'people' | 'posts' | 'post_holders',
    ) =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    assert.equal(await total('departments'), 15);
    // At 300 people every body has one deputy director, so one unit.
    assert.equal(await total('units'), 15);
    assert.equal(await total('people'), 301);
    assert.equal(await total('posts'), 311);
    assert.equal(await total('post_holders'), 301);
    const agencies = await db
      .selectFrom('departments as a')
      .innerJoin('departments as d', 'd.id', 'a.parent_id')
      .select(['a.name as agency', 'd.name as department'])
      .orderBy('a.name')
      .execute();
    assert.deepEqual(agencies, [
      {
        agency: 'Canal and Lock Inspectorate',
        department: 'Ministry of Inland Waterways',
      },
      {
        agency: 'Rural Transport Grants Agency',
        department: 'Department for Rural Connectivity',
      },
      {
        agency: 'Shoreline Survey Agency',
        department: 'Department for Coastal Resilience',
      },
    ]);
  });

  it('links each post but the 15 at the top to a post in its own body', async () => {
    const { db } = database();
    const tops = await db
      .selectFrom('posts')
      .select('id')
      .where('reports_to_post_id', 'is', null)
      .execute();
    const elsewhere = await db
      .selectFrom('posts as p')
      .innerJoin('posts as m', 'm.id', 'p.reports_to_post_id')
      .select('p.id')
      .whereRef('m.department_id', '!=', 'p.department_id')
      .execute();
    const vacant = await db
      .selectFrom('posts as p')
      .leftJoin('post_holders as h', 'h.post_id', 'p.id')
      .select(['p.holder_kind', 'h.person_id'])
      .where('p.holder_kind', '=', 'vacant')
      .execute();

    assert.equal(tops.length, 15);
    assert.deepEqual(elsewhere, []);
    assert.equal(vacant.length, 10);
    assert.ok(vacant.every((row) => row.person_id === null));
  });

  it('indexes exactly the rows reindexPerson and reindexPost would', async () => {
    const { db } = database();
    const snapshot = () =>
      db.selectFrom('directory_entries').selectAll().orderBy('id').execute();
    const seededRows = await snapshot();

    const people = await db.selectFrom('people').select('id').execute();
    const posts = await db.selectFrom('posts').select('id').execute();
    for (const { id } of people) {
      await reindexPerson(db, id);
    }
    for (const { id } of posts) {
      await reindexPost(db, id);
    }

    assert.equal(seededRows.length, 311);
    assert.deepEqual(await snapshot(), seededRows);
  });

  it('finds a person by a skill and by their job title', async () => {
    const { db } = database();

    const bySkill = await searchDirectory(
      db,
      { text: 'hydrology' },
      allOnOnePage,
    );
    const byTitle = await searchDirectory(
      db,
      { text: 'principal scientist' },
      allOnOnePage,
    );

    assert.deepEqual(names(bySkill.items), [
      'Amelia Roberts',
      'Ella Johnson',
      'Matthew Quinn',
      'Tanisha Mwangi',
    ]);
    assert.deepEqual(names(byTitle.items), ['Amit Singh', 'Matthew Quinn']);
  });

  it('gives a person a manager, skills and a place in a deep tree', async () => {
    const { db } = database();
    const found = await searchDirectory(
      db,
      { text: 'matthew quinn' },
      allOnOnePage,
    );
    const hit = found.items[0];
    assert.equal(hit?.type, 'person');
    const profile = await getPersonProfile(
      db,
      hit.type === 'person' ? hit.person.id : 0,
    );
    const department = await findDepartmentBySlug(
      db,
      'department-for-community-wellbeing',
    );
    const shape = await departmentTreeShape(db, department?.id ?? 0);

    assert.equal(profile?.jobTitle, 'Principal Scientist');
    assert.equal(
      profile?.department?.name,
      'Department for Community Wellbeing',
    );
    assert.ok(profile?.skills.includes('Hydrology'));
    assert.deepEqual(
      profile?.managers.map((post) => [
        post.jobTitle,
        post.holders.map((holder) => holder.name),
      ]),
      [['Head of Policy', ['Alan Hamilton']]],
    );
    assert.equal(shape.rootIds.length, 1);
    assert.equal(shape.depth, 10);
  });

  it('lets the administrator sign in with the demo password', async () => {
    const { db } = database();

    const admin = await findAccountByEmail(db, DEMO_ADMIN_EMAIL);

    assert.equal(admin?.role, 'admin');
    assert.equal(admin?.active, true);
    assert.equal(
      await verifyPassword(admin?.passwordHash ?? null, PASSWORD),
      true,
    );
    assert.equal(
      await verifyPassword(admin?.passwordHash ?? null, 'wrong'),
      false,
    );
  });
});
