import type { Selectable } from 'kysely';
import { nameKey } from '../../../platform/text.ts';
import { emailKey } from '../accounts.ts';
import type { PeopleTable } from '../tables.ts';
import type { ImportContext } from './context.ts';

// Recognising a holder a return names among the people already in the
// directory. A personal address is the strongest sign, but an address on
// the account of someone of another name (a local account, a demo
// person, another department's holder) is not taken over: only people an
// import of the same organisation added are renamed by it. A name counts
// only when the addresses do not differ, and a holder kept apart from a
// namesake is known by a source key that adds their address.

/** One person a return names, with the details of their first row. */
export interface HolderPlan {
  /** The key people of this name in this organisation are known by. */
  nameSourceKey: string;
  name: string;
  /** The line of the holder's first row. */
  line: number;
  departmentId: number;
  unitName: string | null;
  jobTitle: string;
  grade: string | null;
  phone: string | null;
  /** An address only this person is given in the file. */
  email: string | null;
}

const PERSON_COLUMNS = [
  'id',
  'display_name',
  'job_title',
  'grade',
  'department_id',
  'unit_id',
  'phone',
  'email',
  'source',
  'source_key',
] as const;

type PersonRow = Pick<Selectable<PeopleTable>, (typeof PERSON_COLUMNS)[number]>;

/**
 * The person a plan names, if the directory has them, and the address the
 * holder may be given: theirs, or none when it belongs to someone else.
 * `synced` holds the people this import has already seen; a namesake
 * among them was warned about when the file was planned.
 */
export async function findHolder(
  ctx: ImportContext,
  plan: HolderPlan,
  synced: Set<number>,
): Promise<{ person?: PersonRow; byEmail: boolean; email: string | null }> {
  const { db } = ctx;
  let email = plan.email;
  // TODO: a role mailbox that one return gives only to a post's holder and
  // a later return gives only to their successor matches the successor to
  // the predecessor, who is renamed instead of a new person being added.
  const byEmail = email
    ? await db
        .selectFrom('people')
        .select(PERSON_COLUMNS)
        .where('email_key', '=', emailKey(email))
        .executeTakeFirst()
    : undefined;
  if (byEmail) {
    // Someone of another name is the same person renamed only when an
    // import of their own organisation's return added them.
    const renamed =
      byEmail.source === 'organogram' &&
      byEmail.source_key?.startsWith(`organogram:${plan.departmentId}:`);
    if (nameKey(byEmail.display_name) === nameKey(plan.name) || renamed) {
      return { person: byEmail, byEmail: true, email };
    }
    ctx.warn(
      `line ${plan.line}: the Contact E-mail ${email} already belongs to ` +
        `someone else, so ${plan.name} is imported without it`,
    );
    email = null;
  }

  const keys = [plan.nameSourceKey];
  if (email) {
    keys.push(emailSourceKey(plan, email));
  }
  const namesakes = await db
    .selectFrom('people')
    .select(PERSON_COLUMNS)
    .where('source_key', 'in', keys)
    .orderBy('id')
    .execute();
  const person = namesakes.find(
    (namesake) =>
      email === null ||
      namesake.email === null ||
      emailKey(namesake.email) === emailKey(email),
  );
  // TODO: a person whose address changes between returns (a new mail
  // domain) is kept apart from themselves and added again.
  if (!person && namesakes.some((namesake) => !synced.has(namesake.id))) {
    ctx.warn(
      `line ${plan.line}: ${plan.name} has another e-mail address than the ` +
        `${plan.name} already in the directory, ` +
        `so they are kept apart as two people`,
    );
  }
  return { ...(person ? { person } : {}), byEmail: false, email };
}

/** The key of a holder kept apart from a namesake by their address. */
function emailSourceKey(plan: HolderPlan, email: string): string {
  return `${plan.nameSourceKey}:${emailKey(email)}`;
}

/** The source key a new person may take: by name, else by address. */
export async function freeSourceKey(
  ctx: ImportContext,
  plan: HolderPlan,
  email: string | null,
): Promise<string | null> {
  const candidates = [plan.nameSourceKey];
  if (email) {
    candidates.push(emailSourceKey(plan, email));
  }
  const taken = await ctx.db
    .selectFrom('people')
    .select('source_key')
    .where('source_key', 'in', candidates)
    .execute();
  const used = new Set(taken.map((row) => row.source_key));
  return candidates.find((key) => !used.has(key)) ?? null;
}
