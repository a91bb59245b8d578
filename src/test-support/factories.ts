import type { Db } from '../database.ts';
import { createPerson } from '../features/people/accounts.ts';
import type { NewPerson } from '../features/people/accounts.ts';
import {
  ensureDepartment,
  ensureUnit,
} from '../features/people/departments.ts';

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
