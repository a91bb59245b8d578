import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Db } from '../../database.ts';
import { SYSTEM_ACTOR } from '../audit/audit.ts';
import { deactivateAccount } from '../auth/lifecycle.ts';
import { buildAccount } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';

// A leaver who alone ran a group is deactivated all the same, and the
// group passes to someone still in it (succession.ts).

const cause = { actor: SYSTEM_ACTOR, via: 'test' };

async function person(db: Db, role: 'member' | 'guest' = 'member') {
  return (await buildAccount(db, { role })).id;
}

/** Joins `personId` to the group as `role`, on `day` of December. */
async function join(
  db: Db,
  group: { id: number },
  personId: number,
  role: 'admin' | 'member' | 'owner',
  day: number,
) {
  await addGroupMember(db, group, personId, role);
  await db
    .updateTable('group_members')
    .set({ joined_at: `2026-12-${String(day).padStart(2, '0')}T09:00:00.000Z` })
    .where('group_id', '=', group.id)
    .where('person_id', '=', personId)
    .execute();
}

async function rolesIn(db: Db, group: { id: number }) {
  const rows = await db
    .selectFrom('group_members')
    .select(['person_id', 'role'])
    .where('group_id', '=', group.id)
    .orderBy('person_id')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.person_id, row.role]));
}

async function deactivationDetails(db: Db, personId: number) {
  const row = await db
    .selectFrom('audit_events')
    .select('details')
    .where('action', '=', 'account.deactivated')
    .where('subject_id', '=', personId)
    .executeTakeFirstOrThrow();
  return JSON.parse(String(row.details)) as Record<string, unknown>;
}

await describeEachDatabase('a group whose only owner leaves', (database) => {
  it('passes to its longest-standing admin, and the leaver keeps the role', async () => {
    const { db } = database();
    const owner = await person(db);
    const group = await buildGroup(db, owner);
    const earlyMember = await person(db);
    const lateAdmin = await person(db);
    const earlyAdmin = await person(db);
    await join(db, group, earlyMember, 'member', 1);
    await join(db, group, lateAdmin, 'admin', 3);
    await join(db, group, earlyAdmin, 'admin', 2);

    await deactivateAccount(db, owner, cause);

    assert.deepEqual(await rolesIn(db, group), {
      [owner]: 'owner',
      [earlyMember]: 'member',
      [lateAdmin]: 'admin',
      [earlyAdmin]: 'owner',
    });
    const changed = await db
      .selectFrom('audit_events')
      .select(['subject_id', 'details'])
      .where('action', '=', 'group.role.changed')
      .where('subject_id', '=', group.id)
      .execute();
    assert.deepEqual(
      changed.map((row) => JSON.parse(String(row.details))),
      [
        {
          personId: earlyAdmin,
          before: 'admin',
          after: 'owner',
          because: 'the only active owner was deactivated',
          deactivatedOwnerId: owner,
        },
      ],
    );
    const details = await deactivationDetails(db, owner);
    assert.equal(details.groupsHandedOver, 1);
    assert.deepEqual(details.groupsLeftWithoutOwner, []);
  });

  it('passes to its longest-standing staff member without an admin, never a guest', async () => {
    const { db } = database();
    const owner = await person(db);
    const group = await buildGroup(db, owner);
    const guest = await person(db, 'guest');
    const gone = await person(db);
    const staff = await person(db);
    await join(db, group, guest, 'member', 1);
    await join(db, group, gone, 'member', 2);
    await join(db, group, staff, 'member', 3);
    await deactivateAccount(db, gone, cause);

    await deactivateAccount(db, owner, cause);

    assert.deepEqual(await rolesIn(db, group), {
      [owner]: 'owner',
      [guest]: 'member',
      [gone]: 'member',
      [staff]: 'owner',
    });
  });

  it('changes nothing while another owner is still active', async () => {
    const { db } = database();
    const owner = await person(db);
    const group = await buildGroup(db, owner);
    const other = await person(db);
    const admin = await person(db);
    await join(db, group, other, 'owner', 2);
    await join(db, group, admin, 'admin', 1);

    await deactivateAccount(db, owner, cause);

    assert.deepEqual(await rolesIn(db, group), {
      [owner]: 'owner',
      [other]: 'owner',
      [admin]: 'admin',
    });
    assert.equal((await deactivationDetails(db, owner)).groupsHandedOver, 0);
  });

  it('counts an owner who has left already as gone', async () => {
    const { db } = database();
    const owner = await person(db);
    const group = await buildGroup(db, owner);
    const left = await person(db);
    const member = await person(db);
    await join(db, group, left, 'owner', 1);
    await join(db, group, member, 'member', 2);
    await deactivateAccount(db, left, cause);

    await deactivateAccount(db, owner, cause);

    assert.equal((await rolesIn(db, group))[member], 'owner');
  });

  it('says which groups were left with nobody to run them', async () => {
    const { db } = database();
    const owner = await person(db);
    const group = await buildGroup(db, owner);
    const guest = await person(db, 'guest');
    await join(db, group, guest, 'member', 1);

    await deactivateAccount(db, owner, cause);

    assert.deepEqual(await rolesIn(db, group), {
      [owner]: 'owner',
      [guest]: 'member',
    });
    const details = await deactivationDetails(db, owner);
    assert.equal(details.groupsHandedOver, 0);
    assert.deepEqual(details.groupsLeftWithoutOwner, [group.id]);
  });
});
