import type { Db } from '../../database.ts';
import { ValidationError } from '../../platform/errors.ts';
import { recordAudit } from '../audit/audit.ts';
import type { AuditActor } from '../audit/audit.ts';
import {
  countActiveAdmins,
  findAccountById,
  setRole,
} from '../people/accounts.ts';
import type { PersonRole } from '../people/tables.ts';

export const ROLES: readonly PersonRole[] = ['admin', 'member', 'guest'];

export function isRole(value: unknown): value is PersonRole {
  return (
    typeof value === 'string' && (ROLES as readonly string[]).includes(value)
  );
}

/**
 * Gives someone a new role and records it. The site always keeps one
 * active administrator: the last one cannot be made anything else.
 */
export async function changeRole(
  db: Db,
  personId: number,
  role: PersonRole,
  actor: AuditActor,
  clientAddress: string | null = null,
): Promise<boolean> {
  const account = await findAccountById(db, personId);
  if (!account || account.role === role) {
    return false;
  }
  if (
    account.role === 'admin' &&
    account.active &&
    (await countActiveAdmins(db)) < 2
  ) {
    throw new ValidationError(
      { role: 'This is the only administrator; make someone else one first' },
      'The site needs an administrator',
      409,
    );
  }
  await setRole(db, personId, role);
  await recordAudit(db, {
    action: 'role.changed',
    actor,
    subject: { type: 'person', id: personId },
    clientAddress,
    details: { from: account.role, to: role },
  });
  return true;
}
