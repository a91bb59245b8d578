import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Actor } from '../../access/actor.ts';
import { canInGroup } from '../../access/groups.ts';
import type { Database } from '../../database.ts';
import { ForbiddenError, ValidationError } from '../../platform/errors.ts';
import { pageOf, readPageRequest } from '../../platform/pagination.ts';
import {
  auditActorOf,
  createGroup,
  deleteGroup,
  listGroups,
  requireGroup,
  updateGroup,
} from './groups.ts';
import type { GroupFilter, NewGroup } from './groups.ts';
import { readGroupChanges, readNewGroup } from './input.ts';
import {
  callerOf,
  jsonBodyOf,
  readers,
  signedIn,
  staff,
} from './api-support.ts';
import type { SlugParams } from './api-support.ts';
import { membersApi } from './members-api.ts';
import { groupApiPath, groupDetailJson, groupJson } from './representations.ts';
import { requestsApi } from './requests-api.ts';
import { isUniqueViolation } from '../../platform/db/errors.ts';

// The groups API under /api/v1/groups, following DESIGN.md: lists are
// `{ items, total, page, pageSize }`, errors `{ error: { code, message,
// fields? } }`. What each caller may see and do is decided in
// src/access/groups.ts; a group they may not see is "not found".

function readGroupFilter(
  query: Record<string, unknown>,
  actor: Actor,
): GroupFilter {
  const errors: Record<string, string> = {};
  const { q, mine } = query;
  if (q !== undefined && typeof q !== 'string') {
    errors.q = 'Send q once, as text';
  }
  if (mine !== undefined && mine !== 'true' && mine !== 'false') {
    errors.mine = 'mine must be true or false';
  }
  if (Object.keys(errors).length > 0) {
    throw new ValidationError(errors, 'The list requested is not valid', 400);
  }
  const filter: GroupFilter = {};
  if (typeof q === 'string') {
    filter.q = q;
  }
  if (mine === 'true') {
    // A signed-out reader belongs to no group, so theirs is an empty list.
    filter.memberId = actor.kind === 'person' ? actor.id : -1;
  }
  return filter;
}

export const groupsApi: FastifyPluginAsync<{ db: Kysely<Database> }> = async (
  app,
  { db },
) => {
  app.get('/api/v1/groups', readers, async (request) => {
    const query = request.query as Record<string, unknown>;
    const page = readPageRequest(query);
    const filter = readGroupFilter(query, request.actor);
    const result = await listGroups(db, request.actor, filter, page);
    return pageOf(result, page, groupJson);
  });

  app.post('/api/v1/groups', staff, async (request, reply) => {
    const creator = callerOf(request);
    const input = jsonBodyOf(request);
    // A slug the client left out is made from the name and, when taken,
    // numbered; one it chose and is taken is refused with a suggestion.
    const create = async (): Promise<NewGroup> => {
      const group = await readNewGroup(db, input, { pickFreeSlug: true });
      await db.transaction().execute((trx) => createGroup(trx, creator, group));
      return group;
    };
    let created: NewGroup;
    try {
      created = await create();
    } catch (error) {
      if (!isUniqueViolation(error)) {
        throw error;
      }
      // Checked again, the slug is now taken: refused or renumbered.
      created = await create();
    }
    const group = await requireGroup(db, creator, created.slug);
    request.log.info({ groupId: group.id }, 'group created');
    reply.code(201).header('location', groupApiPath(group.slug));
    return groupDetailJson(group);
  });

  app.get<SlugParams>('/api/v1/groups/:slug', readers, async (request) => {
    const group = await requireGroup(db, request.actor, request.params.slug);
    return groupDetailJson(group);
  });

  app.patch<SlugParams>('/api/v1/groups/:slug', signedIn, async (request) => {
    const actor = callerOf(request);
    const changes = readGroupChanges(jsonBodyOf(request));
    await db.transaction().execute(async (trx) => {
      const group = await requireGroup(
        trx,
        actor,
        request.params.slug,
        'group.manage',
      );
      const moving =
        changes.visibility !== undefined &&
        changes.visibility !== group.visibility;
      if (moving && !canInGroup(actor, 'group.own', group)) {
        throw new ForbiddenError(
          'GROUP_FORBIDDEN',
          'Only the group’s owners can change who can see it',
        );
      }
      if (Object.keys(changes).length > 0) {
        await updateGroup(trx, auditActorOf(actor), group, changes);
      }
    });
    const group = await requireGroup(db, actor, request.params.slug);
    return groupDetailJson(group);
  });

  app.delete<SlugParams>(
    '/api/v1/groups/:slug',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const groupId = await db.transaction().execute(async (trx) => {
        const group = await requireGroup(
          trx,
          actor,
          request.params.slug,
          'group.own',
        );
        await deleteGroup(trx, auditActorOf(actor), group);
        return group.id;
      });
      request.log.info({ groupId }, 'group deleted');
      return reply.code(204).send();
    },
  );

  await app.register(membersApi, { db });
  await app.register(requestsApi, { db });
};
