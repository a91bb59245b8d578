import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import type { Actor } from '../../access/actor.ts';
import {
  canInGroup,
  visibleGroup,
  visibleGroupIds,
} from '../../access/groups.ts';
import type { GroupAction, GroupThing } from '../../access/groups.ts';
import type { Db } from '../../database.ts';
import { lockRow } from '../../platform/db/locks.ts';
import { ForbiddenError, NotFoundError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/pagination.ts';
import { searchText, searchWords, sortKey } from '../../platform/text.ts';
import { recordAudit } from '../audit/audit.ts';
import type { AuditActor } from '../audit/audit.ts';
import type { GroupRole, GroupVisibility } from './tables.ts';
import { indexGroup } from '../search/sources.ts';
import { groupCreated } from '../activity/hooks.ts';
import { regroupThreadTotals } from '../talk/category-counts.ts';

/** A group as its pages and the API show it. */
export interface Group {
  id: number;
  slug: string;
  name: string;
  description: string;
  visibility: GroupVisibility;
  memberCount: number;
  createdAt: string;
  updatedAt: string;
}

/** A group together with the reader's place in it. */
export interface GroupForReader extends Group {
  /** The reader's role, or null when they are not a member. */
  role: GroupRole | null;
  /** The reader has asked to join and waits for an answer. */
  requested: boolean;
  /** The reader has an invitation waiting. */
  invited: boolean;
}

/**
 * The same without the member count: what a page or a write inside the
 * group (a thread, a wiki page, a file) needs to decide who may do what.
 * Counting All staff's 21,000 members was a sixth of each reply's work.
 */
export type GroupAccess = Omit<GroupForReader, 'memberCount'>;

export interface NewGroup {
  slug: string;
  name: string;
  description: string;
  visibility: GroupVisibility;
}

const GROUP_COLUMNS = [
  'g.id',
  'g.slug',
  'g.name',
  'g.description_md',
  'g.visibility',
  'g.created_at',
  'g.updated_at',
] as const;

interface GroupRow {
  id: number;
  slug: string;
  name: string;
  description_md: string;
  visibility: GroupVisibility;
  member_count: number;
  created_at: string;
  updated_at: string;
}

/**
 * The number of active people in the group `groupId` names (a column such
 * as `g.id`), counted as it is read: a person's account is deactivated
 * without their groups hearing of it, and the count must agree with the
 * member list, which leaves them out. It is every membership less those
 * of people not active, who are few and have an index of their own
 * (migration 2026-12-05T1100), so All staff costs no look-up per person.
 */
export function activeMemberCount(groupId: string) {
  return activeMembers(sql.ref(groupId)).as('member_count');
}

/**
 * The same count for a group given as an expression, of the members who
 * hold `role` when it is given; the member list's total uses it.
 *
 * Every membership is `groups.member_count`, which each change of
 * membership keeps equal to the rows (recountMembers), so All staff's
 * 105,000 at org5 are not counted on every page (10 to 23 ms). Members
 * holding the plain role are that less the few owners and admins.
 */
export function activeMembers(
  group: RawBuilder<unknown>,
  role?: GroupRole,
): RawBuilder<number> {
  const everyone = sql<number>`(select gc.member_count from groups as gc
    where gc.id = ${group})`;
  const counted = (roles: readonly GroupRole[]) =>
    sql<number>`(select count(*) from group_members as mc
      where mc.group_id = ${group} and mc.role in (${sql.join(roles)}))`;
  const all =
    role === undefined
      ? everyone
      : role === 'member'
        ? sql<number>`(${everyone} - ${counted(['owner', 'admin'])})`
        : counted([role]);
  const inRole = role ? sql`and mi.role = ${role}` : sql``;
  return sql<number>`(${all}
    - (select count(*) from people as mp
      inner join group_members as mi
        on mi.group_id = ${group} and mi.person_id = mp.id
      where mp.status <> 'active' ${inRole}))`;
}

function toGroup(row: GroupRow): Group {
  return { ...groupFields(row), memberCount: Number(row.member_count) };
}

function groupFields(
  row: Omit<GroupRow, 'member_count'>,
): Omit<Group, 'memberCount'> {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description_md,
    visibility: row.visibility,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The audit log's name for a person acting in a group. */
export function auditActorOf(actor: Actor): AuditActor {
  return actor.kind === 'person'
    ? { personId: actor.id, label: actor.displayName }
    : { personId: null, label: 'signed-out visitor' };
}

/** The group with this slug as `actor` sees it, or undefined. */
export async function findGroupForReader(
  db: Db,
  actor: Actor,
  slug: string,
): Promise<GroupForReader | undefined> {
  const row = await groupWithReader(db, actor, slug)
    .select(activeMemberCount('g.id'))
    .executeTakeFirst();
  return row ? seenBy(actor, { ...toGroup(row), ...readerOf(row) }) : undefined;
}

/**
 * The group with this slug as `actor` sees it, without counting its
 * members, or undefined.
 */
export async function findGroupAccess(
  db: Db,
  actor: Actor,
  slug: string,
): Promise<GroupAccess | undefined> {
  const row = await groupWithReader(db, actor, slug).executeTakeFirst();
  return row
    ? seenBy(actor, { ...groupFields(row), ...readerOf(row) })
    : undefined;
}

/** A group by slug with the reader's role, request and invitation. */
function groupWithReader(db: Db, actor: Actor, slug: string) {
  const personId = actor.kind === 'person' ? actor.id : -1;
  return db
    .selectFrom('groups as g')
    .leftJoin('group_members as m', (join) =>
      join.onRef('m.group_id', '=', 'g.id').on('m.person_id', '=', personId),
    )
    .select([...GROUP_COLUMNS, 'm.role'])
    .select((eb) => [
      eb
        .exists(
          eb
            .selectFrom('group_requests as r')
            .select('r.group_id')
            .whereRef('r.group_id', '=', 'g.id')
            .where('r.person_id', '=', personId),
        )
        .as('requested'),
      eb
        .exists(
          eb
            .selectFrom('group_invitations as i')
            .select('i.group_id')
            .whereRef('i.group_id', '=', 'g.id')
            .where('i.person_id', '=', personId)
            .where('i.expires_at', '>', new Date().toISOString()),
        )
        .as('invited'),
    ])
    .where('g.slug', '=', slug);
}

function readerOf(row: {
  role: GroupRole | null;
  requested: unknown;
  invited: unknown;
}) {
  return {
    role: row.role ?? null,
    requested: Boolean(row.requested),
    invited: Boolean(row.invited),
  };
}

/** A group the reader may not know of does not exist for them. */
function seenBy<T extends GroupAccess>(actor: Actor, group: T): T | undefined {
  return canInGroup(actor, 'group.see', group) ? group : undefined;
}

/**
 * The group with this slug, when `actor` may do `action` in it. A group
 * they may not see is "not found", so its existence does not leak; one
 * they see but may not act on is "forbidden".
 */
export async function requireGroup(
  db: Db,
  actor: Actor,
  slug: string,
  action: GroupAction = 'group.see',
): Promise<GroupForReader> {
  const group = await findGroupForReader(db, actor, slug);
  if (!group) {
    throw new NotFoundError('GROUP_NOT_FOUND', 'There is no such group');
  }
  if (!canInGroup(actor, action, group)) {
    throw new ForbiddenError(
      'GROUP_FORBIDDEN',
      forbiddenMessage(action, group, actor),
    );
  }
  return group;
}

function forbiddenMessage(
  action: GroupAction,
  group: GroupThing,
  actor: Actor,
): string {
  switch (action) {
    case 'group.read':
      return 'Only members of this group can see what is in it';
    case 'group.readMembers':
      return actor.kind === 'person'
        ? 'Only members of this group can see who is in it'
        : 'Sign in to see who is in this group';
    case 'group.join':
      return group.role
        ? 'You are already a member of this group'
        : 'This group is not open to join; ask to join instead';
    case 'group.requestToJoin':
      return group.role
        ? 'You are already a member of this group'
        : 'You cannot ask to join this group';
    case 'group.contribute':
    case 'group.leave':
      return 'You are not a member of this group';
    case 'group.own':
      return 'Only the group’s owners can do that';
    default:
      return 'Only the group’s owners and admins can do that';
  }
}

// Addresses under /groups/ that are pages of their own, not groups: a group
// with one of these slugs could never be reached. `site` names the
// site-wide wiki's space, which shares the address scheme of group wikis.
const RESERVED_SLUGS = new Set(['new', 'mine', 'invitations', 'site']);

/** True when no group uses this slug and it names no page of its own. */
export async function isSlugFree(db: Db, slug: string): Promise<boolean> {
  if (RESERVED_SLUGS.has(slug)) {
    return false;
  }
  const row = await db
    .selectFrom('groups')
    .select('id')
    .where('slug', '=', slug)
    .executeTakeFirst();
  return !row;
}

/**
 * The first free slug among `slug`, `slug-2`, `slug-3` …: what a form
 * suggests when the slug someone chose is taken. `q-a-2` continues the
 * series of `q-a` when that group exists; `plan-2025` is a slug of its
 * own and is followed by `plan-2025-2`, never cut back to `plan`.
 */
export async function suggestSlug(db: Db, slug: string): Promise<string> {
  if (await isSlugFree(db, slug)) {
    return slug;
  }
  const stem = slug.replace(/-\d+$/, '');
  const base = stem !== slug && !(await isSlugFree(db, stem)) ? stem : slug;
  const taken = await db
    .selectFrom('groups')
    .select('slug')
    .where((eb) =>
      eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]),
    )
    .limit(1000)
    .execute();
  const used = new Set([...RESERVED_SLUGS, ...taken.map((row) => row.slug)]);
  if (!used.has(base)) {
    return base;
  }
  let n = 2;
  while (used.has(`${base}-${n}`)) {
    n += 1;
  }
  return `${base}-${n}`;
}

/**
 * Adds a group with its creator as the first owner. The caller checks
 * the slug is free and owns the transaction; a clash that slips between
 * the check and the insert is the database's unique error.
 */
export async function createGroup(
  db: Db,
  creator: { id: number; displayName: string },
  group: NewGroup,
  now = new Date().toISOString(),
): Promise<number> {
  const row = await db
    .insertInto('groups')
    .values({
      slug: group.slug,
      name: group.name,
      sort_name: sortKey(group.name),
      search_text: searchText(`${group.name} ${group.description}`),
      description_md: group.description,
      visibility: group.visibility,
      member_count: 1,
      created_by: creator.id,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('group_members')
    .values({
      group_id: row.id,
      person_id: creator.id,
      role: 'owner',
      joined_at: now,
    })
    .execute();
  await recordAudit(
    db,
    {
      action: 'group.created',
      actor: { personId: creator.id, label: creator.displayName },
      subject: { type: 'group', id: row.id },
      details: { slug: group.slug, visibility: group.visibility },
    },
    now,
  );
  await indexGroup(db, row.id);
  await groupCreated(db, creator, { ...group, id: row.id }, now);
  return row.id;
}

/** What an owner or admin may change; the slug never changes. */
export interface GroupChanges {
  name?: string;
  description?: string;
  visibility?: GroupVisibility;
}

/**
 * Changes a group's details. A change of visibility is recorded in the
 * audit log; content follows it at once because no content row copies
 * it. Only Talk's totals of threads by place count by visibility, and
 * are moved here in the same transaction.
 */
export async function updateGroup(
  db: Db,
  actor: AuditActor,
  group: Group,
  changes: GroupChanges,
  now = new Date().toISOString(),
): Promise<void> {
  const name = changes.name ?? group.name;
  const description = changes.description ?? group.description;
  if (changes.visibility !== undefined) {
    await regroupThreadTotals(db, group.id, changes.visibility);
  }
  await db
    .updateTable('groups')
    .set({
      name,
      sort_name: sortKey(name),
      search_text: searchText(`${name} ${description}`),
      description_md: description,
      visibility: changes.visibility ?? group.visibility,
      updated_at: now,
    })
    .where('id', '=', group.id)
    .execute();
  await indexGroup(db, group.id);
  const visibilityChanged =
    changes.visibility !== undefined && changes.visibility !== group.visibility;
  await recordAudit(
    db,
    {
      action: 'group.updated',
      actor,
      subject: { type: 'group', id: group.id },
      details: visibilityChanged
        ? {
            visibility: { before: group.visibility, after: changes.visibility },
          }
        : { fields: Object.keys(changes) },
    },
    now,
  );
}

/** Deletes a group with its memberships, requests and invitations. */
export async function deleteGroup(
  db: Db,
  actor: AuditActor,
  group: Group,
  now = new Date().toISOString(),
): Promise<void> {
  await db
    .deleteFrom('group_invitations')
    .where('group_id', '=', group.id)
    .execute();
  await db
    .deleteFrom('group_requests')
    .where('group_id', '=', group.id)
    .execute();
  await db
    .deleteFrom('group_members')
    .where('group_id', '=', group.id)
    .execute();
  await regroupThreadTotals(db, group.id, null);
  await db.deleteFrom('groups').where('id', '=', group.id).execute();
  await indexGroup(db, group.id);
  await recordAudit(
    db,
    {
      action: 'group.deleted',
      actor,
      subject: { type: 'group', id: group.id },
      details: { slug: group.slug, name: group.name },
    },
    now,
  );
}

export interface GroupFilter {
  /** Words that must all appear in the name or description. */
  q?: string;
  /** Only the groups this person is a member of. */
  memberId?: number;
}

/** A page of the groups `actor` may see, by name. */
export async function listGroups(
  db: Db,
  actor: Actor,
  filter: GroupFilter,
  page: PageRequest,
): Promise<{ items: (Group & { role: GroupRole | null })[]; total: number }> {
  const personId = actor.kind === 'person' ? actor.id : -1;
  const memberId = filter.memberId;
  let query = db.selectFrom('groups as g');
  // One person's groups are few: they are read from the memberships and
  // the rule asked of each by key. Filtered from every group the reader
  // may see, a profile's list read the whole directory (2,000 groups at
  // organisation scale, 10,000 at five times).
  query =
    memberId === undefined
      ? query.where('g.id', 'in', visibleGroupIds(db, actor))
      : query
          .where('g.id', 'in', (eb) =>
            eb
              .selectFrom('group_members as mine')
              .select('mine.group_id')
              .where('mine.person_id', '=', memberId),
          )
          .where(visibleGroup(actor, sql.ref('g.id')));
  // A group directory holds thousands of groups, not millions, so a scan
  // of the folded names with LIKE is fast enough and needs no index. The
  // folded words hold only letters, digits and marks: no LIKE wildcards.
  for (const word of searchWords(filter.q ?? '').slice(0, 10)) {
    query = query.where('g.search_text', 'like', `%${word}%`);
  }
  const [rows, count] = await Promise.all([
    query
      .leftJoin('group_members as m', (join) =>
        join.onRef('m.group_id', '=', 'g.id').on('m.person_id', '=', personId),
      )
      .select([...GROUP_COLUMNS, 'm.role', activeMemberCount('g.id')])
      .orderBy('g.sort_name')
      .orderBy('g.id')
      .limit(page.pageSize)
      .offset(page.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
  ]);
  return {
    items: rows.map((row) => ({ ...toGroup(row), role: row.role ?? null })),
    total: Number(count?.n ?? 0),
  };
}

/**
 * Keeps `groups.member_count` equal to the rows in `group_members`. Run in
 * the transaction that changed them.
 *
 * On PostgreSQL the group's row is locked before counting, so the count is
 * read after any other change of membership has committed. Counting in the
 * update alone, two people joining at once could each miss the other: the
 * second update waits for the first, then sets a count read from before it.
 * The lock is the one an update takes (platform/db/locks.ts), which
 * does not wait on the share lock each new membership's foreign key holds.
 */
export async function recountMembers(db: Db, groupId: number): Promise<void> {
  await lockRow(db, 'groups', groupId);
  await db
    .updateTable('groups')
    .set({
      member_count: sql<number>`(select count(*) from group_members
        where group_members.group_id = ${groupId})`,
    })
    .where('id', '=', groupId)
    .execute();
}
