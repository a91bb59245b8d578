import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { canInGroup } from '../../access/groups.ts';
import type { Database } from '../../database.ts';
import {
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../platform/errors.ts';
import {
  pageCount,
  paginationParams,
  readPageRequest,
} from '../../platform/pagination.ts';
import type { PageContext } from '../../platform/views.ts';
import { withQuery } from '../../platform/views.ts';
import { auditActorOf, requireGroup } from './groups.ts';
import type { GroupForReader } from './groups.ts';
import { readRole } from './input.ts';
import {
  changeRole,
  findMember,
  GuestRoleError,
  LastOwnerError,
  listMembers,
  removeMember,
  requireMayRemove,
  roleOf,
  transferOwnership,
} from './members.ts';
import {
  formOf,
  noticeOf,
  personOf,
  queryOf,
  readPersonId,
} from './page-support.ts';
import type { GroupRole } from './tables.ts';

export interface GroupMemberOptions {
  db: Kysely<Database>;
}

type MemberRequest = FastifyRequest<{
  Params: { slug: string; personId: string };
}>;

/**
 * A group's member list, and the forms by which its owners and admins
 * change roles, remove members and hand over ownership.
 */
export const groupMemberRoutes: FastifyPluginAsync<GroupMemberOptions> = async (
  app,
  { db },
) => {
  app.get<{ Params: { slug: string } }>(
    '/groups/:slug/members',
    { config: { access: 'readers' } },
    async (request, reply) => {
      const actor = request.actor;
      const group = await requireGroup(
        db,
        actor,
        request.params.slug,
        'group.readMembers',
      );
      const page = readPageRequest(queryOf(request));
      const members = await listMembers(db, group.id, page);
      if (page.page > pageCount(members.total, page.pageSize)) {
        throw new NotFoundError(
          'PAGE_NOT_FOUND',
          'There is no page with that number',
        );
      }
      return reply.render('groups/views/members.njk', {
        group,
        members,
        readerId: actor.kind === 'person' ? actor.id : null,
        can: {
          manage: canInGroup(actor, 'group.manage', group),
          own: canInGroup(actor, 'group.own', group),
        },
        notice: noticeOf(request),
        pagination: paginationParams(
          page.page,
          members.total,
          page.pageSize,
          (n) => withQuery(request.url, { page: n === 1 ? null : n }),
        ),
      });
    },
  );

  const signedIn = { config: { access: 'signed-in' } } as const;

  async function renderRole(
    request: MemberRequest,
    reply: FastifyReply,
    group: GroupForReader,
    context: PageContext = {},
    status = 200,
  ) {
    const personId = readPersonId(request.params.personId);
    const member = await findMember(db, group.id, personId);
    if (!member) {
      throw memberNotFound();
    }
    return reply.render(
      'groups/views/member-role.njk',
      {
        group,
        member,
        isSelf: personOf(request).id === personId,
        // Handing over is an owner giving away their own ownership.
        canTransfer:
          group.role === 'owner' &&
          member.role !== 'owner' &&
          !member.guest &&
          personOf(request).id !== personId,
        values: { role: member.role },
        ...context,
      },
      status,
    );
  }

  app.get<{ Params: { slug: string; personId: string } }>(
    '/groups/:slug/members/:personId',
    signedIn,
    async (request, reply) => {
      const group = await requireGroup(
        db,
        personOf(request),
        request.params.slug,
        'group.own',
      );
      return renderRole(request, reply, group);
    },
  );

  app.post<{ Params: { slug: string; personId: string } }>(
    '/groups/:slug/members/:personId/role',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const { slug } = request.params;
      const personId = readPersonId(request.params.personId);
      const form = formOf(request);
      let role: GroupRole;
      try {
        role = readRole(form);
        await db.transaction().execute(async (trx) => {
          const group = await requireGroup(trx, actor, slug, 'group.own');
          await changeRole(trx, auditActorOf(actor), group, personId, role);
          request.log.info(
            { groupId: group.id, personId, role },
            'group role changed',
          );
        });
      } catch (error) {
        const refused =
          error instanceof LastOwnerError || error instanceof GuestRoleError;
        if (error instanceof ValidationError || refused) {
          const group = await requireGroup(db, actor, slug, 'group.own');
          const errors = refused
            ? { role: error.message }
            : { role: 'Choose a role' };
          const status = refused ? 409 : 400;
          const values = { role: form.role };
          return renderRole(request, reply, group, { errors, values }, status);
        }
        throw error;
      }
      return redirectMembers(reply, slug, 'role');
    },
  );

  app.post<{ Params: { slug: string; personId: string } }>(
    '/groups/:slug/members/:personId/remove',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const { slug } = request.params;
      const personId = readPersonId(request.params.personId);
      await db.transaction().execute(async (trx) => {
        const group = await requireGroup(trx, actor, slug, 'group.manage');
        const role = await roleOf(trx, group.id, personId);
        if (role === null) {
          throw memberNotFound();
        }
        requireMayRemove(actor, group, role);
        await removeMember(trx, auditActorOf(actor), group, personId);
        request.log.info(
          { groupId: group.id, personId },
          'group member removed',
        );
      });
      return redirectMembers(reply, slug, 'removed');
    },
  );

  app.post<{ Params: { slug: string; personId: string } }>(
    '/groups/:slug/members/:personId/transfer',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const { slug } = request.params;
      const personId = readPersonId(request.params.personId);
      await db.transaction().execute(async (trx) => {
        const group = await requireGroup(trx, actor, slug, 'group.own');
        if (group.role !== 'owner') {
          throw new ForbiddenError(
            'GROUP_FORBIDDEN',
            'Only an owner of the group can hand over their ownership',
          );
        }
        if ((await roleOf(trx, group.id, personId)) === null) {
          throw memberNotFound();
        }
        const audit = auditActorOf(actor);
        await transferOwnership(trx, audit, group, actor.id, personId);
        request.log.info(
          { groupId: group.id, fromPersonId: actor.id, toPersonId: personId },
          'group ownership transferred',
        );
      });
      return redirectMembers(reply, slug, 'transferred');
    },
  );
};

function memberNotFound(): NotFoundError {
  return new NotFoundError(
    'MEMBER_NOT_FOUND',
    'That person is not a member of this group',
  );
}

function redirectMembers(reply: FastifyReply, slug: string, done: string) {
  return reply.redirect(
    `/groups/${encodeURIComponent(slug)}/members?done=${done}`,
    303,
  );
}
