import type { Db } from '../database.ts';
import { createPerson } from '../features/people/accounts.ts';
import type { NewPerson } from '../features/people/accounts.ts';
import {
  ensureDepartment,
  ensureUnit,
} from '../features/people/departments.ts';
import {
  reindexPerson,
  reindexPost,
} from '../features/people/directory-index.ts';
import type { HolderKind } from '../features/people/tables.ts';

let sequence = 0;

/** A number no other fixture in this process has used. */
export function nextNumber(): number {
  sequence += 1;
  return sequence;
}

const NOW = '2026-12-01T09:00:00.000Z';

/** A department, by default with a made-up unique name. */
export async function buildDepartment(db: Db, name?: string) {
  const result = await ensureDepartment(
    db,
    name ?? `Department of Tests ${nextNumber()}`,
    NOW,
  );
  return result.department;
}

export async function buildUnit(db: Db, departmentId: number, name?: string) {
  return ensureUnit(db, departmentId, name ?? `Unit ${nextNumber()}`, NOW);
}

/** A person with a unique name and e-mail address; override anything. */
export async function buildPerson(
  db: Db,
  overrides: Partial<NewPerson> = {},
): Promise<number> {
  const n = nextNumber();
  return createPerson(
    db,
    {
      displayName: `Test Person ${n}`,
      email: `person${n}@example.gov.uk`,
      source: 'test',
      ...overrides,
    },
    NOW,
  );
}

/** A post in a department; holders are person ids. */
export async function buildPost(
  db: Db,
  options: {
    departmentId: number;
    jobTitle?: string;
    reference?: string;
    grade?: string;
    unitId?: number | null;
    reportsToPostId?: number | null;
    holderKind?: HolderKind;
    holderIds?: number[];
  },
): Promise<number> {
  const reference = options.reference ?? `P${nextNumber()}`;
  const row = await db
    .insertInto('posts')
    .values({
      department_id: options.departmentId,
      reference,
      organisation: null,
      unit_id: options.unitId ?? null,
      job_title: options.jobTitle ?? `Post ${reference}`,
      job_function: null,
      grade: options.grade ?? null,
      holder_kind:
        options.holderKind ?? (options.holderIds?.length ? 'named' : 'vacant'),
      reports_to_reference: null,
      reports_to_post_id: options.reportsToPostId ?? null,
      fte: 1,
      phone: null,
      email: null,
      pay_floor: null,
      pay_ceiling: null,
      professional_group: null,
      ended_at: null,
      created_at: NOW,
      updated_at: NOW,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const personId of options.holderIds ?? []) {
    await db
      .insertInto('post_holders')
      .values({ post_id: row.id, person_id: personId })
      .execute();
    await reindexPerson(db, personId);
  }
  await reindexPost(db, row.id);
  return row.id;
}
