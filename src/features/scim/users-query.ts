import { sql } from 'kysely';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database, Db } from '../../database.ts';
import { cleanLine } from '../../platform/text.ts';
import { emailKey } from '../people/accounts.ts';
import { USER_MODEL } from './attributes.ts';
import { project } from './documents.ts';
import type { JsonObject } from './documents.ts';
import { invalidFilter } from './errors.ts';
import { compileFilter, listResponse, textValue } from './listing.ts';
import type { FilterLeaf, ListRequest } from './listing.ts';
import { ENTERPRISE_SCHEMA, USER_SCHEMA } from './urns.ts';
import { contentVersion, resourceMeta } from './versions.ts';

// Users are every person on the site, not only those SCIM created: a
// provisioning client must be able to find an account that already exists
// (by userName or e-mail address) to link it rather than make a twin.
// People the client deleted are the exception; they are gone for SCIM.

/** How userName is compared: RFC 7643 makes it caseExact false. */
export function userNameKey(userName: string): string {
  return cleanLine(userName).toLowerCase();
}

type PeopleBuilder = ExpressionBuilder<
  Database & { p: Database['people']; s: Database['scim_users'] },
  'p' | 's'
>;

/** The people SCIM can see: everyone but those it deleted. */
export function scimPeople(db: Db) {
  return db
    .selectFrom('people as p')
    .leftJoin('scim_users as s', 's.person_id', 'p.id')
    .where('s.deleted_at', 'is', null);
}

function fullUsers(db: Db) {
  return scimPeople(db)
    .leftJoin('departments as d', 'd.id', 'p.department_id')
    .leftJoin('people as m', 'm.id', 'p.manager_id')
    .select([
      'p.id',
      'p.user_name',
      'p.external_id',
      'p.display_name',
      'p.email',
      'p.phone',
      'p.job_title',
      'p.location',
      'p.status',
      'p.employee_number',
      'p.manager_id',
      'p.created_at',
      'p.updated_at',
      's.given_name',
      's.family_name',
      'd.name as department',
      'm.display_name as manager_name',
    ]);
}

type UserRow = Awaited<
  ReturnType<ReturnType<typeof fullUsers>['executeTakeFirstOrThrow']>
>;

/** One comparison of a Users filter, as a condition on the people table. */
function userCondition(
  eb: PeopleBuilder,
  leaf: FilterLeaf,
): Expression<SqlBool> {
  const present = leaf.op === 'pr';
  switch (leaf.attribute) {
    case 'username': {
      if (present) {
        return eb('p.id', 'is not', null);
      }
      // Someone without a userName is known to SCIM by their address.
      const key = userNameKey(textValue(leaf));
      return eb.or([
        eb('p.user_name_key', '=', key),
        eb.and([
          eb('p.user_name_key', 'is', null),
          eb('p.email_key', '=', key),
        ]),
      ]);
    }
    case 'externalid':
      return present
        ? eb('p.external_id', 'is not', null)
        : eb('p.external_id', '=', textValue(leaf));
    case 'emails':
    case 'emails.value':
      return present
        ? eb('p.email_key', 'is not', null)
        : eb('p.email_key', '=', emailKey(textValue(leaf)));
    case 'id': {
      const id = textValue(leaf);
      return /^\d{1,15}$/.test(id)
        ? eb('p.id', '=', Number(id))
        : sql<SqlBool>`1 = 0`;
    }
    default:
      throw invalidFilter(
        'Users are filtered by userName, externalId, emails.value or id, ' +
          `not ${leaf.attribute}`,
      );
  }
}

/** A page of Users matching a request, with the total that match. */
export async function listUsers(
  db: Db,
  request: ListRequest,
  base: URL,
): Promise<JsonObject> {
  const { filter } = request;
  const where = (eb: PeopleBuilder) =>
    filter
      ? compileFilter(filter, [USER_SCHEMA, ENTERPRISE_SCHEMA], {
          leaf: (leaf) => userCondition(eb, leaf),
          and: (left, right) => eb.and([left, right]),
          or: (left, right) => eb.or([left, right]),
        })
      : eb('p.id', 'is not', null);

  const count = await scimPeople(db)
    .where(where)
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows =
    request.count === 0
      ? []
      : await fullUsers(db)
          .where(where)
          .orderBy('p.id')
          .limit(request.count)
          .offset(request.startIndex - 1)
          .execute();
  const resources = await usersWithGroups(db, rows, base, request);
  return listResponse(resources, Number(count.total), request);
}

/** One User by its id, or undefined when SCIM cannot see them. */
export async function findUser(
  db: Db,
  id: number,
  base: URL,
): Promise<JsonObject | undefined> {
  const row = await fullUsers(db).where('p.id', '=', id).executeTakeFirst();
  if (!row) {
    return undefined;
  }
  const [user] = await usersWithGroups(db, [row], base);
  return user;
}

async function usersWithGroups(
  db: Db,
  rows: UserRow[],
  base: URL,
  request?: ListRequest,
): Promise<JsonObject[]> {
  // Groups are read even when the client leaves them out: a User's
  // version covers them, and must not depend on what was asked for.
  const ids = rows.map((row) => row.id);
  const memberships =
    ids.length > 0
      ? await db
          .selectFrom('scim_group_members as gm')
          .innerJoin('scim_groups as g', 'g.id', 'gm.group_id')
          .select(['gm.person_id', 'g.id', 'g.display_name'])
          .where('gm.person_id', 'in', ids)
          .orderBy('g.id')
          .execute()
      : [];
  return rows.map((row) => {
    const groups = memberships
      .filter((m) => m.person_id === row.id)
      .map((m) => ({
        value: String(m.id),
        $ref: new URL(`Groups/${m.id}`, base).href,
        display: m.display_name,
      }));
    const user = userResource(row, groups, base);
    return request ? project(user, USER_MODEL, request.projection) : user;
  });
}

/** A person as a SCIM User with the enterprise extension. */
function userResource(
  row: UserRow,
  groups: JsonObject[],
  base: URL,
): JsonObject {
  const enterprise: JsonObject = {};
  if (row.employee_number !== null) {
    enterprise.employeeNumber = row.employee_number;
  }
  if (row.department !== null) {
    enterprise.department = row.department;
  }
  if (row.manager_id !== null) {
    enterprise.manager = {
      value: String(row.manager_id),
      $ref: new URL(`Users/${row.manager_id}`, base).href,
      displayName: row.manager_name,
    };
  }
  const name: JsonObject = { formatted: row.display_name };
  if (row.given_name !== null) {
    name.givenName = row.given_name;
  }
  if (row.family_name !== null) {
    name.familyName = row.family_name;
  }
  const user: JsonObject = {
    schemas:
      Object.keys(enterprise).length > 0
        ? [USER_SCHEMA, ENTERPRISE_SCHEMA]
        : [USER_SCHEMA],
    id: String(row.id),
    ...(row.external_id !== null ? { externalId: row.external_id } : {}),
    // Someone the site knew before SCIM did goes by their e-mail address.
    userName: row.user_name ?? row.email ?? `person-${row.id}`,
    name,
    displayName: row.display_name,
    ...(row.job_title !== null ? { title: row.job_title } : {}),
    active: row.status === 'active',
    ...(row.email !== null
      ? { emails: [{ value: row.email, type: 'work', primary: true }] }
      : {}),
    ...(row.phone !== null
      ? { phoneNumbers: [{ value: row.phone, type: 'work' }] }
      : {}),
    ...(row.location !== null
      ? { addresses: [{ type: 'work', locality: row.location }] }
      : {}),
    ...(groups.length > 0 ? { groups } : {}),
    ...(Object.keys(enterprise).length > 0
      ? { [ENTERPRISE_SCHEMA]: enterprise }
      : {}),
  };
  user.meta = resourceMeta(
    'User',
    row,
    new URL(`Users/${row.id}`, base),
    contentVersion(user, row.updated_at),
  );
  return user;
}
