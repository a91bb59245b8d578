import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import type { Actor, PersonActor } from '../../access/actor.ts';
import { canInGroup, visibleGroupIds } from '../../access/groups.ts';
import type { GroupThing } from '../../access/groups.ts';
import type { Db } from '../../database.ts';
import { dialectOf } from '../../platform/db/dialect.ts';
import {
  AppError,
  ForbiddenError,
  NotFoundError,
} from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/pagination.ts';
import { recordAudit } from '../audit/audit.ts';
import type { AuditActor } from '../audit/audit.ts';
import { activeMembers, recountMembers } from './groups.ts';
import type { Group } from './groups.ts';
import type { GroupRole, GroupVisibility } from './tables.ts';
import {
  groupJoined,
  joinRequested,
  joinRequestSettled,
} from '../activity/hooks.ts';

/** One member as a group's member list shows them. */
export interface GroupMember {
  personId: number;
  displayName: string;
  jobTitle: string | null;
  department: string | null;
  role: GroupRole;
  /** A guest from a partner body. */
  guest: boolean;
  joinedAt: string;
}

/** A request to join, as the group's admins see it. */
export interface JoinRequest {
  personId: number;
  displayName: string;
  jobTitle: string | null;
  department: string | null;
  message: string | null;
  createdAt: string;
}

const ROLE_ORDER = { owner: 0, admin: 1, member: 2 } as const;

/** Refused because the group would be left without an owner. */
export class LastOwnerError extends AppError {
  constructor() {
    super(
      409,
      'LAST_OWNER',
      'A group must always have an owner. Make someone else an owner first.',
    );
  }
}

/**
 * Refused because the person is a guest: guests join a group as members
 * and never run one, since running it shows the staff who ask to join and
 * decides who may see it.
 */
export class GuestRoleError extends AppError {
  constructor() {
    super(
      409,
      'GUEST_ROLE',
      'A guest can only be a member of a group: running a group is for staff',
    );
  }
}

/**
 * A page of a group's members: owners first, then admins, then members,
 * each by name. People whose accounts are deactivated are left out, as
 * they are from every other list of people.
 *
 * Each membership carries its person's sort key, so the index on (group,
 * role, sort key, person) holds this order: the page's keys are read from
 * it without sorting the membership, and only the page's people are looked
 * up. Owners and admins are one short slice; the members' slice starts
 * where the page passes the last of them.
 */
export async function listMembers(
  db: Db,
  groupId: number,
  page: PageRequest,
  filter: { role?: GroupRole } = {},
): Promise<{ items: GroupMember[]; total: number }> {
  const keys = filter.role
    ? keySlice(db, groupId, filter.role, page.pageSize, page.offset)
    : db
        .selectFrom(
          keySlice(db, groupId, 'managers', page.pageSize, page.offset).as('a'),
        )
        .selectAll()
        .unionAll(
          db
            .selectFrom(
              keySlice(
                db,
                groupId,
                'member',
                page.pageSize,
                offsetPast(managerCount(groupId), page.offset),
              ).as('b'),
            )
            .selectAll(),
        );
  const [rows, count] = await Promise.all([
    db
      .selectFrom(keys.as('k'))
      .innerJoin('people as p', 'p.id', 'k.person_id')
      .innerJoin('group_members as m', (join) =>
        join
          .on('m.group_id', '=', groupId)
          .onRef('m.person_id', '=', 'k.person_id'),
      )
      .leftJoin('departments as d', 'd.id', 'p.department_id')
      .select([
        'p.id',
        'p.display_name',
        'p.job_title',
        'p.role as person_role',
        'd.name as department',
        'm.role',
        'm.joined_at',
      ])
      .orderBy(roleRank('k.role'))
      .orderBy('k.sort_name')
      .orderBy('k.person_id')
      .limit(page.pageSize)
      .execute(),
    countActiveMembers(db, groupId, filter.role),
  ]);
  return {
    items: rows.map((row) => ({
      personId: row.id,
      displayName: row.display_name,
      jobTitle: row.job_title,
      department: row.department,
      role: row.role,
      guest: row.person_role === 'guest',
      joinedAt: row.joined_at,
    })),
    total: count,
  };
}

/**
 * The keys of a group's active members holding `role` (owners and admins
 * together for 'managers'), in list order, from `offset`. Everything it
 * reads is in the index, so skipping to a deep page touches no person's
 * row.
 */
function keySlice(
  db: Db,
  groupId: number,
  role: GroupRole | 'managers',
  limit: number,
  offset: number | RawBuilder<number>,
) {
  let query = db
    .selectFrom('group_members as s')
    .select(['s.person_id', 's.role', 's.sort_name'])
    .where('s.group_id', '=', groupId)
    .where('s.person_id', 'not in', (eb) =>
      eb.selectFrom('people').select('id').where('status', '<>', 'active'),
    );
  // One role is one range of the index, already in order; ranking it
  // would hide that from the planner and sort it.
  query =
    role === 'managers'
      ? query
          .where('s.role', 'in', ['owner', 'admin'])
          .orderBy(roleRank('s.role'))
      : query.where('s.role', '=', role);
  return query
    .orderBy('s.sort_name')
    .orderBy('s.person_id')
    .limit(limit)
    .offset(offset);
}

/** A role's place in the member list: owners, then admins, then members. */
function roleRank(column: 'k.role' | 's.role') {
  return sql<number>`case ${sql.ref(column)}
    when 'owner' then ${sql.lit(ROLE_ORDER.owner)}
    when 'admin' then ${sql.lit(ROLE_ORDER.admin)}
    else ${sql.lit(ROLE_ORDER.member)} end`;
}

/** How many active owners and admins a group has. */
function managerCount(groupId: number): RawBuilder<number> {
  const group = sql`${groupId}`;
  return sql<number>`(${activeMembers(group, 'owner')}
    + ${activeMembers(group, 'admin')})`;
}

/** How far into the members a page starts that starts `offset` in. */
function offsetPast(
  before: RawBuilder<number>,
  offset: number,
): RawBuilder<number> {
  return sql<number>`case when ${offset} > ${before}
    then ${offset} - ${before} else 0 end`;
}

/** How many active members hold `role`, or any role when not given. */
async function countActiveMembers(
  db: Db,
  groupId: number,
  role: GroupRole | undefined,
): Promise<number> {
  const row = await db
    .selectNoFrom(activeMembers(sql`${groupId}`, role).as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One member of a group, or undefined when they are not one. */
export async function findMember(
  db: Db,
  groupId: number,
  personId: number,
): Promise<GroupMember | undefined> {
  const row = await db
    .selectFrom('group_members as m')
    .innerJoin('people as p', 'p.id', 'm.person_id')
    .leftJoin('departments as d', 'd.id', 'p.department_id')
    .select([
      'p.id',
      'p.display_name',
      'p.job_title',
      'p.role as person_role',
      'd.name as department',
      'm.role',
      'm.joined_at',
    ])
    .where('m.group_id', '=', groupId)
    .where('m.person_id', '=', personId)
    .where('p.status', '=', 'active')
    .executeTakeFirst();
  return row
    ? {
        personId: row.id,
        displayName: row.display_name,
        jobTitle: row.job_title,
        department: row.department,
        role: row.role,
        guest: row.person_role === 'guest',
        joinedAt: row.joined_at,
      }
    : undefined;
}

/** One who joined a group lately, for its "Latest activity". */
export interface NewMember {
  personId: number;
  displayName: string;
  joinedAt: string;
}

/**
 * The members who joined a group last, newest first. Until the activity
 * stream arrives this is all a group's "Latest activity" can show.
 */
export async function listNewestMembers(
  db: Db,
  groupId: number,
  limit: number,
): Promise<NewMember[]> {
  const rows = await db
    .selectFrom('group_members as m')
    .innerJoin('people as p', 'p.id', 'm.person_id')
    .select(['p.id', 'p.display_name', 'm.joined_at'])
    .where('m.group_id', '=', groupId)
    .where('p.status', '=', 'active')
    .orderBy('m.joined_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    personId: row.id,
    displayName: row.display_name,
    joinedAt: row.joined_at,
  }));
}

/** A person's role in a group, or null when they are not a member. */
export async function roleOf(
  db: Db,
  groupId: number,
  personId: number,
): Promise<GroupRole | null> {
  const row = await db
    .selectFrom('group_members')
    .select('role')
    .where('group_id', '=', groupId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return row?.role ?? null;
}

/**
 * Makes someone a member (or changes nothing when they already are),
 * clearing any request or invitation they had for the group.
 */
export async function addMember(
  db: Db,
  actor: AuditActor,
  group: Group,
  personId: number,
  role: GroupRole,
  now = new Date().toISOString(),
): Promise<void> {
  const added = await db
    .insertInto('group_members')
    .values({ group_id: group.id, person_id: personId, role, joined_at: now })
    .onConflict((oc) => oc.columns(['group_id', 'person_id']).doNothing())
    .executeTakeFirst();
  await clearPending(db, group.id, personId);
  if (Number(added.numInsertedOrUpdatedRows ?? 0) === 0) {
    return;
  }
  await recountMembers(db, group.id);
  await recordAudit(
    db,
    {
      action: 'group.member.added',
      actor,
      subject: { type: 'group', id: group.id },
      details: { personId, role },
    },
    now,
  );
  await groupJoined(db, personId, group, now);
}

async function clearPending(
  db: Db,
  groupId: number,
  personId: number,
): Promise<void> {
  await db
    .deleteFrom('group_requests')
    .where('group_id', '=', groupId)
    .where('person_id', '=', personId)
    .execute();
  await db
    .deleteFrom('group_invitations')
    .where('group_id', '=', groupId)
    .where('person_id', '=', personId)
    .execute();
}

/**
 * Takes someone out of a group: removed by an admin, or leaving. The last
 * owner cannot go; the caller owns the transaction, and the owners are
 * counted inside it so two owners leaving at once cannot both succeed on
 * PostgreSQL (the rows are locked) or SQLite (writes are serialised).
 */
export async function removeMember(
  db: Db,
  actor: AuditActor,
  group: Group,
  personId: number,
  now = new Date().toISOString(),
): Promise<void> {
  const role = await lockedRole(db, group.id, personId);
  if (role === null) {
    throw new NotFoundError(
      'MEMBER_NOT_FOUND',
      'That person is not a member of this group',
    );
  }
  if (role === 'owner' && !(await hasOtherOwner(db, group.id, personId))) {
    throw new LastOwnerError();
  }
  await db
    .deleteFrom('group_members')
    .where('group_id', '=', group.id)
    .where('person_id', '=', personId)
    .execute();
  await recountMembers(db, group.id);
  await recordAudit(
    db,
    {
      action: 'group.member.removed',
      actor,
      subject: { type: 'group', id: group.id },
      details: { personId, role },
    },
    now,
  );
}

/**
 * Refuses unless `actor` may remove someone with `role` from the group:
 * admins look after the members; only owners remove their peers. The
 * pages and the API both ask here, so they cannot disagree.
 */
export function requireMayRemove(
  actor: Actor,
  group: GroupThing,
  role: GroupRole,
): void {
  if (role !== 'member' && !canInGroup(actor, 'group.own', group)) {
    throw new ForbiddenError(
      'GROUP_FORBIDDEN',
      'Only the group’s owners can remove an owner or an admin',
    );
  }
}

/**
 * Gives a member another role. Taking the owner role from the last owner
 * is refused; making someone an owner is how ownership is transferred
 * (`transferOwnership` does both steps at once).
 */
export async function changeRole(
  db: Db,
  actor: AuditActor,
  group: Group,
  personId: number,
  role: GroupRole,
  now = new Date().toISOString(),
): Promise<void> {
  const before = await lockedRole(db, group.id, personId);
  if (before === null) {
    throw new NotFoundError(
      'MEMBER_NOT_FOUND',
      'That person is not a member of this group',
    );
  }
  if (before === role) {
    return;
  }
  if (role !== 'member' && (await isGuest(db, personId))) {
    throw new GuestRoleError();
  }
  if (before === 'owner' && !(await hasOtherOwner(db, group.id, personId))) {
    throw new LastOwnerError();
  }
  await db
    .updateTable('group_members')
    .set({ role })
    .where('group_id', '=', group.id)
    .where('person_id', '=', personId)
    .execute();
  await recordAudit(
    db,
    {
      action: 'group.role.changed',
      actor,
      subject: { type: 'group', id: group.id },
      details: { personId, before, after: role },
    },
    now,
  );
}

/**
 * Hands ownership from one owner to another member: the new owner gains
 * the role and the old one becomes an admin of the group.
 */
export async function transferOwnership(
  db: Db,
  actor: AuditActor,
  group: Group,
  fromPersonId: number,
  toPersonId: number,
  now = new Date().toISOString(),
): Promise<void> {
  await changeRole(db, actor, group, toPersonId, 'owner', now);
  if (fromPersonId !== toPersonId) {
    await changeRole(db, actor, group, fromPersonId, 'admin', now);
  }
}

async function lockedRole(
  db: Db,
  groupId: number,
  personId: number,
): Promise<GroupRole | null> {
  // On PostgreSQL the group's owner rows are locked first, so the owner
  // count below cannot change under us; SQLite serialises writers anyway.
  await lockOwners(db, groupId);
  return roleOf(db, groupId, personId);
}

async function lockOwners(db: Db, groupId: number): Promise<void> {
  const query = db
    .selectFrom('group_members')
    .select('person_id')
    .where('group_id', '=', groupId)
    .where('role', '=', 'owner');
  if (dialectOf(db) === 'postgres') {
    await query.forUpdate().execute();
  }
}

async function isGuest(db: Db, personId: number): Promise<boolean> {
  const row = await db
    .selectFrom('people')
    .select('role')
    .where('id', '=', personId)
    .executeTakeFirst();
  return row?.role === 'guest';
}

// An owner whose account is deactivated cannot run the group, so they do
// not count: the last active owner may not leave them in charge.
export async function hasOtherOwner(
  db: Db,
  groupId: number,
  personId: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('group_members as m')
    .innerJoin('people as p', 'p.id', 'm.person_id')
    .select('m.person_id')
    .where('m.group_id', '=', groupId)
    .where('m.role', '=', 'owner')
    .where('m.person_id', '!=', personId)
    .where('p.status', '=', 'active')
    .executeTakeFirst();
  return row !== undefined;
}

/** Records a request to join a closed group (again is no change). */
export async function requestToJoin(
  db: Db,
  group: Group,
  personId: number,
  message: string | null,
  now = new Date().toISOString(),
): Promise<void> {
  const made = await db
    .insertInto('group_requests')
    .values({
      group_id: group.id,
      person_id: personId,
      message,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['group_id', 'person_id']).doNothing())
    .executeTakeFirst();
  if (Number(made.numInsertedOrUpdatedRows ?? 0) > 0) {
    await joinRequested(db, personId, group, now);
  }
}

/**
 * Withdraws, declines or (before the member is added) approves a request;
 * true when there was one. Its notices stop counting as unread.
 */
export async function dropRequest(
  db: Db,
  groupId: number,
  personId: number,
  now = new Date().toISOString(),
): Promise<boolean> {
  const result = await db
    .deleteFrom('group_requests')
    .where('group_id', '=', groupId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  const dropped = Number(result.numDeletedRows) > 0;
  if (dropped) {
    await joinRequestSettled(db, personId, groupId, now);
  }
  return dropped;
}

/** A request someone has made, as their own list of groups shows it. */
export interface OwnJoinRequest {
  slug: string;
  name: string;
  visibility: GroupVisibility;
  createdAt: string;
}

/**
 * The requests to join that `actor` is waiting on, newest first, in the
 * groups they may still see.
 */
export async function listOwnRequests(
  db: Db,
  actor: PersonActor,
): Promise<OwnJoinRequest[]> {
  const rows = await db
    .selectFrom('group_requests as r')
    .innerJoin('groups as g', 'g.id', 'r.group_id')
    .select(['g.slug', 'g.name', 'g.visibility', 'r.created_at'])
    .where('r.person_id', '=', actor.id)
    .where('g.id', 'in', visibleGroupIds(db, actor))
    .orderBy('r.created_at', 'desc')
    .orderBy('g.id', 'desc')
    .limit(100)
    .execute();
  return rows.map((row) => ({
    slug: row.slug,
    name: row.name,
    visibility: row.visibility,
    createdAt: row.created_at,
  }));
}

/** A page of the requests waiting in a group, oldest first. */
export async function listRequests(
  db: Db,
  groupId: number,
  page: PageRequest,
): Promise<{ items: JoinRequest[]; total: number }> {
  const query = db
    .selectFrom('group_requests as r')
    .innerJoin('people as p', 'p.id', 'r.person_id')
    .where('r.group_id', '=', groupId)
    .where('p.status', '=', 'active');
  const [rows, count] = await Promise.all([
    query
      .leftJoin('departments as d', 'd.id', 'p.department_id')
      .select([
        'p.id',
        'p.display_name',
        'p.job_title',
        'd.name as department',
        'r.message',
        'r.created_at',
      ])
      .orderBy('r.created_at')
      .orderBy('p.id')
      .limit(page.pageSize)
      .offset(page.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
  ]);
  return {
    items: rows.map((row) => ({
      personId: row.id,
      displayName: row.display_name,
      jobTitle: row.job_title,
      department: row.department,
      message: row.message,
      createdAt: row.created_at,
    })),
    total: Number(count?.n ?? 0),
  };
}
