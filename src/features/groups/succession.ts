import type { Db } from '../../database.ts';
import { recordAudit } from '../audit/audit.ts';
import type { AuditActor } from '../audit/audit.ts';
import { hasOtherOwner } from './members.ts';

// A person who leaves is deactivated by an administrator, the identity
// provider (SCIM) or an import, and none of those can wait for the
// groups they ran to find a new owner: refusing would leave a leaver
// with access. So the leaving owner keeps their role (it comes back if
// they do), and each group they were the only active owner of is handed
// to someone still there: its longest-standing active admin, else its
// longest-standing active staff member. Guests never run a group. A group
// with nobody to take it keeps no active owner; site administrators can
// still manage it.

export interface HandedOver {
  groupId: number;
  /** The new owner, or null when nobody in the group could take it. */
  to: number | null;
}

/**
 * Hands each group that `personId` is the only active owner of to a
 * successor, in the caller's transaction, and records each change.
 */
export async function handOverGroupsOf(
  db: Db,
  personId: number,
  cause: { actor: AuditActor; clientAddress?: string | null },
  now: string,
): Promise<HandedOver[]> {
  const owned = await db
    .selectFrom('group_members')
    .select('group_id')
    .where('person_id', '=', personId)
    .where('role', '=', 'owner')
    .orderBy('group_id')
    .execute();
  const handed: HandedOver[] = [];
  for (const { group_id: groupId } of owned) {
    if (await hasOtherOwner(db, groupId, personId)) {
      continue;
    }
    const successor = await db
      .selectFrom('group_members as m')
      .innerJoin('people as p', 'p.id', 'm.person_id')
      .select(['m.person_id', 'm.role'])
      .where('m.group_id', '=', groupId)
      .where('m.person_id', '!=', personId)
      .where('m.role', 'in', ['admin', 'member'])
      .where('p.status', '=', 'active')
      .where('p.role', '!=', 'guest')
      .orderBy((eb) =>
        eb.case().when('m.role', '=', 'admin').then(0).else(1).end(),
      )
      .orderBy('m.joined_at')
      .orderBy('m.person_id')
      .limit(1)
      .executeTakeFirst();
    handed.push({ groupId, to: successor?.person_id ?? null });
    if (!successor) {
      continue;
    }
    await db
      .updateTable('group_members')
      .set({ role: 'owner' })
      .where('group_id', '=', groupId)
      .where('person_id', '=', successor.person_id)
      .execute();
    await recordAudit(
      db,
      {
        action: 'group.role.changed',
        actor: cause.actor,
        subject: { type: 'group', id: groupId },
        clientAddress: cause.clientAddress ?? null,
        details: {
          personId: successor.person_id,
          before: successor.role,
          after: 'owner',
          because: 'the only active owner was deactivated',
          deactivatedOwnerId: personId,
        },
      },
      now,
    );
  }
  return handed;
}
