import type { Db } from '../../database.ts';
import { recordAudit } from '../audit/audit.ts';
import type { AuditActor } from '../audit/audit.ts';
import { AppError } from '../../platform/errors.ts';
import {
  countActiveAdmins,
  findAccountById,
  isClosed,
  setPersonStatus,
} from '../people/accounts.ts';
import { deleteSessionsOf } from './sessions.ts';
import { revokeTokensOf } from './tokens.ts';
import { revokeFeedTokensOf } from '../feeds/tokens.ts';
import { handOverGroupsOf } from '../groups/succession.ts';

/** Where a lifecycle change came from, for the audit log. */
export interface LifecycleCause {
  actor: AuditActor;
  /** admin page, API, command line, SCIM, import … */
  via: string;
  clientAddress?: string | null;
}

/**
 * Takes away a person's access at once, whichever path asks (BUG-15):
 * every session on every device ends, every API token and feed address is
 * revoked, and they leave the directory. What they wrote stays. A group
 * they alone ran passes to another of its members (groups/succession.ts).
 * Reactivating later gives none of the old sessions or tokens back. In
 * the caller's transaction.
 */
export async function deactivateAccount(
  db: Db,
  personId: number,
  cause: LifecycleCause,
  now = new Date(),
): Promise<boolean> {
  const account = await findAccountById(db, personId);
  if (
    account?.active &&
    account.role === 'admin' &&
    (await countActiveAdmins(db)) < 2
  ) {
    throw new AppError(
      409,
      'LAST_ADMINISTRATOR',
      'This is the only active administrator: make someone else one before deactivating them',
    );
  }
  const changed = await setPersonStatus(
    db,
    personId,
    'deactivated',
    now.toISOString(),
  );
  const sessions = await deleteSessionsOf(db, personId);
  const tokens = await revokeTokensOf(db, personId, now);
  const feeds = await revokeFeedTokensOf(db, personId, now);
  const handed = changed
    ? await handOverGroupsOf(db, personId, cause, now.toISOString())
    : [];
  if (changed) {
    await recordAudit(
      db,
      {
        action: 'account.deactivated',
        actor: cause.actor,
        subject: { type: 'person', id: personId },
        clientAddress: cause.clientAddress ?? null,
        details: {
          via: cause.via,
          sessionsEnded: sessions,
          tokensRevoked: tokens,
          feedAddressesRevoked: feeds,
          groupsHandedOver: handed.filter((group) => group.to !== null).length,
          groupsLeftWithoutOwner: handed
            .filter((group) => group.to === null)
            .map((group) => group.groupId),
        },
      },
      now.toISOString(),
    );
  }
  return changed;
}

/** Lets a deactivated person sign in again; old sessions stay ended. */
export async function reactivateAccount(
  db: Db,
  personId: number,
  cause: LifecycleCause,
  now = new Date(),
): Promise<boolean> {
  if (await isClosed(db, personId)) {
    throw new AppError(
      409,
      'ACCOUNT_CLOSED',
      'The identity provider removed this account; it can only be created again there',
    );
  }
  const changed = await setPersonStatus(
    db,
    personId,
    'active',
    now.toISOString(),
  );
  if (changed) {
    await recordAudit(
      db,
      {
        action: 'account.reactivated',
        actor: cause.actor,
        subject: { type: 'person', id: personId },
        clientAddress: cause.clientAddress ?? null,
        details: { via: cause.via },
      },
      now.toISOString(),
    );
  }
  return changed;
}
