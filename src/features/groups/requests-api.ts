import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { PersonActor } from '../../access/actor.ts';
import type { Database, Db } from '../../database.ts';
import { NotFoundError } from '../../platform/errors.ts';
import type { AppError } from '../../platform/errors.ts';
import { pageOf, readPageRequest } from '../../platform/pagination.ts';
import {
  alreadyMember,
  callerOf,
  memberJsonOf,
  readPersonIdParam,
  requireActivePerson,
  signedIn,
} from './api-support.ts';
import type { PersonParams, SlugParams } from './api-support.ts';
import { auditActorOf, requireGroup } from './groups.ts';
import type { GroupForReader } from './groups.ts';
import { addMember, dropRequest, listRequests, roleOf } from './members.ts';
import { joinRequestJson } from './representations.ts';
import type { GroupRole } from './tables.ts';

// Requests to join a closed group, under /api/v1/groups/:slug/requests:
// the group's managers answer them, the person who asked may withdraw.

/** The refusal when there is no request to answer. */
export function requestNotFound(): NotFoundError {
  return new NotFoundError(
    'REQUEST_NOT_FOUND',
    'There is no request to join from that person',
  );
}

/**
 * Lets in someone who asked to join, as `role`: their request is their
 * consent. Without one, `unasked` says why nothing was done.
 */
export async function approveRequest(
  trx: Db,
  actor: PersonActor,
  slug: string,
  personId: number,
  role: GroupRole,
  unasked: () => AppError = requestNotFound,
): Promise<GroupForReader> {
  const group = await requireGroup(trx, actor, slug, 'group.manage');
  await requireActivePerson(trx, personId);
  if ((await roleOf(trx, group.id, personId)) !== null) {
    throw alreadyMember(false);
  }
  if (!(await dropRequest(trx, group.id, personId))) {
    throw unasked();
  }
  await addMember(trx, auditActorOf(actor), group, personId, role);
  return group;
}

export const requestsApi: FastifyPluginAsync<{ db: Kysely<Database> }> = async (
  app,
  { db },
) => {
  app.get<SlugParams>(
    '/api/v1/groups/:slug/requests',
    signedIn,
    async (request) => {
      const page = readPageRequest(request.query as Record<string, unknown>);
      const group = await requireGroup(
        db,
        request.actor,
        request.params.slug,
        'group.manage',
      );
      const result = await listRequests(db, group.id, page);
      return pageOf(result, page, joinRequestJson);
    },
  );

  app.post<PersonParams>(
    '/api/v1/groups/:slug/requests/:personId/approve',
    signedIn,
    async (request) => {
      const actor = callerOf(request);
      const personId = readPersonIdParam(request.params.personId);
      const group = await db
        .transaction()
        .execute((trx) =>
          approveRequest(trx, actor, request.params.slug, personId, 'member'),
        );
      request.log.info({ groupId: group.id, personId }, 'request approved');
      return memberJsonOf(db, group.id, personId);
    },
  );

  app.post<PersonParams>(
    '/api/v1/groups/:slug/requests/:personId/decline',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const personId = readPersonIdParam(request.params.personId);
      await db.transaction().execute(async (trx) => {
        const group = await requireGroup(
          trx,
          actor,
          request.params.slug,
          'group.manage',
        );
        await requireActivePerson(trx, personId);
        if (!(await dropRequest(trx, group.id, personId))) {
          throw requestNotFound();
        }
      });
      return reply.code(204).send();
    },
  );

  app.delete<SlugParams>(
    '/api/v1/groups/:slug/requests/me',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      await db.transaction().execute(async (trx) => {
        const group = await requireGroup(trx, actor, request.params.slug);
        if (!(await dropRequest(trx, group.id, actor.id))) {
          throw new NotFoundError(
            'REQUEST_NOT_FOUND',
            'You have not asked to join this group',
          );
        }
      });
      return reply.code(204).send();
    },
  );
};
