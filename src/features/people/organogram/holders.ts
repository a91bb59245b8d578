import { nameKey, sortKey } from '../../../platform/text.ts';
import { createPerson, emailKey } from '../accounts.ts';
import type { FieldChange } from '../history.ts';
import { diffColumns } from './context.ts';
import type { ImportContext } from './context.ts';
import { findHolder, freeSourceKey } from './recognition.ts';
import type { HolderPlan } from './recognition.ts';
import type { SeniorRow } from './rows.ts';

// The people an organogram names. A named holder is recognised first by
// a personal e-mail address, then by their name within their own
// organisation (recognition.ts); otherwise they are added. Rows of one
// name are one holder unless their addresses differ. The import keeps the
// details a return is the authority for (name, job title, grade,
// department, unit, phone) and never touches what people write about
// themselves, their role or their password. It never deactivates anyone
// either: leaving an organogram is not leaving the organisation, and
// deprovisioning belongs to the identity lifecycle.

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
  const namesakes = new Map<string, HolderPlan[]>();
  const planOf = new Map<SeniorRow, HolderPlan>();
  for (const row of rows) {
    if (row.name === null) {
      continue;
    }
    const departmentId = await departmentOf(row);
    const nameSourceKey = `organogram:${departmentId}:${nameKey(row.name)}`;
    const email =
      row.email && personal.has(emailKey(row.email)) ? row.email : null;
    const others = namesakes.get(nameSourceKey) ?? [];
    let plan = sameHolder(others, email);
    if (!plan) {
      plan = {
        nameSourceKey,
        name: row.name,
        line: row.line,
        departmentId,
        unitName: row.unit,
        jobTitle: row.jobTitle,
        grade: row.grade,
        phone: row.phone,
        email,
      };
      const first = others[0];
      if (first) {
        ctx.warn(
          `line ${row.line}: ${row.name} has another e-mail address than ` +
            `${first.name} on line ${first.line}, ` +
            `so they are kept apart as two people`,
        );
      }
      others.push(plan);
      namesakes.set(nameSourceKey, others);
    }
    plan.email ??= email;
    planOf.set(row, plan);
  }

  const personOf = new Map<HolderPlan, number>();
  const synced = new Set<number>();
  for (const plans of namesakes.values()) {
    for (const plan of plans) {
      personOf.set(plan, await syncPerson(ctx, plan, synced));
    }
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

/** Among holders of one name, the one a row with `email` is. */
function sameHolder(
  namesakes: HolderPlan[],
  email: string | null,
): HolderPlan | undefined {
  if (email === null) {
    return namesakes[0];
  }
  const key = emailKey(email);
  return (
    namesakes.find((plan) => plan.email && emailKey(plan.email) === key) ??
    namesakes.find((plan) => plan.email === null)
  );
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
  const { person, byEmail, email } = await findHolder(ctx, plan, synced);
  const unitId = await ctx.unitId(plan.departmentId, plan.unitName);

  if (!person) {
    // Nobody has the address (the lookup found no one, or it was set
    // aside as someone else's), so the new person may take it.
    const id = await createPerson(
      db,
      {
        displayName: plan.name,
        email,
        phone: plan.phone,
        jobTitle: plan.jobTitle,
        grade: plan.grade,
        departmentId: plan.departmentId,
        unitId,
        source: 'organogram',
        sourceKey: await freeSourceKey(ctx, plan, email),
      },
      ctx.now,
    );
    const columns = {
      display_name: plan.name,
      email,
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
  // holds (had anyone, the lookup would have matched them) stays.
  if (person.email === null && email) {
    wanted.email = email;
  }
  // Someone recognised by address may have been renamed: move their key
  // along with the name, unless another person already has that key.
  if (byEmail && person.source_key !== plan.nameSourceKey) {
    const taken = await db
      .selectFrom('people')
      .select('id')
      .where('source_key', '=', plan.nameSourceKey)
      .executeTakeFirst();
    if (!taken) {
      wanted.source_key = plan.nameSourceKey;
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
  if (diff.email && email) {
    update.email_key = emailKey(email);
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
