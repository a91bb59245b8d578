import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Db } from '../../database.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import {
  buildDepartment,
  buildPerson,
  buildUnit,
  nextNumber,
} from '../../test-support/factories.ts';
import {
  reindexPeople,
  reindexPerson,
  reindexPost,
  reindexPosts,
} from './directory-index.ts';
import type { HolderKind, RecordStatus } from './tables.ts';

const NOW = '2026-12-04T09:00:00.000Z';

async function addPost(
  db: Db,
  departmentId: number,
  fields: {
    jobTitle: string;
    holderKind: HolderKind;
    unitId?: number;
    status?: RecordStatus;
  },
): Promise<number> {
  const row = await db
    .insertInto('posts')
    .values({
      department_id: departmentId,
      reference: `P${nextNumber()}`,
      unit_id: fields.unitId ?? null,
      job_title: fields.jobTitle,
      grade: 'G7',
      holder_kind: fields.holderKind,
      status: fields.status ?? 'active',
      created_at: NOW,
      updated_at: NOW,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A small directory with every case the index treats differently. */
async function buildDirectory(db: Db) {
  const department = await buildDepartment(db);
  const unit = await buildUnit(db, department.id, 'Tidal Records');
  const other = await buildUnit(db, department.id, 'Harbour Grants');
  const twoPosts = await buildPerson(db, {
    displayName: 'Zoë Ó Briain',
    jobTitle: 'Records Officer',
    departmentId: department.id,
    unitId: unit.id,
    location: 'Cardiff',
    tags: {
      skill: ['Archiving', 'Welsh language'],
      interest: ['Wild swimming'],
      project: ['Records Digitisation'],
    },
  });
  const leaver = await buildPerson(db, { displayName: 'Lee Leaver' });
  const plain = await buildPerson(db, { displayName: 'Pat Plain' });
  const posts = [
    await addPost(db, department.id, {
      jobTitle: 'Records Officer',
      holderKind: 'named',
      unitId: unit.id,
    }),
    await addPost(db, department.id, {
      jobTitle: 'Grants Caseworker',
      holderKind: 'named',
      unitId: other.id,
    }),
    await addPost(db, department.id, {
      jobTitle: 'Old Title',
      holderKind: 'named',
      status: 'ended',
    }),
    await addPost(db, department.id, {
      jobTitle: 'Tide Analyst',
      holderKind: 'vacant',
      unitId: unit.id,
    }),
    await addPost(db, department.id, {
      jobTitle: 'Harbour Adviser',
      holderKind: 'undisclosed',
    }),
    await addPost(db, department.id, {
      jobTitle: 'Gone Post',
      holderKind: 'eliminated',
    }),
    await addPost(db, department.id, {
      jobTitle: 'Closed Vacancy',
      holderKind: 'vacant',
      status: 'ended',
    }),
  ];
  await db
    .insertInto('post_holders')
    .values([
      { post_id: posts[0] as number, person_id: twoPosts },
      { post_id: posts[1] as number, person_id: twoPosts },
      { post_id: posts[2] as number, person_id: twoPosts },
      { post_id: posts[1] as number, person_id: leaver },
    ])
    .execute();
  await db
    .updateTable('people')
    .set({ status: 'deactivated' })
    .where('id', '=', leaver)
    .execute();
  return { people: [twoPosts, leaver, plain], posts };
}

function entriesOf(db: Db, people: number[], posts: number[]) {
  return db
    .selectFrom('directory_entries')
    .selectAll()
    .where((eb) =>
      eb.or([eb('person_id', 'in', people), eb('post_id', 'in', posts)]),
    )
    .orderBy('id')
    .execute();
}

await describeEachDatabase('the directory index in bulk', (database) => {
  it('writes the same rows for many people and posts as one at a time', async () => {
    const { db } = database();
    const { people, posts } = await buildDirectory(db);
    for (const id of people) {
      await reindexPerson(db, id);
    }
    for (const id of posts) {
      await reindexPost(db, id);
    }
    const oneAtATime = await entriesOf(db, people, posts);
    await db
      .deleteFrom('directory_entries')
      .where((eb) =>
        eb.or([eb('person_id', 'in', people), eb('post_id', 'in', posts)]),
      )
      .execute();

    await reindexPeople(db, people);
    await reindexPosts(db, posts);

    const withoutIds = (rows: typeof oneAtATime) =>
      rows.map(({ id: _id, ...row }) => row);
    assert.deepEqual(
      withoutIds(await entriesOf(db, people, posts)),
      withoutIds(oneAtATime),
    );
    assert.deepEqual(
      oneAtATime.map((row) => [row.name, row.job_title, row.unit_name]),
      [
        [
          'zoe o briain',
          'records officer grants caseworker',
          'tidal records harbour grants',
        ],
        ['pat plain', '', ''],
        ['', 'tide analyst', 'tidal records'],
        ['', 'harbour adviser', ''],
      ],
    );
    assert.equal(oneAtATime[0]?.tags, 'archiving welsh language wild swimming');
  });

  it('updates stale rows in place and drops rows no longer listed', async () => {
    const { db } = database();
    const { people, posts } = await buildDirectory(db);
    await reindexPeople(db, people);
    await reindexPosts(db, posts);
    const fresh = await entriesOf(db, people, posts);
    await db
      .updateTable('directory_entries')
      .set({ name: 'stale', job_title: 'stale', tags: 'stale' })
      .where(
        'id',
        'in',
        fresh.map((row) => row.id),
      )
      .execute();
    await db
      .updateTable('people')
      .set({ status: 'deactivated' })
      .where('id', '=', people[2] as number)
      .execute();

    await reindexPeople(db, people);
    await reindexPosts(db, posts);

    assert.deepEqual(
      await entriesOf(db, people, posts),
      fresh.filter((row) => row.person_id !== people[2]),
    );
  });
});
