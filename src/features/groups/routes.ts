import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import type { Actor } from '../../access/actor.ts';
import { can } from '../../access/policy.ts';
import type { Database } from '../../database.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import {
  pageCount,
  paginationParams,
  readPageRequest,
} from '../../platform/pagination.ts';
import type { PageContext } from '../../platform/views.ts';
import { withQuery } from '../../platform/views.ts';
import { createGroup, listGroups } from './groups.ts';
import { groupHomeRoutes } from './home-routes.ts';
import { NAME_MAX, readNewGroup, SlugTakenError } from './input.ts';
import { groupManageRoutes } from './manage-routes.ts';
import { groupMemberRoutes } from './member-routes.ts';
import { listOwnRequests } from './members.ts';
import {
  firstLine,
  formOf,
  noticeOf,
  personOf,
  queryOf,
} from './page-support.ts';
import { groupRequestRoutes } from './request-routes.ts';
import { listInvitationsFor } from './invitation-queries.ts';

export interface GroupPageOptions {
  db: Kysely<Database>;
}

/**
 * The groups' pages: the directory, the reader's own groups, creating a
 * group, and (in the files registered below) each group's pages.
 */
// "Your groups" shows this many invitations, then links to them all.
const MINE_INVITATIONS = { page: 1, pageSize: 10, offset: 0 };

export const groupPages: FastifyPluginAsync<GroupPageOptions> = async (
  app,
  options,
) => {
  const { db } = options;

  app.get(
    '/groups',
    { config: { access: 'readers' } },
    async (request, reply) => {
      const query = queryOf(request);
      const q = typeof query.q === 'string' ? query.q.trim().slice(0, 200) : '';
      const page = readPageRequest(query);
      const result = await listGroups(db, request.actor, { q }, page);
      if (page.page > pageCount(result.total, page.pageSize)) {
        throw new NotFoundError(
          'PAGE_NOT_FOUND',
          'There is no page with that number',
        );
      }
      return reply.render('groups/views/directory.njk', {
        q,
        groups: result.items.map((group) => ({
          ...group,
          summary: firstLine(group.description),
        })),
        total: result.total,
        notice: noticeOf(request),
        canCreate: mayCreate(request.actor),
        pagination: paginationParams(
          page.page,
          result.total,
          page.pageSize,
          (n) => withQuery(request.url, { page: n === 1 ? null : n }),
        ),
      });
    },
  );

  app.get(
    '/groups/mine',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const actor = personOf(request);
      const page = readPageRequest(queryOf(request));
      const [result, requests, invitations] = await Promise.all([
        listGroups(db, actor, { memberId: actor.id }, page),
        listOwnRequests(db, actor),
        listInvitationsFor(db, actor.id, MINE_INVITATIONS),
      ]);
      if (page.page > pageCount(result.total, page.pageSize)) {
        throw new NotFoundError(
          'PAGE_NOT_FOUND',
          'There is no page with that number',
        );
      }
      return reply.render('groups/views/invitations/your-groups.njk', {
        invitations: invitations.items,
        invitationTotal: invitations.total,
        groups: result.items,
        total: result.total,
        requests,
        notice: noticeOf(request),
        canCreate: mayCreate(actor),
        pagination: paginationParams(
          page.page,
          result.total,
          page.pageSize,
          (n) => withQuery(request.url, { page: n === 1 ? null : n }),
        ),
      });
    },
  );

  function renderNew(reply: FastifyReply, context: PageContext, status = 200) {
    return reply.render(
      'groups/views/new.njk',
      { nameMax: NAME_MAX, values: {}, ...context },
      status,
    );
  }

  app.get(
    '/groups/new',
    { config: { access: 'staff' } },
    async (_request, reply) => renderNew(reply, {}),
  );

  app.post(
    '/groups/new',
    { config: { access: 'staff' } },
    async (request, reply) => {
      const actor = personOf(request);
      const form = formOf(request);
      let slug: string;
      try {
        slug = await db.transaction().execute(async (trx) => {
          const group = await readNewGroup(trx, form);
          const id = await createGroup(trx, actor, group);
          request.log.info(
            { groupId: id, personId: actor.id },
            'group created',
          );
          return group.slug;
        });
      } catch (error) {
        if (error instanceof ValidationError) {
          // A taken web address is 409 to the API; to a person it is one
          // more thing to put right in the form. One they did not type is
          // replaced by the free one, which they see before it is final.
          const values =
            error instanceof SlugTakenError && error.chosen === null
              ? { ...form, slug: error.suggestion }
              : form;
          return renderNew(reply, { values, errors: error.fields }, 400);
        }
        throw error;
      }
      return reply.redirect(
        `/groups/${encodeURIComponent(slug)}?done=created`,
        303,
      );
    },
  );

  await app.register(groupHomeRoutes, options);
  await app.register(groupMemberRoutes, options);
  await app.register(groupRequestRoutes, options);
  await app.register(groupManageRoutes, options);
};

/** Staff start groups (the same rule as the form's route); guests do not. */
function mayCreate(actor: Actor): boolean {
  return can(actor, { name: 'route.enter', access: 'staff' });
}
