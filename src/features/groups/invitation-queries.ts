import type { Db } from '../../database.ts';
import { NotFoundError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/pagination.ts';
import { hashSecret } from '../auth/secrets.ts';
import { activeMemberCount } from './groups.ts';
import type { Group } from './groups.ts';
import type { GroupRole, GroupVisibility } from './tables.ts';

// Reading invitations: a group's, a person's, and the one a link's token
// belongs to. Only pending ones are ever found: an invitation past its
// expiry, or for an account deactivated since, is treated as not there.

/** An invitation waiting for its answer. */
export interface Invitation {
  id: number;
  /** Told to the invitee even when the group is secret: they may join it. */
  group: Group;
  invitee: {
    id: number;
    displayName: string;
    email: string | null;
    guest: boolean;
    /** Whether they can already sign in with a password here. */
    hasPassword: boolean;
  };
  role: GroupRole;
  /** Sent with a link, to someone from a partner body. */
  asGuest: boolean;
  invitedBy: { id: number; displayName: string } | null;
  createdAt: string;
  expiresAt: string;
}

function pendingInvitations(db: Db, now: string) {
  return db
    .selectFrom('group_invitations as i')
    .innerJoin('groups as g', 'g.id', 'i.group_id')
    .innerJoin('people as p', 'p.id', 'i.person_id')
    .leftJoin('people as inviter', 'inviter.id', 'i.invited_by')
    .where('i.expires_at', '>', now)
    .where('p.status', '=', 'active');
}

function selectInvitation(query: ReturnType<typeof pendingInvitations>) {
  return query.select((eb) => [
    'i.id',
    'i.role',
    'i.as_guest',
    'i.created_at',
    'i.expires_at',
    'g.id as group_id',
    'g.slug',
    'g.name',
    'g.description_md',
    'g.visibility',
    activeMemberCount('g.id'),
    'g.created_at as group_created_at',
    'g.updated_at as group_updated_at',
    'p.id as person_id',
    'p.display_name',
    'p.email',
    'p.role as person_role',
    eb('p.password_hash', 'is not', null).as('has_password'),
    'inviter.id as inviter_id',
    'inviter.display_name as inviter_name',
  ]);
}

type InvitationRow = Awaited<
  ReturnType<ReturnType<typeof selectInvitation>['executeTakeFirstOrThrow']>
>;

function toInvitation(row: InvitationRow): Invitation {
  return {
    id: row.id,
    group: {
      id: row.group_id,
      slug: row.slug,
      name: row.name,
      description: row.description_md,
      visibility: row.visibility as GroupVisibility,
      memberCount: Number(row.member_count),
      createdAt: row.group_created_at,
      updatedAt: row.group_updated_at,
    },
    invitee: {
      id: row.person_id,
      displayName: row.display_name,
      email: row.email,
      guest: row.person_role === 'guest',
      hasPassword: Boolean(row.has_password),
    },
    role: row.role,
    asGuest: Boolean(row.as_guest),
    invitedBy:
      row.inviter_id === null || row.inviter_name === null
        ? null
        : { id: row.inviter_id, displayName: row.inviter_name },
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/** A page of a group's pending invitations, newest first. */
export async function listGroupInvitations(
  db: Db,
  groupId: number,
  page: PageRequest,
  now = new Date().toISOString(),
): Promise<{ items: Invitation[]; total: number }> {
  return newestFirst(
    pendingInvitations(db, now).where('i.group_id', '=', groupId),
    page,
  );
}

/** A page of the invitations waiting for a person, newest first. */
export async function listInvitationsFor(
  db: Db,
  personId: number,
  page: PageRequest,
  now = new Date().toISOString(),
): Promise<{ items: Invitation[]; total: number }> {
  return newestFirst(
    pendingInvitations(db, now).where('i.person_id', '=', personId),
    page,
  );
}

/** One page of pending invitations, newest first, with their total. */
async function newestFirst(
  query: ReturnType<typeof pendingInvitations>,
  page: PageRequest,
): Promise<{ items: Invitation[]; total: number }> {
  const [rows, count] = await Promise.all([
    selectInvitation(query)
      .orderBy('i.created_at', 'desc')
      .orderBy('i.id', 'desc')
      .limit(page.pageSize)
      .offset(page.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
  ]);
  return { items: rows.map(toInvitation), total: Number(count?.n ?? 0) };
}

/** One of this person's pending invitations, by its id. */
export async function findInvitationFor(
  db: Db,
  personId: number,
  id: number,
  now = new Date().toISOString(),
): Promise<Invitation | undefined> {
  const row = await selectInvitation(
    pendingInvitations(db, now)
      .where('i.id', '=', id)
      .where('i.person_id', '=', personId),
  ).executeTakeFirst();
  return row && toInvitation(row);
}

/** A person's pending invitation to one group, for the group's page. */
export async function findInvitationToGroup(
  db: Db,
  personId: number,
  groupId: number,
  now = new Date().toISOString(),
): Promise<Invitation | undefined> {
  const row = await selectInvitation(
    pendingInvitations(db, now)
      .where('i.group_id', '=', groupId)
      .where('i.person_id', '=', personId),
  ).executeTakeFirst();
  return row && toInvitation(row);
}

/**
 * The pending invitation a link's token belongs to. An unknown, used or
 * expired token, or one for a deactivated account, finds nothing.
 */
export async function findInvitationByToken(
  db: Db,
  token: string,
  now = new Date().toISOString(),
): Promise<Invitation | undefined> {
  // A real token is 43 characters; anything far off is not worth hashing.
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) {
    return undefined;
  }
  const row = await selectInvitation(
    pendingInvitations(db, now).where('i.token_hash', '=', hashSecret(token)),
  ).executeTakeFirst();
  return row && toInvitation(row);
}

/** The refusal for an invitation that is not (or no longer) there. */
export function invitationNotFound(): NotFoundError {
  return new NotFoundError(
    'INVITATION_NOT_FOUND',
    'There is no such invitation, or it has expired',
  );
}
