import { FieldValidator } from '../../platform/validation.ts';
import { PROFILE_LIMITS } from '../people/profiles.ts';
import { isPersonId } from './api-support.ts';
import type { GroupRole } from './tables.ts';

/** Whom a group's manager invites, as a form or the API sends it. */
export interface InvitationRequest {
  /** Sent as a guest: name and address, for someone at a partner body. */
  guest: boolean;
  email?: string;
  /** Staff only: the person's id instead of their address. */
  personId?: number;
  /** The guest's name, for the account made for them. */
  name?: string;
  /** Owners are made by handing over ownership, never by invitation. */
  role: Exclude<GroupRole, 'owner'>;
}

/**
 * Checks an invitation: `{email, role?}` or `{personId, role?}` for staff,
 * `{email, name}` for a guest. Shared by the pages and the API, so both
 * refuse the same things in the same words.
 */
export function readInvitation(
  input: Record<string, unknown>,
  guest: boolean,
): InvitationRequest {
  const fields = new FieldValidator(input);
  if (guest) {
    const name = fields.text('name', {
      label: 'Name',
      max: PROFILE_LIMITS.displayName,
      required: true,
    });
    const email = fields.email('email', {
      label: 'E-mail address',
      required: true,
    });
    fields.done();
    return { guest, name: name ?? '', email: email ?? '', role: 'member' };
  }

  const role = readInvitedRole(fields, input.role);
  if (input.personId !== undefined && input.email === undefined) {
    const personId = input.personId;
    if (!isPersonId(personId)) {
      fields.fail('personId', 'personId must be a whole number');
    }
    fields.done();
    return { guest, personId: personId as number, role };
  }
  const email = fields.email('email', {
    label: 'E-mail address',
    required: true,
  });
  fields.done();
  return { guest, email: email ?? '', role };
}

function readInvitedRole(
  fields: FieldValidator,
  raw: unknown,
): InvitationRequest['role'] {
  if (raw === undefined || raw === null || raw === '') {
    return 'member';
  }
  if (raw !== 'member' && raw !== 'admin') {
    fields.fail('role', 'Role must be member or admin');
    return 'member';
  }
  return raw;
}

/**
 * An invitation's id from the address. Anything that is not a plausible id
 * reads as 0, which no row has, so it is simply not found.
 */
export function readInvitationId(value: string): number {
  const id = /^[1-9]\d{0,9}$/.test(value) ? Number(value) : 0;
  // Ids are PostgreSQL integers: a larger number would be a database error.
  return id <= 2_147_483_647 ? id : 0;
}
