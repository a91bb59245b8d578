import type { Db } from '../../database.ts';
import { invalidValue } from './errors.ts';
import { holdUsers } from './locks.ts';
import { scimPeople } from './users-query.ts';

// Members are read and written a slice at a time, so a group of every
// member of staff costs no more per query than a small one.
const CHUNK = 500;

/**
 * 400 invalidValue unless every id is a User SCIM can see, and they stay
 * so until the transaction ends (see holdUsers).
 */
async function assertUsersExist(db: Db, ids: number[]): Promise<void> {
  const sorted = [...ids].sort((a, b) => a - b);
  for (let start = 0; start < sorted.length; start += CHUNK) {
    const slice = sorted.slice(start, start + CHUNK);
    await holdUsers(db, slice);
    const found = await scimPeople(db)
      .select('p.id')
      .where('p.id', 'in', slice)
      .execute();
    const known = new Set(found.map((row) => row.id));
    const missing = slice.find((id) => !known.has(id));
    if (missing !== undefined) {
      throw invalidValue(`members: there is no User with the id ${missing}`);
    }
  }
}

/** Adds Users to a group; those already in it stay as they are. */
export async function addMembers(
  db: Db,
  groupId: number,
  personIds: number[],
): Promise<void> {
  await assertUsersExist(db, personIds);
  for (let start = 0; start < personIds.length; start += CHUNK) {
    const slice = personIds.slice(start, start + CHUNK);
    await db
      .insertInto('scim_group_members')
      .values(
        slice.map((personId) => ({ group_id: groupId, person_id: personId })),
      )
      .onConflict((oc) => oc.columns(['group_id', 'person_id']).doNothing())
      .execute();
  }
}

/** Takes people out of a group; with no list given, everyone. */
export async function removeMembers(
  db: Db,
  groupId: number,
  personIds?: number[],
): Promise<void> {
  if (personIds === undefined) {
    await db
      .deleteFrom('scim_group_members')
      .where('group_id', '=', groupId)
      .execute();
    return;
  }
  for (let start = 0; start < personIds.length; start += CHUNK) {
    await db
      .deleteFrom('scim_group_members')
      .where('group_id', '=', groupId)
      .where('person_id', 'in', personIds.slice(start, start + CHUNK))
      .execute();
  }
}

/**
 * Moves on the version of every group a person is in, for a change made
 * from the User's side that those groups show: leaving them all, or a new
 * name as their members' display.
 */
export async function touchGroupsOf(
  db: Db,
  personId: number,
  now: string,
): Promise<void> {
  await db
    .updateTable('scim_groups')
    .set({ updated_at: now })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('scim_group_members')
        .select('group_id')
        .where('person_id', '=', personId),
    )
    .execute();
}
