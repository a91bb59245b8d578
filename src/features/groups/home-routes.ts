import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { canInGroup } from '../../access/groups.ts';
import type { Database } from '../../database.ts';
import { ValidationError } from '../../platform/errors.ts';
import { renderMarkdown } from '../../platform/markdown.ts';
import type { PageContext } from '../../platform/views.ts';
import { FieldValidator } from '../../platform/validation.ts';
import { auditActorOf, findGroupForReader, requireGroup } from './groups.ts';
import type { GroupForReader } from './groups.ts';
import {
  addMember,
  dropRequest,
  LastOwnerError,
  listMembers,
  listNewestMembers,
  listRequests,
  removeMember,
  requestToJoin,
} from './members.ts';
import { firstPage, formOf, noticeOf, personOf } from './page-support.ts';
import { findInvitationToGroup } from './invitation-queries.ts';

export interface GroupHomeOptions {
  db: Kysely<Database>;
}

type SlugRequest = FastifyRequest<{ Params: { slug: string } }>;

const MESSAGE_MAX = 1000;
const FIRST_MEMBERS = 10;
const NEWEST_MEMBERS = 5;

/**
 * A group's home page, and the buttons on it by which a reader joins,
 * asks to join, withdraws a request or leaves.
 */
export const groupHomeRoutes: FastifyPluginAsync<GroupHomeOptions> = async (
  app,
  { db },
) => {
  async function renderHome(
    request: SlugRequest,
    reply: FastifyReply,
    group: GroupForReader,
    context: PageContext = {},
    status = 200,
  ) {
    const actor = request.actor;
    const can = {
      read: canInGroup(actor, 'group.read', group),
      members: canInGroup(actor, 'group.readMembers', group),
      join: canInGroup(actor, 'group.join', group),
      requestToJoin: canInGroup(actor, 'group.requestToJoin', group),
      leave: canInGroup(actor, 'group.leave', group),
      manage: canInGroup(actor, 'group.manage', group),
      own: canInGroup(actor, 'group.own', group),
    };
    const [members, newest, requests, invitation] = await Promise.all([
      can.members ? listMembers(db, group.id, firstPage(FIRST_MEMBERS)) : null,
      can.members ? listNewestMembers(db, group.id, NEWEST_MEMBERS) : [],
      can.manage ? listRequests(db, group.id, firstPage(1)) : null,
      group.invited && actor.kind === 'person'
        ? findInvitationToGroup(db, actor.id, group.id)
        : undefined,
    ]);
    return reply.render(
      'groups/views/invitations/group.njk',
      {
        group,
        invitation,
        can,
        signedIn: actor.kind === 'person',
        descriptionHtml: renderMarkdown(group.description),
        members,
        newest,
        requestCount: requests?.total ?? 0,
        notice: noticeOf(request),
        values: {},
        ...context,
      },
      status,
    );
  }

  app.get<{ Params: { slug: string } }>(
    '/groups/:slug',
    { config: { access: 'readers' } },
    async (request, reply) => {
      const group = await requireGroup(db, request.actor, request.params.slug);
      return renderHome(request, reply, group);
    },
  );

  const signedIn = { config: { access: 'signed-in' } } as const;

  app.post<{ Params: { slug: string } }>(
    '/groups/:slug/join',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      await db.transaction().execute(async (trx) => {
        // A second click on Join (or a join in another tab) finds the
        // reader a member already: that is what they wanted, not an error.
        const seen = await findGroupForReader(trx, actor, request.params.slug);
        if (seen?.role) {
          return;
        }
        const group = await requireGroup(
          trx,
          actor,
          request.params.slug,
          'group.join',
        );
        await addMember(trx, auditActorOf(actor), group, actor.id, 'member');
        request.log.info(
          { groupId: group.id, personId: actor.id },
          'group joined',
        );
      });
      return redirectHome(reply, request.params.slug, 'joined');
    },
  );

  app.post<{ Params: { slug: string } }>(
    '/groups/:slug/request',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const group = await requireGroup(
        db,
        actor,
        request.params.slug,
        'group.requestToJoin',
      );
      const form = formOf(request);
      let message: string | null;
      try {
        message = readMessage(form);
      } catch (error) {
        if (error instanceof ValidationError) {
          const context = { values: form, errors: error.fields };
          return renderHome(request, reply, group, context, 400);
        }
        throw error;
      }
      await db.transaction().execute(async (trx) => {
        const current = await requireGroup(
          trx,
          actor,
          request.params.slug,
          'group.requestToJoin',
        );
        await requestToJoin(trx, current, actor.id, message);
        request.log.info(
          { groupId: current.id, personId: actor.id },
          'group join requested',
        );
      });
      return redirectHome(reply, request.params.slug, 'requested');
    },
  );

  app.post<{ Params: { slug: string } }>(
    '/groups/:slug/withdraw',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const slug = request.params.slug;
      const dropped = await db.transaction().execute(async (trx) => {
        const group = await requireGroup(trx, actor, slug);
        const found = await dropRequest(trx, group.id, actor.id);
        if (found) {
          request.log.info(
            { groupId: group.id, personId: actor.id },
            'group join request withdrawn',
          );
        }
        return found;
      });
      if (!dropped) {
        return reply.redirect(`/groups/${encodeURIComponent(slug)}`, 303);
      }
      return redirectHome(reply, slug, 'withdrawn');
    },
  );

  app.post<{ Params: { slug: string } }>(
    '/groups/:slug/leave',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const slug = request.params.slug;
      try {
        await db.transaction().execute(async (trx) => {
          const group = await requireGroup(trx, actor, slug, 'group.leave');
          await removeMember(trx, auditActorOf(actor), group, actor.id);
          request.log.info(
            { groupId: group.id, personId: actor.id },
            'group left',
          );
        });
      } catch (error) {
        if (error instanceof LastOwnerError) {
          const group = await requireGroup(db, actor, slug);
          return reply.render(
            'groups/views/last-owner.njk',
            {
              group,
              heading: 'You cannot leave this group yet',
              message: error.message,
            },
            error.status,
          );
        }
        throw error;
      }
      // Someone who leaves a secret group no longer knows it exists.
      if (await findGroupForReader(db, actor, slug)) {
        return redirectHome(reply, slug, 'left');
      }
      return reply.redirect('/groups/mine?done=left', 303);
    },
  );
};

function redirectHome(reply: FastifyReply, slug: string, done: string) {
  return reply.redirect(
    `/groups/${encodeURIComponent(slug)}?done=${done}`,
    303,
  );
}

function readMessage(form: Record<string, unknown>): string | null {
  const fields = new FieldValidator(form);
  const message = fields.text('message', {
    label: 'Your message',
    max: MESSAGE_MAX,
    multiline: true,
  });
  fields.done();
  return message;
}
