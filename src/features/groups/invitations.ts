import type { PersonActor } from '../../access/actor.ts';
import { canInGroup } from '../../access/groups.ts';
import type { Db } from '../../database.ts';
import { ForbiddenError, ValidationError } from '../../platform/errors.ts';
import { partnerForEmail } from '../admin/partners.ts';
import { recordAudit } from '../audit/audit.ts';
import type { AuditActor } from '../audit/audit.ts';
import { hashSecret, newSecret } from '../auth/secrets.ts';
import {
  createPerson,
  findAccountByEmail,
  findAccountById,
  setPasswordHash,
} from '../people/accounts.ts';
import type { Account } from '../people/accounts.ts';
import type { GroupForReader } from './groups.ts';
import type { InvitationRequest } from './invitation-input.ts';
import { findInvitationFor, invitationNotFound } from './invitation-queries.ts';
import type { Invitation } from './invitation-queries.ts';
import { addMember, roleOf } from './members.ts';
import { invitationSent } from '../activity/hooks.ts';

// Invitations into a group, for staff and for guests from partner bodies.
//
// - A staff invitation waits on the invitee's groups page for 30 days; they
//   are signed in already, so it needs no link.
// - A guest invitation carries a link with a random token, valid 14 days,
//   because a new guest has no way in yet: the link lets them set a
//   password, or sends them to sign in. Only the token's SHA-256 is kept,
//   so the database cannot give the link away; the inviter sees it once.
// - One invitation per person and group: inviting again replaces it (a new
//   role, a new expiry, a new link), which is how a lost link is replaced.
// - An answered invitation is deleted, so a link works once; the audit log
//   keeps the story. An expired one is treated everywhere as not there.

const DAY_MS = 24 * 60 * 60 * 1000;
export const STAFF_INVITATION_DAYS = 30;
export const GUEST_INVITATION_DAYS = 14;

/** What inviting someone gives back; the token exists only here. */
export interface InvitationSent {
  invitation: Invitation;
  /** The link's secret for a guest invitation, otherwise null. */
  token: string | null;
  /** A guest account was made for the invitee just now. */
  newAccount: boolean;
}

/**
 * Invites someone into a group. The caller owns the transaction and has
 * checked that `inviter` may invite at all; this checks the kind of
 * invitation against the rule, since an address sent as a guest may turn
 * out to be staff.
 */
export async function invite(
  db: Db,
  inviter: PersonActor,
  group: GroupForReader,
  request: InvitationRequest,
  now = new Date(),
): Promise<InvitationSent> {
  const field = request.personId === undefined ? 'email' : 'personId';
  let newAccount = false;
  let account = await findInvitee(db, request);
  if (account && !account.active) {
    throw new ValidationError({
      [field]:
        field === 'email'
          ? 'The account with that e-mail address is deactivated'
          : 'That person’s account is deactivated',
    });
  }
  if (request.guest && !account) {
    account = await createGuest(db, inviter, request, now);
    newAccount = true;
  }
  if (!account) {
    throw new ValidationError({
      [field]:
        field === 'email'
          ? 'No member of staff uses that e-mail address. To invite ' +
            'someone from a partner organisation, invite them as a guest'
          : 'There is no member of staff with that id',
    });
  }
  const guest = account.role === 'guest';
  if (guest && !request.guest) {
    throw new ValidationError({
      [field]:
        'That address belongs to a guest. Invite them as a guest instead',
    });
  }
  const action = guest ? 'group.inviteGuests' : 'group.manage';
  if (!canInGroup(inviter, action, group)) {
    throw new ForbiddenError(
      'GROUP_FORBIDDEN',
      'Only the group’s owners and admins can do that',
    );
  }
  if ((await roleOf(db, group.id, account.id)) !== null) {
    throw new ValidationError(
      { [field]: `${account.displayName} is already a member of this group` },
      'That person is already a member',
      409,
    );
  }

  // A guest always joins as a member: running a group is for staff.
  const role = guest ? 'member' : request.role;
  const token = guest ? newSecret() : null;
  const days = guest ? GUEST_INVITATION_DAYS : STAFF_INVITATION_DAYS;
  const row = {
    group_id: group.id,
    person_id: account.id,
    role,
    as_guest: guest ? 1 : 0,
    token_hash: token === null ? null : hashSecret(token),
    invited_by: inviter.id,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + days * DAY_MS).toISOString(),
  };
  const { id } = await db
    .insertInto('group_invitations')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['group_id', 'person_id']).doUpdateSet({
        role: row.role,
        as_guest: row.as_guest,
        token_hash: row.token_hash,
        invited_by: row.invited_by,
        created_at: row.created_at,
        expires_at: row.expires_at,
      }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(
    db,
    {
      action: guest ? 'guest.invited' : 'group.invited',
      actor: auditActor(inviter),
      subject: { type: 'group', id: group.id },
      details: {
        groupId: group.id,
        slug: group.slug,
        personId: account.id,
        asGuest: guest,
        role,
        ...(guest ? { newAccount } : {}),
      },
    },
    now.toISOString(),
  );
  await invitationSent(db, inviter, { ...row, id }, group);
  // TODO: a new guest's invitation e-mail points at their invitations
  // page, which they cannot open until they follow the one-time link the
  // inviter passes on; we do not e-mail that link, because the job queue
  // would keep the secret in plain text until the message went.
  const invitation = await findInvitationFor(
    db,
    account.id,
    id,
    now.toISOString(),
  );
  if (!invitation) {
    throw new Error('an invitation just written cannot be read back');
  }
  return { invitation, token, newAccount };
}

async function findInvitee(
  db: Db,
  request: InvitationRequest,
): Promise<Account | undefined> {
  return request.personId === undefined
    ? findAccountByEmail(db, request.email ?? '')
    : findAccountById(db, request.personId);
}

/**
 * A guest account for someone at a partner body, with no password: the
 * invitation link lets them set one, or their partner's identity provider
 * signs them in by their verified address.
 */
async function createGuest(
  db: Db,
  inviter: PersonActor,
  request: InvitationRequest,
  now: Date,
): Promise<Account> {
  const email = request.email ?? '';
  const partner = await partnerForEmail(db, email);
  if (!partner) {
    const domain = email.trim().toLowerCase().split('@').pop() ?? '';
    throw new ValidationError({
      email:
        `No partner organisation uses ${domain}. ` +
        'Ask a site administrator to add it',
    });
  }
  const id = await createPerson(
    db,
    {
      displayName: request.name ?? email,
      email,
      role: 'guest',
      source: 'invitation',
    },
    now.toISOString(),
  );
  await recordAudit(
    db,
    {
      action: 'account.created',
      actor: auditActor(inviter),
      subject: { type: 'person', id },
      details: {
        role: 'guest',
        via: 'group invitation',
        partner: partner.name,
      },
    },
    now.toISOString(),
  );
  const account = await findAccountById(db, id);
  if (!account) {
    throw new Error('a guest just created cannot be read back');
  }
  return account;
}

/**
 * Makes the invitee a member and deletes the invitation, in the caller's
 * transaction. The invitation is claimed by deleting it first, so of two
 * answers at once only one can join; the invitee must still be active.
 */
export async function acceptInvitation(
  db: Db,
  invitation: Invitation,
  now = new Date().toISOString(),
): Promise<void> {
  const account = await findAccountById(db, invitation.invitee.id);
  if (!account?.active) {
    throw invitationNotFound();
  }
  await claim(db, invitation, now);
  await addMember(
    db,
    { personId: account.id, label: account.displayName },
    invitation.group,
    account.id,
    invitation.role,
    now,
  );
}

/**
 * A new guest's first visit: sets their password and accepts, in the
 * caller's transaction. Refused if they have set a password meanwhile;
 * the claim on the invitation makes a second use of the link fail.
 */
export async function acceptWithNewPassword(
  db: Db,
  invitation: Invitation,
  passwordHash: string,
  clientAddress: string,
  now = new Date().toISOString(),
): Promise<void> {
  const account = await findAccountById(db, invitation.invitee.id);
  if (!account?.active || account.passwordHash !== null) {
    throw invitationNotFound();
  }
  await claim(db, invitation, now);
  await setPasswordHash(db, account.id, passwordHash, now);
  await recordAudit(
    db,
    {
      action: 'password.set',
      actor: { personId: account.id, label: account.displayName },
      subject: { type: 'person', id: account.id },
      clientAddress,
      details: { via: 'group invitation' },
    },
    now,
  );
  await addMember(
    db,
    { personId: account.id, label: account.displayName },
    invitation.group,
    account.id,
    invitation.role,
    now,
  );
}

async function claim(
  db: Db,
  invitation: Invitation,
  now: string,
): Promise<void> {
  const result = await db
    .deleteFrom('group_invitations')
    .where('id', '=', invitation.id)
    .where('person_id', '=', invitation.invitee.id)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) {
    throw invitationNotFound();
  }
}

/** Turns down one of a person's invitations; false when there is none. */
export async function declineInvitation(
  db: Db,
  personId: number,
  id: number,
  now = new Date().toISOString(),
): Promise<boolean> {
  const result = await db
    .deleteFrom('group_invitations')
    .where('id', '=', id)
    .where('person_id', '=', personId)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Withdraws an invitation of a group, expired or not, so its link stops
 * working at once; false when the group has no such invitation.
 */
export async function revokeInvitation(
  db: Db,
  groupId: number,
  id: number,
): Promise<boolean> {
  const result = await db
    .deleteFrom('group_invitations')
    .where('id', '=', id)
    .where('group_id', '=', groupId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

function auditActor(actor: PersonActor): AuditActor {
  return { personId: actor.id, label: actor.displayName };
}
