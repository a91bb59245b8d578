import type { Db } from '../../../database.ts';

/** One identity at one provider, and the person it signs in as. */
export interface IdentityLink {
  personId: number;
  issuer: string;
  subject: string;
  emailAtLink: string | null;
  createdAt: string;
  lastSignInAt: string;
}

/** The person an identity is linked to, if it is. */
export async function findLinkedPerson(
  db: Db,
  issuer: string,
  subject: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('identity_links')
    .select('person_id')
    .where('issuer', '=', issuer)
    .where('subject', '=', subject)
    .executeTakeFirst();
  return row?.person_id;
}

/** True when a person already has an identity at this issuer. */
export async function hasIdentityAt(
  db: Db,
  personId: number,
  issuer: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('identity_links')
    .select('id')
    .where('person_id', '=', personId)
    .where('issuer', '=', issuer)
    .executeTakeFirst();
  return row !== undefined;
}

/** Links an identity to a person; the pair must not be linked yet. */
export async function linkIdentity(
  db: Db,
  link: {
    personId: number;
    issuer: string;
    subject: string;
    email: string | null;
  },
  now: string,
): Promise<void> {
  await db
    .insertInto('identity_links')
    .values({
      person_id: link.personId,
      issuer: link.issuer,
      subject: link.subject,
      email_at_link: link.email,
      created_at: now,
      last_sign_in_at: now,
    })
    .execute();
}

/** Notes a sign-in through a link. */
export async function touchIdentityLink(
  db: Db,
  issuer: string,
  subject: string,
  now: string,
): Promise<void> {
  await db
    .updateTable('identity_links')
    .set({ last_sign_in_at: now })
    .where('issuer', '=', issuer)
    .where('subject', '=', subject)
    .execute();
}

/** A person's links, oldest first. */
export async function listIdentityLinks(
  db: Db,
  personId: number,
): Promise<IdentityLink[]> {
  const rows = await db
    .selectFrom('identity_links')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    personId: row.person_id,
    issuer: row.issuer,
    subject: row.subject,
    emailAtLink: row.email_at_link,
    createdAt: row.created_at,
    lastSignInAt: row.last_sign_in_at,
  }));
}

/**
 * Unlinks every identity of a person, so that none of them signs in as
 * that person again; the provider's next sign-in is matched afresh, as
 * for someone new. Returns how many links there were.
 */
export async function removeIdentityLinks(
  db: Db,
  personId: number,
): Promise<number> {
  const result = await db
    .deleteFrom('identity_links')
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
