import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sortKey } from '../../platform/text.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildPerson } from '../../test-support/factories.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';
import { listMembers } from './members.ts';

// The member list reads its order from an index over each membership's
// copy of its person's sort key; these check the order, the page edges
// between roles, and that the copy follows a join and a rename.

const PAGE = (page: number, pageSize: number) => ({
  page,
  pageSize,
  offset: (page - 1) * pageSize,
});

await describeEachDatabase('the order of a group member list', (database) => {
  let groupId = 0;
  const ids = new Map<string, number>();

  async function names(page: number, pageSize: number, role?: 'member') {
    const result = await listMembers(
      database().db,
      groupId,
      PAGE(page, pageSize),
      role ? { role } : {},
    );
    return {
      names: result.items.map((item) => `${item.role} ${item.displayName}`),
      total: result.total,
    };
  }

  before(async () => {
    const { db } = database();
    const person = async (name: string) => {
      const id = await buildPerson(db, { displayName: name });
      ids.set(name, id);
      return id;
    };
    const owner = await person('Zoe Owner');
    groupId = (await buildGroup(db, owner)).id;
    await addGroupMember(
      db,
      { id: groupId },
      await person('Yan Admin'),
      'admin',
    );
    await addGroupMember(
      db,
      { id: groupId },
      await person('Abe Admin'),
      'admin',
    );
    for (const name of [
      'delia',
      'Bob',
      'Émile',
      'Carla',
      'Anna',
      'Left Early',
    ]) {
      await addGroupMember(db, { id: groupId }, await person(name));
    }
    await db
      .updateTable('people')
      .set({ status: 'deactivated' })
      .where('id', '=', ids.get('Left Early') ?? 0)
      .execute();
  });

  it('lists owners, then admins, then members, each by name, without the deactivated', async () => {
    assert.deepEqual(await names(1, 20), {
      names: [
        'owner Zoe Owner',
        'admin Abe Admin',
        'admin Yan Admin',
        'member Anna',
        'member Bob',
        'member Carla',
        'member delia',
        'member Émile',
      ],
      total: 8,
    });
  });

  it('pages across the edge between admins and members with no gap or repeat', async () => {
    assert.deepEqual((await names(1, 2)).names, [
      'owner Zoe Owner',
      'admin Abe Admin',
    ]);
    assert.deepEqual((await names(2, 2)).names, [
      'admin Yan Admin',
      'member Anna',
    ]);
    assert.deepEqual((await names(3, 2)).names, ['member Bob', 'member Carla']);
    assert.deepEqual((await names(4, 2)).names, [
      'member delia',
      'member Émile',
    ]);
    assert.deepEqual(await names(5, 2), { names: [], total: 8 });
    assert.deepEqual((await names(2, 3)).names, [
      'member Anna',
      'member Bob',
      'member Carla',
    ]);
  });

  it('lists one role by name when asked for it', async () => {
    assert.deepEqual(await names(2, 2, 'member'), {
      names: ['member Carla', 'member delia'],
      total: 5,
    });
  });

  it('copies the sort key on joining and follows a rename', async () => {
    const { db } = database();
    const annaId = ids.get('Anna') ?? 0;
    await db
      .updateTable('people')
      .set({ display_name: 'Xena', sort_name: sortKey('Xena') })
      .where('id', '=', annaId)
      .execute();
    const copies = await db
      .selectFrom('group_members')
      .select('sort_name')
      .where('person_id', '=', annaId)
      .execute();

    assert.deepEqual(copies, [{ sort_name: 'xena' }]);
    assert.deepEqual((await names(1, 20, 'member')).names, [
      'member Bob',
      'member Carla',
      'member delia',
      'member Émile',
      'member Xena',
    ]);
    const owner = await db
      .selectFrom('group_members')
      .select('sort_name')
      .where('person_id', '=', ids.get('Zoe Owner') ?? 0)
      .executeTakeFirstOrThrow();
    assert.equal(owner.sort_name, 'zoe owner');
  });
});
