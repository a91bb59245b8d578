import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import {
  buildDepartment,
  buildPerson,
  nextNumber,
} from '../../test-support/factories.ts';
import { recountMembers } from '../groups/groups.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';
import { dismissPersonLikeYou, peopleLikeYou } from './people-like-you.ts';

// People like you on both databases: shared projects, interests and
// groups, leaning to other departments, and dismissals that last.

function staff(id: number): PersonActor {
  return {
    kind: 'person',
    id,
    role: 'member',
    displayName: 'V',
    via: 'session',
  };
}

await describeEachDatabase('people like you', (database) => {
  let db: Db;
  let viewer: number;
  let outsider: number;
  const ids: Record<string, number> = {};

  async function suggested(id: number) {
    const people = await peopleLikeYou(db, staff(id));
    return people.map((p) => [p.person.name, p.reasons]);
  }

  before(async () => {
    db = database().db;
    const health = (await buildDepartment(db, `Health ${nextNumber()}`)).id;
    const transport = (await buildDepartment(db, `Roads ${nextNumber()}`)).id;
    const person = (name: string, departmentId: number, extra = {}) =>
      buildPerson(db, { displayName: name, departmentId, ...extra });
    viewer = await person('Vic Viewer', health, {
      tags: {
        interest: ['Open data', 'Gardening'],
        project: ['Data platform'],
      },
    });
    outsider = await person('Oli Outsider', health);
    ids.amy = await person('Amy Alike', transport, {
      tags: { interest: ['open data'], project: ['data platform'] },
    });
    ids.ben = await person('Ben Neighbour', health, {
      tags: { interest: ['open data', 'gardening'] },
    });
    ids.cai = await person('Cai Colleague', transport);
    ids.dee = await person('Dee Discreet', transport);
    ids.fay = await person('Fay Fellow', health);
    ids.gil = await person('Gil Guest', transport, {
      role: 'guest',
      tags: { interest: ['open data'] },
    });
    ids.lee = await person('Lee Leaver', transport, {
      tags: { project: ['data platform'] },
    });
    await db
      .updateTable('people')
      .set({ status: 'deactivated', deactivated_at: '2026-12-01T00:00:00Z' })
      .where('id', '=', ids.lee)
      .execute();

    const agile = await buildGroup(db, viewer, { name: 'Agile delivery' });
    const shadow = await buildGroup(db, ids.dee, {
      name: 'Shadow',
      visibility: 'secret',
    });
    const closed = await buildGroup(db, ids.fay, {
      name: 'Closed club',
      visibility: 'closed',
    });
    const apart = await buildGroup(db, outsider, { name: 'Apart' });
    await addGroupMember(db, agile, ids.cai ?? 0);
    await addGroupMember(db, agile, ids.gil ?? 0);
    await addGroupMember(db, shadow, viewer);
    await addGroupMember(db, closed, viewer);
    await addGroupMember(db, apart, ids.dee ?? 0);
  });

  it('ranks shared projects, interests and groups, other departments first', async () => {
    assert.deepEqual(await suggested(viewer), [
      [
        'Amy Alike',
        ['Also working on Data platform', 'Also interested in Open data'],
      ],
      [
        'Ben Neighbour',
        // Fewer people share Gardening: the rarer interest comes first.
        ['Also interested in Gardening', 'Also interested in Open data'],
      ],
      ['Cai Colleague', ['Both in the group Agile delivery']],
      ['Dee Discreet', ['Both in the group Shadow']],
      ['Fay Fellow', ['Both in the group Closed club']],
    ]);
  });

  it('leans to other departments when their people are nearly as alike', async () => {
    const home = (await buildDepartment(db, `Home ${nextNumber()}`)).id;
    const away = (await buildDepartment(db, `Away ${nextNumber()}`)).id;
    const far = (await buildDepartment(db, `Far ${nextNumber()}`)).id;
    const both = { project: ['Census'], interest: ['Wellbeing'] };
    const me = await buildPerson(db, {
      displayName: 'Mo Me',
      departmentId: home,
      tags: both,
    });
    for (const name of ['Hal', 'Hana', 'Hugo', 'Hume', 'Hyde']) {
      await buildPerson(db, {
        displayName: `${name} Home`,
        departmentId: home,
        tags: both,
      });
    }
    // 3 + 2 from another department is 5, as alike as a colleague's 5;
    // 2 + 2 is 4, within a point of it.
    await buildPerson(db, {
      displayName: 'Zed Away',
      departmentId: away,
      tags: { project: ['Census'] },
    });
    await buildPerson(db, {
      displayName: 'Yan Far',
      departmentId: far,
      tags: { interest: ['Wellbeing'] },
    });

    assert.deepEqual(
      (await suggested(me)).map(([name]) => name),
      ['Zed Away', 'Yan Far', 'Hal Home', 'Hana Home', 'Hugo Home'],
    );
  });

  it('never names a secret group to someone outside it', async () => {
    assert.deepEqual(await suggested(outsider), [
      ['Dee Discreet', ['Both in the group Apart']],
    ]);
  });

  it('leaves out a dismissed person for good, however often dismissed', async () => {
    const me = staff(viewer);
    await dismissPersonLikeYou(db, me, ids.amy ?? 0);
    await dismissPersonLikeYou(db, me, ids.amy ?? 0);

    const names = (await suggested(viewer)).map(([name]) => name);
    // Without Amy, Cai (a shared group, from Roads: 3) is within a point
    // of Ben (two shared interests, from Health: 4), so leads the list.
    assert.deepEqual(names, [
      'Cai Colleague',
      'Ben Neighbour',
      'Dee Discreet',
      'Fay Fellow',
    ]);
    const rows = await db
      .selectFrom('people_like_you_dismissals')
      .select('dismissed_person_id')
      .where('person_id', '=', viewer)
      .execute();
    assert.deepEqual(rows, [{ dismissed_person_id: ids.amy }]);
  });

  it('compares only the 50 smallest of many groups', async () => {
    const department = (await buildDepartment(db, `Many ${nextNumber()}`)).id;
    const person = (name: string) =>
      buildPerson(db, { displayName: name, departmentId: department });
    const joiner = await person('Jo Joiner');
    const pair = await person('Pat Pair');
    const trio = [await person('Tam Trio'), await person('Tod Trio')];
    // Fifty groups of two, then a bigger one of three, made first so
    // that neither its age nor its id puts it among the compared. Groups
    // of Jo alone bring nobody and take no place.
    for (let n = 0; n < 3; n += 1) {
      await buildGroup(db, joiner, { name: `Solo ${n}` });
    }
    const three = await buildGroup(db, joiner, { name: 'Zz trio' });
    for (const member of trio) {
      await addGroupMember(db, three, member);
    }
    for (let n = 0; n < 50; n += 1) {
      const two = await buildGroup(db, joiner, { name: `Pair ${n + 10}` });
      await addGroupMember(db, two, pair);
    }
    assert.deepEqual(await suggested(joiner), [
      [
        'Pat Pair',
        [
          'Both in the group Pair 10',
          'Both in the group Pair 11',
          'Both in the group Pair 12',
        ],
      ],
    ]);
    // Jo leaves a group of two, and the group of three is compared.
    await db
      .deleteFrom('group_members')
      .where('person_id', '=', joiner)
      .where('group_id', '=', (await groupNamed('Pair 10')) ?? 0)
      .execute();
    await recountMembers(db, (await groupNamed('Pair 10')) ?? 0);
    assert.deepEqual(
      (await suggested(joiner)).map(([name]) => name),
      ['Pat Pair', 'Tam Trio', 'Tod Trio'],
    );
  });

  it('gives no candidate’s place to a guest, a leaver or a dismissed person', async () => {
    const department = (await buildDepartment(db, `Pool ${nextNumber()}`)).id;
    const person = (name: string, extra = {}) =>
      buildPerson(db, {
        displayName: name,
        departmentId: department,
        ...extra,
      });
    const uma = await person('Uma Umbrella');
    const group = await buildGroup(db, uma, { name: 'Crowded' });
    // More than the 200 candidates who may not be suggested, each sharing
    // the one group, and all with lower ids than the one who may.
    const others: number[] = [];
    for (let n = 0; n < 198; n += 1) {
      others.push(await person(`Gus Guest ${n}`, { role: 'guest' }));
    }
    const leaver = await person('Lee Leaver');
    await db
      .updateTable('people')
      .set({ status: 'deactivated' })
      .where('id', '=', leaver)
      .execute();
    const dismissed = await person('Dot Dismissed');
    await dismissPersonLikeYou(db, staff(uma), dismissed);
    const zed = await person('Zed Eligible');
    await db
      .insertInto('group_members')
      .values(
        [...others, leaver, dismissed, zed].map((id) => ({
          group_id: group.id,
          person_id: id,
          role: 'member' as const,
          joined_at: '2026-03-02T09:00:00.000Z',
        })),
      )
      .execute();
    await recountMembers(db, group.id);

    assert.deepEqual(await suggested(uma), [
      ['Zed Eligible', ['Both in the group Crowded']],
    ]);
  });

  async function groupNamed(name: string) {
    const row = await db
      .selectFrom('groups')
      .select('id')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.id;
  }

  it('suggests nobody to a guest', async () => {
    const guest: PersonActor = { ...staff(ids.gil ?? 0), role: 'guest' };
    assert.deepEqual(await peopleLikeYou(db, guest), []);
  });
});
