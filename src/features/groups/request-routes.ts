import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import { NotFoundError } from '../../platform/errors.ts';
import {
  pageCount,
  paginationParams,
  readPageRequest,
} from '../../platform/pagination.ts';
import { withQuery } from '../../platform/views.ts';
import { auditActorOf, requireGroup } from './groups.ts';
import { addMember, dropRequest, listRequests } from './members.ts';
import { noticeOf, personOf, queryOf, readPersonId } from './page-support.ts';

export interface GroupRequestOptions {
  db: Kysely<Database>;
}

/** A group's queue of requests to join, which its admins answer. */
export const groupRequestRoutes: FastifyPluginAsync<
  GroupRequestOptions
> = async (app, { db }) => {
  const signedIn = { config: { access: 'signed-in' } } as const;

  app.get<{ Params: { slug: string } }>(
    '/groups/:slug/requests',
    signedIn,
    async (request, reply) => {
      const group = await requireGroup(
        db,
        personOf(request),
        request.params.slug,
        'group.manage',
      );
      const page = readPageRequest(queryOf(request));
      const requests = await listRequests(db, group.id, page);
      if (page.page > pageCount(requests.total, page.pageSize)) {
        throw new NotFoundError(
          'PAGE_NOT_FOUND',
          'There is no page with that number',
        );
      }
      return reply.render('groups/views/requests.njk', {
        group,
        requests,
        notice: noticeOf(request),
        pagination: paginationParams(
          page.page,
          requests.total,
          page.pageSize,
          (n) => withQuery(request.url, { page: n === 1 ? null : n }),
        ),
      });
    },
  );

  for (const answer of ['approve', 'decline'] as const) {
    app.post<{ Params: { slug: string; personId: string } }>(
      `/groups/:slug/requests/:personId/${answer}`,
      signedIn,
      async (request, reply) => {
        const actor = personOf(request);
        const { slug } = request.params;
        const personId = readPersonId(request.params.personId);
        await db.transaction().execute(async (trx) => {
          const group = await requireGroup(trx, actor, slug, 'group.manage');
          // Only a waiting request lets someone in: an admin cannot add
          // whoever they like by changing the address.
          if (!(await dropRequest(trx, group.id, personId))) {
            throw new NotFoundError(
              'REQUEST_NOT_FOUND',
              'There is no such request to join this group',
            );
          }
          if (answer === 'approve') {
            await addMember(
              trx,
              auditActorOf(actor),
              group,
              personId,
              'member',
            );
          }
          request.log.info(
            { groupId: group.id, personId, answer },
            'group join request answered',
          );
        });
        const done = answer === 'approve' ? 'approved' : 'declined';
        return reply.redirect(
          `/groups/${encodeURIComponent(slug)}/requests?done=${done}`,
          303,
        );
      },
    );
  }
};
