import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Db } from '../database.ts';
import { createGroup, recountMembers } from '../features/groups/groups.ts';
import type { Group, NewGroup } from '../features/groups/groups.ts';
import type { GroupRole } from '../features/groups/tables.ts';
import type { NewPerson } from '../features/people/accounts.ts';
import { bearer, buildAccount } from './app.ts';
import { nextNumber } from './factories.ts';

const NOW = '2026-12-01T09:00:00.000Z';

/**
 * A group owned by `ownerId`, open by default, with a unique name and
 * slug; override anything.
 */
export async function buildGroup(
  db: Db,
  ownerId: number,
  overrides: Partial<NewGroup> = {},
): Promise<Group> {
  const n = nextNumber();
  const values: NewGroup = {
    slug: `test-group-${n}`,
    name: `Test Group ${n}`,
    description: '',
    visibility: 'open',
    ...overrides,
  };
  const id = await createGroup(
    db,
    { id: ownerId, displayName: `Person ${ownerId}` },
    values,
    NOW,
  );
  return {
    id,
    slug: values.slug,
    name: values.name,
    description: values.description,
    visibility: values.visibility,
    memberCount: 1,
    createdAt: NOW,
    updatedAt: NOW,
  };
}

/** Makes a person a member of a group, as `member` unless told. */
export async function addGroupMember(
  db: Db,
  group: { id: number },
  personId: number,
  role: GroupRole = 'member',
): Promise<void> {
  await db
    .insertInto('group_members')
    .values({ group_id: group.id, person_id: personId, role, joined_at: NOW })
    .execute();
  await recountMembers(db, group.id);
}

/** A request to join waiting in a group. */
export async function addJoinRequest(
  db: Db,
  group: { id: number },
  personId: number,
  message: string | null = null,
): Promise<void> {
  await db
    .insertInto('group_requests')
    .values({
      group_id: group.id,
      person_id: personId,
      message,
      created_at: NOW,
    })
    .execute();
}

/** Someone who calls the API with a personal token. */
export interface ApiCaller {
  id: number;
  authorization: string;
}

/** A person with an API token; `role` is their role on the site. */
export async function buildCaller(
  db: Db,
  overrides: Partial<NewPerson> = {},
): Promise<ApiCaller> {
  const { id } = await buildAccount(db, overrides);
  return { id, authorization: await bearer(db, id) };
}

/** Sends one API request as `caller`, with a JSON body when given. */
export function callApi(
  app: FastifyInstance,
  caller: ApiCaller | null,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    headers: caller ? { authorization: caller.authorization } : {},
    ...(payload === undefined ? {} : { payload }),
  });
}
