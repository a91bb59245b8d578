import { nameKey, sortKey } from '../../../platform/text.ts';
import { createPerson, emailKey } from '../accounts.ts';
import type { FieldChange } from '../history.ts';
import { diffColumns } from './context.ts';
import type { ImportContext } from './context.ts';
import type { SeniorRow } from './rows.ts';

// The people an organogram names. A named holder is recognised first by
// a personal e-mail address, then by their name within their own
// organisation; otherwise they are added. The import keeps the details a
// return is the authority for (name, job title, grade, department, unit,
// phone) and never touches what people write about themselves, their
// role or their password. It never deactivates anyone either: leaving an
// organogram is not leaving the organisation, and deprovisioning belongs
// to the identity lifecycle.

interface HolderPlan {
  sourceKey: string;
  name: string;
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
  'source_key',
] as const;

/**
 * Finds or adds the person each named row names and brings their details
 * up to date; a person with several posts takes them from their first row
 * in the file. Returns the person for each named row.
 */
export async function syncHolders(
  ctx: ImportContext,
  rows: SeniorRow[],
  departmentOf: (row: SeniorRow) => Promise<number>,
): Promise<Map<SeniorRow, number>> {
  const personal = personalAddresses(rows);
  const plans = new Map<string, HolderPlan>();
  const planOf = new Map<SeniorRow, HolderPlan>();
  for (const row of rows) {
    if (row.name === null) {
      continue;
    }
    const departmentId = await departmentOf(row);
    const sourceKey = `organogram:${departmentId}:${nameKey(row.name)}`;
    const email =
      row.email && personal.has(emailKey(row.email)) ? row.email : null;
    const plan = plans.get(sourceKey) ?? {
      sourceKey,
      name: row.name,
      departmentId,
      unitName: row.unit,
      jobTitle: row.jobTitle,
      grade: row.grade,
      phone: row.phone,
      email,
    };
    plan.email ??= email;
    plans.set(sourceKey, plan);
    planOf.set(row, plan);
  }

  const personOf = new Map<HolderPlan, number>();
  const synced = new Set<number>();
  for (const plan of plans.values()) {
    const personId = await syncPerson(ctx, plan, synced);
    personOf.set(plan, personId);
  }
  const result = new Map<SeniorRow, number>();
  for (const [row, plan] of planOf) {
    const personId = personOf.get(plan);
    if (personId !== undefined) {
      result.set(row, personId);
    }
  }
  return result;
}

/**
 * The addresses that name one person in this file. Returns publish shared
 * mailboxes (a private office, a correspondence unit) against many posts;
 * matching people on one of those would merge everyone who shares it.
 */
function personalAddresses(rows: SeniorRow[]): Set<string> {
  const names = new Map<string, Set<string>>();
  for (const row of rows) {
    if (row.name !== null && row.email !== null) {
      const key = emailKey(row.email);
      const holders = names.get(key) ?? new Set<string>();
      holders.add(nameKey(row.name));
      names.set(key, holders);
    }
  }
  return new Set(
    [...names].filter(([, holders]) => holders.size === 1).map(([key]) => key),
  );
}

async function syncPerson(
  ctx: ImportContext,
  plan: HolderPlan,
  synced: Set<number>,
): Promise<number> {
  const { db } = ctx;
  // TODO: a role mailbox that one return gives only to a post's holder and
  // a later return gives only to their successor matches the successor to
  // the predecessor, who is renamed instead of a new person being added.
  const byEmail = plan.email
    ? await db
        .selectFrom('people')
        .select(PERSON_COLUMNS)
        .where('email_key', '=', emailKey(plan.email))
        .executeTakeFirst()
    : undefined;
  const person =
    byEmail ??
    (await db
      .selectFrom('people')
      .select(PERSON_COLUMNS)
      .where('source_key', '=', plan.sourceKey)
      .executeTakeFirst());
  const unitId = await ctx.unitId(plan.departmentId, plan.unitName);

  if (!person) {
    // Nobody has the address (the lookup above found no one), so the new
    // person may take it.
    const id = await createPerson(
      db,
      {
        displayName: plan.name,
        email: plan.email,
        phone: plan.phone,
        jobTitle: plan.jobTitle,
        grade: plan.grade,
        departmentId: plan.departmentId,
        unitId,
        source: 'organogram',
        sourceKey: plan.sourceKey,
      },
      ctx.now,
    );
    const columns = {
      display_name: plan.name,
      email: plan.email,
      phone: plan.phone,
      job_title: plan.jobTitle,
      grade: plan.grade,
      department_id: plan.departmentId,
      unit_id: unitId,
    };
    const fields: Record<string, FieldChange> = {};
    for (const [column, value] of Object.entries(columns)) {
      if (value !== null) {
        fields[column] = [null, value];
      }
    }
    await ctx.record('person', id, 'created', fields);
    ctx.report.people.created += 1;
    ctx.peopleToReindex.add(id);
    synced.add(id);
    return id;
  }
  if (synced.has(person.id)) {
    return person.id;
  }
  synced.add(person.id);

  const wanted: Partial<typeof person> = {
    display_name: plan.name,
    job_title: plan.jobTitle,
    grade: plan.grade,
    department_id: plan.departmentId,
    unit_id: unitId,
    phone: plan.phone,
  };
  // An address is filled in only where there is none; an address someone
  // holds (had anyone, the lookup above would have matched them) stays.
  if (person.email === null && plan.email) {
    wanted.email = plan.email;
  }
  // Someone recognised by address may have been renamed: move their key
  // along with the name, unless another person already has that key.
  if (byEmail && person.source_key !== plan.sourceKey) {
    const taken = await db
      .selectFrom('people')
      .select('id')
      .where('source_key', '=', plan.sourceKey)
      .executeTakeFirst();
    if (!taken) {
      wanted.source_key = plan.sourceKey;
    }
  }
  const diff = diffColumns(person, wanted);
  if (Object.keys(diff).length === 0) {
    return person.id;
  }
  const update: Record<string, unknown> = {};
  for (const [column, [, value]] of Object.entries(diff)) {
    update[column] = value;
  }
  if (diff.display_name) {
    update.sort_name = sortKey(plan.name);
  }
  if (diff.email && plan.email) {
    update.email_key = emailKey(plan.email);
  }
  await db
    .updateTable('people')
    .set({ ...update, updated_at: ctx.now })
    .where('id', '=', person.id)
    .execute();
  await ctx.record('person', person.id, 'updated', diff);
  ctx.report.people.updated += 1;
  ctx.peopleToReindex.add(person.id);
  return person.id;
}
