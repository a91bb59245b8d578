import { sql } from 'kysely';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database, Db } from '../../database.ts';
import { nameKey } from '../../platform/text.ts';
import { GROUP_MODEL } from './attributes.ts';
import { leavesOut, project } from './documents.ts';
import type { JsonObject } from './documents.ts';
import { invalidFilter, ScimError } from './errors.ts';
import { addMembers, removeMembers } from './group-members.ts';
import type { GroupFields } from './group-fields.ts';
import { compileFilter, listResponse, textValue } from './listing.ts';
import type { FilterLeaf, ListRequest } from './listing.ts';
import { GROUP_SCHEMA } from './urns.ts';
import { contentVersion, resourceMeta } from './versions.ts';

// Groups are the identity provider's directory groups; their members
// are changed through group-members.ts.

type GroupBuilder = ExpressionBuilder<Database, 'scim_groups'>;

function groupCondition(
  eb: GroupBuilder,
  leaf: FilterLeaf,
): Expression<SqlBool> {
  const present = leaf.op === 'pr';
  switch (leaf.attribute) {
    case 'displayname':
      return present
        ? eb('id', 'is not', null)
        : eb('display_name_key', '=', nameKey(textValue(leaf)));
    case 'externalid':
      return present
        ? eb('external_id', 'is not', null)
        : eb('external_id', '=', textValue(leaf));
    case 'id': {
      const id = textValue(leaf);
      return /^\d{1,15}$/.test(id)
        ? eb('id', '=', Number(id))
        : sql<SqlBool>`1 = 0`;
    }
    default:
      throw invalidFilter(
        'Groups are filtered by displayName, externalId or id, ' +
          `not ${leaf.attribute}`,
      );
  }
}

type GroupRow = {
  id: number;
  display_name: string;
  external_id: string | null;
  created_at: string;
  updated_at: string;
};

/** A page of Groups matching a request, with the total that match. */
export async function listGroups(
  db: Db,
  request: ListRequest,
  base: URL,
): Promise<JsonObject> {
  const { filter } = request;
  const where = (eb: GroupBuilder) =>
    filter
      ? compileFilter(filter, [GROUP_SCHEMA], {
          leaf: (leaf) => groupCondition(eb, leaf),
          and: (left, right) => eb.and([left, right]),
          or: (left, right) => eb.or([left, right]),
        })
      : eb('id', 'is not', null);
  const count = await db
    .selectFrom('scim_groups')
    .where(where)
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows =
    request.count === 0
      ? []
      : await db
          .selectFrom('scim_groups')
          .selectAll()
          .where(where)
          .orderBy('id')
          .limit(request.count)
          .offset(request.startIndex - 1)
          .execute();
  const members = leavesOut(request.projection, 'members')
    ? new Map<number, JsonObject[]>()
    : await membersOf(
        db,
        rows.map((row) => row.id),
        base,
      );
  const resources = rows.map((row) =>
    project(
      groupResource(row, members.get(row.id) ?? [], base),
      GROUP_MODEL,
      request.projection,
    ),
  );
  return listResponse(resources, Number(count.total), request);
}

/** One Group by id, with its members unless `withMembers` is false. */
export async function findGroup(
  db: Db,
  id: number,
  base: URL,
  withMembers = true,
): Promise<JsonObject | undefined> {
  const row = await db
    .selectFrom('scim_groups')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) {
    return undefined;
  }
  const members = withMembers ? await membersOf(db, [id], base) : undefined;
  return groupResource(row, members?.get(id) ?? [], base);
}

// TODO: a Group's members come back whole, as SCIM has no paging inside
// a resource, so a group of tens of thousands makes an answer of megabytes
// unless the client asks for excludedAttributes=members.
/** The members of each of some groups, in one query. */
async function membersOf(
  db: Db,
  groupIds: number[],
  base: URL,
): Promise<Map<number, JsonObject[]>> {
  const members = new Map<number, JsonObject[]>();
  if (groupIds.length === 0) {
    return members;
  }
  const rows = await db
    .selectFrom('scim_group_members as gm')
    .innerJoin('people as p', 'p.id', 'gm.person_id')
    .select(['gm.group_id', 'p.id', 'p.display_name'])
    .where('gm.group_id', 'in', groupIds)
    .orderBy('gm.group_id')
    .orderBy('p.id')
    .execute();
  for (const row of rows) {
    const list = members.get(row.group_id) ?? [];
    list.push({
      value: String(row.id),
      $ref: new URL(`Users/${row.id}`, base).href,
      display: row.display_name,
      type: 'User',
    });
    members.set(row.group_id, list);
  }
  return members;
}

// A Group's version covers its own attributes and when it last changed,
// not its members, which a change can be read without (PATCH adds one
// member to thousands): every change to the member list moves updated_at
// instead, from the User's side too (see touchGroupsOf).
// TODO: a Group's version does not move when a member is renamed outside
// SCIM, so a GET with If-None-Match can answer 304 with their old name.
function groupResource(
  row: GroupRow,
  members: JsonObject[],
  base: URL,
): JsonObject {
  const own: JsonObject = {
    schemas: [GROUP_SCHEMA],
    id: String(row.id),
    ...(row.external_id !== null ? { externalId: row.external_id } : {}),
    displayName: row.display_name,
  };
  return {
    ...own,
    ...(members.length > 0 ? { members } : {}),
    meta: resourceMeta(
      'Group',
      row,
      new URL(`Groups/${row.id}`, base),
      contentVersion(own, row.updated_at),
    ),
  };
}

/** 409 uniqueness when another group has this name, ignoring case. */
export async function assertGroupNameFree(
  db: Db,
  displayName: string,
  selfId: number | null,
): Promise<void> {
  let query = db
    .selectFrom('scim_groups')
    .select('id')
    .where('display_name_key', '=', nameKey(displayName));
  if (selfId !== null) {
    query = query.where('id', '!=', selfId);
  }
  if (await query.executeTakeFirst()) {
    throw new ScimError(
      409,
      `A group called ${displayName} already exists`,
      'uniqueness',
    );
  }
}

export async function createGroup(
  db: Db,
  fields: GroupFields,
  now = new Date().toISOString(),
): Promise<number> {
  await assertGroupNameFree(db, fields.displayName, null);
  const row = await db
    .insertInto('scim_groups')
    .values({
      display_name: fields.displayName,
      display_name_key: nameKey(fields.displayName),
      external_id: fields.externalId,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await addMembers(db, row.id, fields.members);
  return row.id;
}

/** Sets a group's name, externalId and members (PUT). */
export async function replaceGroup(
  db: Db,
  id: number,
  fields: GroupFields,
  now = new Date().toISOString(),
): Promise<void> {
  await assertGroupNameFree(db, fields.displayName, id);
  await db
    .updateTable('scim_groups')
    .set({
      display_name: fields.displayName,
      display_name_key: nameKey(fields.displayName),
      external_id: fields.externalId,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  const current = await db
    .selectFrom('scim_group_members')
    .select('person_id')
    .where('group_id', '=', id)
    .execute();
  const wanted = new Set(fields.members);
  const gone = current
    .map((row) => row.person_id)
    .filter((personId) => !wanted.has(personId));
  await removeMembers(db, id, gone);
  await addMembers(db, id, fields.members);
}

export async function deleteGroup(db: Db, id: number): Promise<boolean> {
  const result = await db
    .deleteFrom('scim_groups')
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
