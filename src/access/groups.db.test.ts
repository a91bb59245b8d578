import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { GroupRole, GroupVisibility } from '../features/groups/tables.ts';
import type { PersonRole } from '../features/people/tables.ts';
import { describeEachDatabase } from '../test-support/databases.ts';
import { buildPerson } from '../test-support/factories.ts';
import { addGroupMember, buildGroup } from '../test-support/groups.ts';
import { ANONYMOUS } from './actor.ts';
import type { Actor } from './actor.ts';
import {
  canInGroup,
  readableContent,
  readableGroup,
  readableGroupIds,
  readableShares,
  visibleGroup,
  visibleGroupIds,
} from './groups.ts';
import type { GroupThing } from './groups.ts';

// The group rule is written twice: canInGroup answers for one group, and
// visibleGroupIds, readableGroupIds and readableContent filter lists in
// SQL (visibleGroup and readableGroup by each row's key), and
// readableShares tells the read rule by place for counts kept by place.
// Every kind of actor is run against every kind of group, as a member and
// not, through every form, which must give the same answer.

const VISIBILITIES: readonly GroupVisibility[] = ['open', 'closed', 'secret'];

/**
 * A kind of actor: signed out, or a person who has `groupRole` in one
 * group of each visibility (none when null) and no role in the others.
 */
interface ActorKind {
  name: string;
  anonymous?: Actor;
  person?: { role: PersonRole; groupRole: GroupRole | null };
}

const ACTOR_KINDS: readonly ActorKind[] = [
  { name: 'a signed-out visitor', anonymous: ANONYMOUS },
  {
    name: 'a signed-out visitor while the public may read',
    anonymous: { kind: 'anonymous', publicReading: true },
  },
  { name: 'a guest member', person: { role: 'guest', groupRole: 'member' } },
  {
    name: 'a member of staff in no group',
    person: { role: 'member', groupRole: null },
  },
  {
    name: 'a member of staff who is a group member',
    person: { role: 'member', groupRole: 'member' },
  },
  {
    name: 'a member of staff who is a group admin',
    person: { role: 'member', groupRole: 'admin' },
  },
  {
    name: 'a member of staff who is a group owner',
    person: { role: 'member', groupRole: 'owner' },
  },
  {
    name: 'a site administrator',
    person: { role: 'admin', groupRole: 'member' },
  },
];

interface GroupRow {
  id: number;
  visibility: GroupVisibility;
}

/** The groups as the rule sees them for one actor. */
async function groupsAsSeenBy(
  db: Db,
  actor: Actor,
  groups: readonly GroupRow[],
): Promise<GroupThing[]> {
  const roles =
    actor.kind === 'person'
      ? await db
          .selectFrom('group_members')
          .select(['group_id', 'role'])
          .where('person_id', '=', actor.id)
          .execute()
      : [];
  return groups.map((group) => ({
    ...group,
    role: roles.find((row) => row.group_id === group.id)?.role ?? null,
  }));
}

function sortedIds(rows: readonly { id: number | string }[]): number[] {
  return rows.map((row) => Number(row.id)).sort((a, b) => a - b);
}

await describeEachDatabase('the group rule in its two forms', (database) => {
  const actors = new Map<string, Actor>();
  let groups: GroupRow[] = [];

  before(async () => {
    const { db } = database();
    const owner = await buildPerson(db);
    for (const visibility of VISIBILITIES) {
      await buildGroup(db, owner, { visibility });
    }
    for (const kind of ACTOR_KINDS) {
      if (!kind.person) {
        actors.set(kind.name, kind.anonymous ?? ANONYMOUS);
        continue;
      }
      const { role, groupRole } = kind.person;
      const id = await buildPerson(db, { role, displayName: kind.name });
      actors.set(kind.name, {
        kind: 'person',
        id,
        role,
        displayName: kind.name,
        via: 'session',
      });
      for (const visibility of groupRole ? VISIBILITIES : []) {
        const group = await buildGroup(db, owner, { visibility });
        await addGroupMember(db, group, id, groupRole ?? undefined);
      }
    }
    groups = await db
      .selectFrom('groups')
      .select(['id', 'visibility'])
      .orderBy('id')
      .execute();
  });

  function actorOf(name: string): Actor {
    const actor = actors.get(name);
    assert.ok(actor, `${name} was built`);
    return actor;
  }

  it('lets staff see groups unless secret, read them if open', async () => {
    const { db } = database();
    const actor = actorOf('a member of staff in no group');
    const count = (visibility: GroupVisibility) =>
      groups.filter((group) => group.visibility === visibility).length;

    const visible = await visibleGroupIds(db, actor).execute();
    const readable = await readableGroupIds(db, actor).execute();

    assert.equal(groups.length, 18);
    assert.equal(visible.length, count('open') + count('closed'));
    assert.equal(readable.length, count('open'));
  });

  for (const { name } of ACTOR_KINDS) {
    it(`lists the groups ${name} may see as canInGroup does`, async () => {
      const { db } = database();
      const actor = actorOf(name);
      const things = await groupsAsSeenBy(db, actor, groups);
      const expected = things
        .filter((group) => canInGroup(actor, 'group.see', group))
        .map((group) => group.id);

      const rows = await visibleGroupIds(db, actor).execute();
      const byKey = await db
        .selectFrom('groups')
        .select('groups.id as id')
        .where(visibleGroup(actor, sql.ref('groups.id')))
        .execute();

      assert.deepEqual(sortedIds(rows), expected);
      assert.deepEqual(sortedIds(byKey), expected);
    });

    it(`lists the groups ${name} may read as canInGroup does`, async () => {
      const { db } = database();
      const actor = actorOf(name);
      const things = await groupsAsSeenBy(db, actor, groups);
      const expected = things
        .filter((group) => canInGroup(actor, 'group.read', group))
        .map((group) => group.id);

      const rows = await readableGroupIds(db, actor).execute();
      const byKey = await db
        .selectFrom('groups')
        .select('groups.id as id')
        .where(readableGroup(actor, sql.ref('groups.id')))
        .execute();

      assert.deepEqual(sortedIds(rows), expected);
      assert.deepEqual(sortedIds(byKey), expected);
    });

    it(
      `gives ${name} content only from groups they may read, ` +
        'and site-wide content only if they are staff',
      async () => {
        const { db } = database();
        const actor = actorOf(name);
        const things = await groupsAsSeenBy(db, actor, groups);
        // Two site-wide rows (no group), then one row in each group.
        const content = [
          { id: 1, groupId: null },
          { id: 2, groupId: null },
          ...groups.map((group, n) => ({ id: n + 3, groupId: group.id })),
        ];
        const staff = actor.kind === 'person' && actor.role !== 'guest';
        const expected = content
          .filter((row) => {
            const group = things.find((thing) => thing.id === row.groupId);
            return group ? canInGroup(actor, 'group.read', group) : staff;
          })
          .map((row) => row.id);

        const values = content.map(
          (row) =>
            sql`(${sql.lit(row.id)}, ${
              row.groupId === null ? sql`null` : sql.lit(row.groupId)
            })`,
        );
        // Both forms of the rule: the list, and each row's group by key.
        for (const form of ['list', 'row'] as const) {
          const result = await sql<{ id: number }>`
          with content (id, group_id) as (values ${sql.join(values)})
          select content.id as id from content
          where ${readableContent(db, actor, 'content.group_id', form)}`.execute(
            db,
          );

          assert.deepEqual(sortedIds(result.rows), expected, form);
        }
        // The rule told by place, for counts kept by place.
        const shares = readableShares(actor);
        const byPlace = content
          .filter((row) => {
            const group = things.find((thing) => thing.id === row.groupId);
            if (!group) {
              return shares.site;
            }
            return (
              shares.everyGroup.includes(group.visibility) ||
              (group.role !== null &&
                shares.asMember.includes(group.visibility))
            );
          })
          .map((row) => row.id);
        assert.deepEqual(byPlace, expected, 'by place');
        const twice = shares.everyGroup.filter((v) =>
          shares.asMember.includes(v),
        );
        assert.deepEqual(twice, [], 'no visibility counted twice');
      },
    );
  }
});
