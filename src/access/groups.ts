import { sql } from 'kysely';
import type { Expression, SelectQueryBuilder, SqlBool } from 'kysely';
import type { Database, Db } from '../database.ts';
import type { GroupRole, GroupVisibility } from '../features/groups/tables.ts';
import type { Actor } from './actor.ts';

/**
 * Who may find a group, read what is in it and run it. Each rule is here
 * twice, as an answer for one group (`canInGroup`) and as a query for
 * lists (`visibleGroupIds`, `readableGroupIds`); a test runs every actor
 * against every kind of group through both and requires them to agree.
 *
 * - open: every member of staff finds it and reads its content;
 * - closed: staff find it (name, description, member count); its content
 *   and its member list are for its members;
 * - secret: only its members know it exists.
 *
 * Guests know only the groups they are members of. Site administrators
 * see every group, secret ones included, because they answer for what is
 * on the site; they do not become members by it. Signed-out visitors see
 * open groups only when an administrator has opened them to the public
 * (the actor then carries `publicReading`).
 */

/** A group as the rule needs it: its visibility and the actor's role. */
export interface GroupThing {
  id: number;
  visibility: GroupVisibility;
  /** The actor's role in the group; null when they are not a member. */
  role: GroupRole | null;
}

export type GroupAction =
  /** Know the group exists: its name, description and member count. */
  | 'group.see'
  /** Read its content and its activity. */
  | 'group.read'
  /**
   * See who its members are. Staff who may read a group may; signed-out
   * readers of a public open group may not, because a member list is the
   * staff directory by another door.
   */
  | 'group.readMembers'
  | 'group.join'
  | 'group.requestToJoin'
  /** Add content to it. */
  | 'group.contribute'
  | 'group.leave'
  /** Edit its details, answer requests, invite, remove members. */
  | 'group.manage'
  /** Invite people from partner bodies as guests. */
  | 'group.inviteGuests'
  /** Change roles, visibility and ownership; delete the group. */
  | 'group.own';

/** Answers whether `actor` may do `action` to one group. */
export function canInGroup(
  actor: Actor,
  action: GroupAction,
  group: GroupThing,
): boolean {
  if (actor.kind !== 'person') {
    const open = actor.publicReading === true && group.visibility === 'open';
    return open && (action === 'group.see' || action === 'group.read');
  }
  const member = group.role !== null;
  const staff = actor.role !== 'guest';
  const siteAdmin = actor.role === 'admin';
  const manager = group.role === 'owner' || group.role === 'admin';
  switch (action) {
    case 'group.see':
      return member || siteAdmin || (staff && group.visibility !== 'secret');
    case 'group.read':
    case 'group.readMembers':
      return member || siteAdmin || (staff && group.visibility === 'open');
    case 'group.join':
      return !member && staff && group.visibility === 'open';
    case 'group.requestToJoin':
      return !member && staff && group.visibility === 'closed';
    case 'group.contribute':
    case 'group.leave':
      return member;
    case 'group.manage':
    case 'group.inviteGuests':
      return manager || siteAdmin;
    case 'group.own':
      return group.role === 'owner' || siteAdmin;
  }
}

type GroupIds = SelectQueryBuilder<Database, never, { id: number }>;

/**
 * The ids of the groups `actor` may see (`group.see`), for lists and
 * counts of groups. Same rule as `canInGroup`.
 */
export function visibleGroupIds(db: Db, actor: Actor): GroupIds {
  if (actor.kind !== 'person') {
    return actor.publicReading === true
      ? openGroups(db)
      : (noGroups(db) as GroupIds);
  }
  if (actor.role === 'admin') {
    return db.selectFrom('groups').select('groups.id as id') as GroupIds;
  }
  if (actor.role === 'guest') {
    return membership(db, actor.id);
  }
  return db
    .selectFrom('groups')
    .select('groups.id as id')
    .where('visibility', '!=', 'secret')
    .union(membership(db, actor.id)) as GroupIds;
}

/**
 * The ids of the groups whose content `actor` may read (`group.read`),
 * for every list, count, feed and search of group content. Same rule as
 * `canInGroup`.
 */
export function readableGroupIds(db: Db, actor: Actor): GroupIds {
  if (actor.kind !== 'person') {
    return actor.publicReading === true
      ? openGroups(db)
      : (noGroups(db) as GroupIds);
  }
  if (actor.role === 'admin') {
    return db.selectFrom('groups').select('groups.id as id') as GroupIds;
  }
  if (actor.role === 'guest') {
    return membership(db, actor.id);
  }
  return openGroups(db).union(membership(db, actor.id)) as GroupIds;
}

/**
 * The ids of the groups `actor` runs (`group.manage`): their owners' and
 * admins', and every group for a site administrator. Same rule as
 * `canInGroup`; notifications of join requests are read through it.
 */
export function managedGroupIds(db: Db, actor: Actor): GroupIds {
  if (actor.kind !== 'person') {
    return noGroups(db) as GroupIds;
  }
  if (actor.role === 'admin') {
    return db.selectFrom('groups').select('groups.id as id') as GroupIds;
  }
  return db
    .selectFrom('group_members')
    .select('group_members.group_id as id')
    .where('group_members.person_id', '=', actor.id)
    .where('group_members.role', 'in', ['owner', 'admin']) as GroupIds;
}

/**
 * How a condition is asked of rows. 'list' builds the reader's readable
 * groups once and tests each row against that list: right for a query
 * that scans many rows. 'row' looks each row's group up by its key: right
 * for a few rows, such as forty unread notifications, where building the
 * list (a thousand open groups) once per subject kind cost more than all
 * the checks. Both give the same answer; the access tests ask both.
 */
export type RuleForm = 'list' | 'row';

/**
 * A condition on a content row's group column: true when `actor` may read
 * content there. A null group means site-wide content or a person's own
 * space, which staff read and guests and signed-out visitors do not.
 */
export function readableContent(
  db: Db,
  actor: Actor,
  groupColumn: string,
  form: RuleForm = 'list',
): Expression<SqlBool> {
  const column = sql.ref(groupColumn);
  const inGroups =
    form === 'row'
      ? readableGroup(actor, column)
      : sql<SqlBool>`${column} in (${readableGroupIds(db, actor)})`;
  const staff = actor.kind === 'person' && actor.role !== 'guest';
  return staff ? sql<SqlBool>`(${column} is null or ${inGroups})` : inGroups;
}

/**
 * The rule of readableContent told by where content is rather than asked
 * of rows, for a count kept by place: whether `actor` reads content
 * outside any group (`site`), the visibilities of which they read every
 * group's content (`everyGroup`), and those of which they read a group's
 * content only as its member (`asMember`). No visibility is in both, so
 * counts added over the three never count a group twice.
 */
export interface ReadableShares {
  site: boolean;
  everyGroup: readonly GroupVisibility[];
  asMember: readonly GroupVisibility[];
}

const ALL_VISIBILITIES: readonly GroupVisibility[] = [
  'open',
  'closed',
  'secret',
];

/** Where `actor` may read content, by place; same rule as readableContent. */
export function readableShares(actor: Actor): ReadableShares {
  if (actor.kind !== 'person') {
    const open = actor.publicReading === true;
    return { site: false, everyGroup: open ? ['open'] : [], asMember: [] };
  }
  if (actor.role === 'admin') {
    return { site: true, everyGroup: ALL_VISIBILITIES, asMember: [] };
  }
  if (actor.role === 'guest') {
    return { site: false, everyGroup: [], asMember: ALL_VISIBILITIES };
  }
  return {
    site: true,
    everyGroup: ['open'],
    asMember: ['closed', 'secret'],
  };
}

/**
 * The rule of readableGroupIds asked of one group id, given as an
 * expression, by key: true when `actor` may read the group's content.
 */
export function readableGroup(
  actor: Actor,
  group: Expression<unknown>,
): Expression<SqlBool> {
  const open = sql<SqlBool>`exists (select 1 from groups as rule_g
    where rule_g.id = ${group} and rule_g.visibility = 'open')`;
  if (actor.kind !== 'person') {
    return actor.publicReading === true ? open : sql<SqlBool>`1 = 0`;
  }
  if (actor.role === 'admin') {
    return sql<SqlBool>`exists (select 1 from groups as rule_g
      where rule_g.id = ${group})`;
  }
  const member = sql<SqlBool>`exists (select 1 from group_members as rule_m
    where rule_m.group_id = ${group} and rule_m.person_id = ${actor.id})`;
  return actor.role === 'guest' ? member : sql<SqlBool>`(${open} or ${member})`;
}

/**
 * The rule of visibleGroupIds asked of one group id by key: true when
 * `actor` may see the group. For a few rows, such as a person's own
 * groups, where building the list of every group not secret costs more.
 */
export function visibleGroup(
  actor: Actor,
  group: Expression<unknown>,
): Expression<SqlBool> {
  // Signed out, an admin and a guest see exactly the groups they may read.
  if (actor.kind !== 'person' || actor.role !== 'member') {
    return readableGroup(actor, group);
  }
  return sql<SqlBool>`(exists (select 1 from groups as rule_g
      where rule_g.id = ${group} and rule_g.visibility <> 'secret')
    or exists (select 1 from group_members as rule_m
      where rule_m.group_id = ${group} and rule_m.person_id = ${actor.id}))`;
}

/**
 * True when two people are members of one group: a guest may see the
 * profiles of their fellow members, and nobody else's.
 */
export async function shareAGroup(
  db: Db,
  personId: number,
  otherId: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('group_members as mine')
    .innerJoin('group_members as theirs', 'theirs.group_id', 'mine.group_id')
    .select('mine.group_id')
    .where('mine.person_id', '=', personId)
    .where('theirs.person_id', '=', otherId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

function membership(db: Db, personId: number): GroupIds {
  return db
    .selectFrom('group_members')
    .select('group_members.group_id as id')
    .where('group_members.person_id', '=', personId) as GroupIds;
}

function openGroups(db: Db): GroupIds {
  return db
    .selectFrom('groups')
    .select('groups.id as id')
    .where('visibility', '=', 'open') as GroupIds;
}

function noGroups(db: Db) {
  return db
    .selectFrom('groups')
    .select('groups.id as id')
    .where(sql<SqlBool>`1 = 0`);
}
