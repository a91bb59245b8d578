import type { Db } from '../../../database.ts';
import type { OidcProviderConfig } from '../../../platform/config.ts';
import {
  createPerson,
  findAccountByEmail,
  findAccountById,
} from '../../people/accounts.ts';
import type { Account } from '../../people/accounts.ts';
import { partnerForEmail } from '../../admin/partners.ts';
import type { Identity } from './claims.ts';
import { oidcErrors } from './errors.ts';
import {
  listIdentityLinks,
  findLinkedPerson,
  hasIdentityAt,
  linkIdentity,
  touchIdentityLink,
} from './links.ts';
import { applyProfileClaims, departmentIdFor } from './profile-claims.ts';

/** Who a sign-in turned out to be, and whether they are new here. */
export interface ResolvedPerson {
  account: Account;
  /** How they were found: by an earlier link, by e-mail, or created. */
  via: 'link' | 'email' | 'created';
}

/**
 * Finds the person an identity signs in as, in the caller's transaction:
 *
 * 1. an identity linked before (issuer and subject) is that person;
 * 2. otherwise a verified e-mail address, compared without case, finds an
 *    account, which is then linked;
 * 3. otherwise a new person is created from the claims and linked.
 *
 * A deactivated person is refused, and so is an unverified or missing
 * address when there is no link. Profile claims are applied each time.
 * Throws an OidcError for every refusal; the caller rolls back.
 */
export async function resolvePerson(
  db: Db,
  identity: Identity,
  provider: OidcProviderConfig,
  now: string,
): Promise<ResolvedPerson> {
  const { issuer, subject } = identity;
  const linkedId = await findLinkedPerson(db, issuer, subject);
  const linked =
    linkedId === undefined ? undefined : await findAccountById(db, linkedId);
  if (linked) {
    refuseDeactivated(linked);
    await touchIdentityLink(db, issuer, subject, now);
    await applyProfileClaims(db, linked.id, identity.profile, now);
    return { account: linked, via: 'link' };
  }

  if (identity.email === null) {
    throw oidcErrors.emailMissing(provider.name);
  }
  if (!identity.emailVerified) {
    throw oidcErrors.emailUnverified(provider.name);
  }
  const email = identity.email;

  // A partner's provider vouches only for its own staff: the address must
  // be at a partner organisation's domain, and it may only find a guest,
  // never take over a member's or an administrator's account.
  const forGuests = provider.people === 'guest';
  if (forGuests && !(await partnerForEmail(db, email))) {
    throw oidcErrors.notAPartner(provider.name);
  }
  const existing = await findAccountByEmail(db, email);
  if (existing) {
    refuseDeactivated(existing);
    if (forGuests && existing.role !== 'guest') {
      throw oidcErrors.accountConflict(provider.name, existing);
    }
    // A guest already signing in through another partner's provider is
    // that partner's to vouch for, not this one's.
    if (
      forGuests &&
      (await listIdentityLinks(db, existing.id)).some(
        (link) => link.issuer !== issuer,
      )
    ) {
      throw oidcErrors.accountConflict(provider.name, existing);
    }
    if (await hasIdentityAt(db, existing.id, issuer)) {
      // The same provider already knows this person by another subject:
      // an address reused for a new starter must not inherit the account.
      throw oidcErrors.accountConflict(provider.name, existing);
    }
    await linkIdentity(
      db,
      { personId: existing.id, issuer, subject, email },
      now,
    );
    await applyProfileClaims(db, existing.id, identity.profile, now);
    return { account: existing, via: 'email' };
  }

  const id = await createPerson(
    db,
    {
      displayName: identity.displayName ?? email,
      email,
      jobTitle: identity.profile.jobTitle ?? null,
      departmentId: await departmentIdFor(
        db,
        identity.profile.department ?? null,
        now,
      ),
      source: 'oidc',
      role: forGuests ? 'guest' : 'member',
    },
    now,
  );
  await linkIdentity(db, { personId: id, issuer, subject, email }, now);
  const account = await findAccountById(db, id);
  if (!account) {
    throw new Error('a person created at sign-in could not be read back');
  }
  return { account, via: 'created' };
}

function refuseDeactivated(account: Account): void {
  if (!account.active) {
    throw oidcErrors.deactivated(account);
  }
}
