import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { canInGroup } from '../../access/groups.ts';
import type { Database } from '../../database.ts';
import { ValidationError } from '../../platform/errors.ts';
import type { PageContext } from '../../platform/views.ts';
import {
  auditActorOf,
  deleteGroup,
  requireGroup,
  updateGroup,
} from './groups.ts';
import type { GroupForReader } from './groups.ts';
import { NAME_MAX, readGroupChanges } from './input.ts';
import { formOf, personOf } from './page-support.ts';

export interface GroupManageOptions {
  db: Kysely<Database>;
}

/** Editing a group's details, and deleting it after a confirmation. */
export const groupManageRoutes: FastifyPluginAsync<GroupManageOptions> = async (
  app,
  { db },
) => {
  const signedIn = { config: { access: 'signed-in' } } as const;

  function renderEdit(
    reply: FastifyReply,
    group: GroupForReader,
    context: PageContext = {},
    status = 200,
  ) {
    return reply.render(
      'groups/views/edit.njk',
      {
        group,
        nameMax: NAME_MAX,
        // Who may find a group is its owners' decision, not its admins'.
        canOwn: canInGroup(reply.request.actor, 'group.own', group),
        values: {
          name: group.name,
          description: group.description,
          visibility: group.visibility,
        },
        ...context,
      },
      status,
    );
  }

  app.get<{ Params: { slug: string } }>(
    '/groups/:slug/edit',
    signedIn,
    async (request, reply) => {
      const group = await requireGroup(
        db,
        personOf(request),
        request.params.slug,
        'group.manage',
      );
      return renderEdit(reply, group);
    },
  );

  app.post<{ Params: { slug: string } }>(
    '/groups/:slug/edit',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const { slug } = request.params;
      const form = formOf(request);
      try {
        await db.transaction().execute(async (trx) => {
          const group = await requireGroup(trx, actor, slug, 'group.manage');
          // Only the fields this person's form shows are read, so an admin
          // cannot change the visibility by adding it to the request.
          const input: Record<string, unknown> = {
            name: form.name ?? '',
            description: form.description ?? '',
          };
          if (canInGroup(actor, 'group.own', group)) {
            input.visibility = form.visibility;
          }
          const changes = readGroupChanges(input);
          await updateGroup(trx, auditActorOf(actor), group, changes);
          request.log.info({ groupId: group.id }, 'group updated');
        });
      } catch (error) {
        if (error instanceof ValidationError) {
          const group = await requireGroup(db, actor, slug, 'group.manage');
          const context = { values: form, errors: error.fields };
          return renderEdit(reply, group, context, 400);
        }
        throw error;
      }
      return reply.redirect(
        `/groups/${encodeURIComponent(slug)}?done=saved`,
        303,
      );
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/groups/:slug/delete',
    signedIn,
    async (request, reply) => {
      const group = await requireGroup(
        db,
        personOf(request),
        request.params.slug,
        'group.own',
      );
      return reply.render('groups/views/delete.njk', { group });
    },
  );

  app.post<{ Params: { slug: string } }>(
    '/groups/:slug/delete',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      await db.transaction().execute(async (trx) => {
        const group = await requireGroup(
          trx,
          actor,
          request.params.slug,
          'group.own',
        );
        await deleteGroup(trx, auditActorOf(actor), group);
        request.log.info({ groupId: group.id }, 'group deleted');
      });
      return reply.redirect('/groups?done=deleted', 303);
    },
  );
};
