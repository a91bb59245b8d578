import type { Db } from '../../../database.ts';
import { ensureDepartment } from '../../people/departments.ts';
import { reindexPerson } from '../../people/directory-index.ts';
import { recordChange } from '../../people/history.ts';
import type { FieldChange } from '../../people/history.ts';
import type { ProfileClaims } from './claims.ts';

/** A department name from a claim as the id of that department. */
export async function departmentIdFor(
  db: Db,
  name: string | null,
  now: string,
): Promise<number | null> {
  return name === null
    ? null
    : (await ensureDepartment(db, name, now)).department.id;
}

/**
 * Brings a person's department and job title into line with what their
 * provider says, at each sign-in. A change is recorded in the directory's
 * history, as the person's own, and the directory index updated; nothing
 * is written when nothing changed. Returns whether anything did.
 */
export async function applyProfileClaims(
  db: Db,
  personId: number,
  profile: ProfileClaims,
  now: string,
): Promise<boolean> {
  if (profile.department === undefined && profile.jobTitle === undefined) {
    return false;
  }
  const before = await db
    .selectFrom('people')
    .select(['department_id', 'unit_id', 'job_title'])
    .where('id', '=', personId)
    .executeTakeFirstOrThrow();

  const update: {
    department_id?: number | null;
    unit_id?: null;
    job_title?: string | null;
  } = {};
  const fields: Record<string, FieldChange> = {};
  if (profile.department !== undefined) {
    const departmentId = await departmentIdFor(db, profile.department, now);
    if (departmentId !== before.department_id) {
      update.department_id = departmentId;
      fields.department_id = [before.department_id, departmentId];
      // A unit belongs to one department, so it cannot follow them.
      if (before.unit_id !== null) {
        update.unit_id = null;
        fields.unit_id = [before.unit_id, null];
      }
    }
  }
  if (profile.jobTitle !== undefined && profile.jobTitle !== before.job_title) {
    update.job_title = profile.jobTitle;
    fields.job_title = [before.job_title, profile.jobTitle];
  }
  if (Object.keys(fields).length === 0) {
    return false;
  }

  await db
    .updateTable('people')
    .set({ ...update, updated_at: now })
    .where('id', '=', personId)
    .execute();
  await recordChange(
    db,
    {
      subject: 'person',
      subjectId: personId,
      change: 'updated',
      fields,
      actorId: personId,
    },
    now,
  );
  await reindexPerson(db, personId);
  return true;
}
