import type { Db } from '../../database.ts';
import { emailKey } from '../people/accounts.ts';
import { invalidValue, ScimError } from './errors.ts';
import { holdUsers } from './locks.ts';
import type { UserFields } from './user-fields.ts';
import { scimPeople, userNameKey } from './users-query.ts';

// The checks on a User that need the database: what must be unique, and
// whom a manager may be.

/** 409 uniqueness when another person has the userName or e-mail address. */
export async function assertUnique(
  db: Db,
  fields: UserFields,
  selfId: number | null,
): Promise<void> {
  const key = userNameKey(fields.userName);
  let query = db
    .selectFrom('people')
    .select('id')
    .where((eb) =>
      eb.or([
        eb('user_name_key', '=', key),
        eb.and([eb('user_name_key', 'is', null), eb('email_key', '=', key)]),
      ]),
    );
  if (selfId !== null) {
    query = query.where('id', '!=', selfId);
  }
  if (await query.executeTakeFirst()) {
    throw new ScimError(
      409,
      `The userName ${fields.userName} is already taken`,
      'uniqueness',
    );
  }
  if (fields.email === null) {
    return;
  }
  let email = db
    .selectFrom('people')
    .select('id')
    .where('email_key', '=', emailKey(fields.email));
  if (selfId !== null) {
    email = email.where('id', '!=', selfId);
  }
  if (await email.executeTakeFirst()) {
    throw new ScimError(
      409,
      `The e-mail address ${fields.email} belongs to another person`,
      'uniqueness',
    );
  }
}

/** The manager's id once checked to be another User SCIM can see. */
export async function checkManager(
  db: Db,
  managerId: number | null,
  selfId: number | null,
): Promise<number | null> {
  if (managerId === null) {
    return null;
  }
  if (managerId === selfId) {
    throw invalidValue('manager: a person cannot be their own manager');
  }
  await holdUsers(db, [managerId]);
  const found = await scimPeople(db)
    .select('p.id')
    .where('p.id', '=', managerId)
    .executeTakeFirst();
  if (!found) {
    throw invalidValue(`manager: there is no User with the id ${managerId}`);
  }
  return managerId;
}
