import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { canInGroup } from '../../access/groups.ts';
import type { Database } from '../../database.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import {
  pageCount,
  paginationParams,
  readPageRequest,
} from '../../platform/pagination.ts';
import type { PageRequest } from '../../platform/pagination.ts';
import type { PageContext } from '../../platform/views.ts';
import { withQuery } from '../../platform/views.ts';
import { requireGroup } from './groups.ts';
import type { GroupForReader } from './groups.ts';
import { invitationApi } from './invitation-api.ts';
import { readInvitation, readInvitationId } from './invitation-input.ts';
import { invitationLinkRoutes } from './invitation-link-routes.ts';
import {
  findInvitationFor,
  invitationNotFound,
  listGroupInvitations,
  listInvitationsFor,
} from './invitation-queries.ts';
import {
  acceptInvitation,
  declineInvitation,
  invite,
  revokeInvitation,
} from './invitations.ts';
import type { InvitationSent } from './invitations.ts';
import { firstLine, formOf, personOf, queryOf } from './page-support.ts';

// Invitations' pages: a group's managers invite people and withdraw
// invitations at /groups/:slug/invitations; everyone answers theirs at
// /groups/invitations; a guest's link is /invitations/:token.
//
// Managing invitations is for staff, even a guest a group has made one of
// its admins: the invitation forms say whether an address belongs to a
// member of staff, and the staff directory is what guests are kept from.

type SlugRequest = FastifyRequest<{ Params: { slug: string } }>;

// The sentences a redirect may ask a page to show (`?done=KEY`); only
// these can appear, so a crafted link cannot put words on the page.
const NOTICES: Record<string, string> = {
  invited: 'Invitation sent. They will find it on their groups page.',
  invitedStaff:
    'That address belongs to a member of staff, so they have been ' +
    'invited as staff. They will find the invitation on their groups page.',
  revoked: 'Invitation withdrawn. If it had a link, the link no longer works.',
  declined: 'Invitation declined.',
};

function noticeOf(request: FastifyRequest): string | undefined {
  const key = queryOf(request).done;
  return typeof key === 'string' && Object.hasOwn(NOTICES, key)
    ? NOTICES[key]
    : undefined;
}

function groupPath(slug: string): string {
  return `/groups/${encodeURIComponent(slug)}`;
}

function pageOrNotFound(page: PageRequest, total: number): void {
  if (page.page > pageCount(total, page.pageSize)) {
    throw new NotFoundError(
      'PAGE_NOT_FOUND',
      'There is no page with that number',
    );
  }
}

/** The invitation pages; the API and the link pages are registered too. */
export const invitationRoutes: FastifyPluginAsync<{
  db: Kysely<Database>;
  publicUrl: URL;
}> = async (app, options) => {
  const { db, publicUrl } = options;
  const staff = { config: { access: 'staff' } } as const;
  const signedIn = { config: { access: 'signed-in' } } as const;

  async function renderManage(
    request: SlugRequest,
    reply: FastifyReply,
    group: GroupForReader,
    context: PageContext = {},
    status = 200,
  ) {
    const page = readPageRequest(queryOf(request));
    const result = await listGroupInvitations(db, group.id, page);
    pageOrNotFound(page, result.total);
    const base = `${groupPath(group.slug)}/invitations`;
    return reply.render(
      'groups/views/invitations/manage.njk',
      {
        group,
        invitations: result.items,
        total: result.total,
        canInviteGuests: canInGroup(request.actor, 'group.inviteGuests', group),
        notice: noticeOf(request),
        values: { role: 'member' },
        pagination: paginationParams(
          page.page,
          result.total,
          page.pageSize,
          (n) => withQuery(base, { page: n === 1 ? null : n }),
        ),
        ...context,
      },
      status,
    );
  }

  app.get<{ Params: { slug: string } }>(
    '/groups/:slug/invitations',
    staff,
    async (request, reply) => {
      const actor = personOf(request);
      const slug = request.params.slug;
      const group = await requireGroup(db, actor, slug, 'group.manage');
      return renderManage(request, reply, group);
    },
  );

  app.post<{ Params: { slug: string } }>(
    '/groups/:slug/invitations',
    staff,
    async (request, reply) => {
      const actor = personOf(request);
      const slug = request.params.slug;
      const group = await requireGroup(db, actor, slug, 'group.manage');
      const form = formOf(request);
      try {
        const invitee = readInvitation(form, false);
        await db.transaction().execute(async (trx) => {
          const current = await requireGroup(trx, actor, slug, 'group.manage');
          await invite(trx, actor, current, invitee);
        });
      } catch (error) {
        if (error instanceof ValidationError) {
          const values = { email: form.email, role: form.role };
          const context = { values, errors: error.fields };
          return renderManage(request, reply, group, context, 400);
        }
        throw error;
      }
      request.log.info({ groupId: group.id }, 'group invitation sent');
      return reply.redirect(`${groupPath(slug)}/invitations?done=invited`, 303);
    },
  );

  app.post<{ Params: { slug: string } }>(
    '/groups/:slug/invitations/guests',
    staff,
    async (request, reply) => {
      const actor = personOf(request);
      const slug = request.params.slug;
      const action = 'group.inviteGuests';
      const group = await requireGroup(db, actor, slug, action);
      const form = formOf(request);
      // The guest form sits beside the staff one, so its fields have ids
      // of their own; the checks use the API's names.
      const input = { name: form.guestName, email: form.guestEmail };
      let sent: InvitationSent;
      try {
        const invitee = readInvitation(input, true);
        sent = await db.transaction().execute(async (trx) => {
          const current = await requireGroup(trx, actor, slug, action);
          return invite(trx, actor, current, invitee);
        });
      } catch (error) {
        if (error instanceof ValidationError) {
          const fields = error.fields ?? {};
          const errors = {
            ...(fields.name ? { guestName: fields.name } : {}),
            ...(fields.email ? { guestEmail: fields.email } : {}),
          };
          const values = { guestName: input.name, guestEmail: input.email };
          return renderManage(request, reply, group, { values, errors }, 400);
        }
        throw error;
      }
      request.log.info({ groupId: group.id }, 'group invitation sent');
      if (sent.token === null) {
        return reply.redirect(
          `${groupPath(slug)}/invitations?done=invitedStaff`,
          303,
        );
      }
      // The link is shown on this one answer and nowhere else, so it is
      // rendered here rather than after a redirect, and never cached.
      reply.header('cache-control', 'no-store');
      return reply.render(
        'groups/views/invitations/created.njk',
        {
          group,
          invitation: sent.invitation,
          newAccount: sent.newAccount,
          link: new URL(`/invitations/${sent.token}`, publicUrl).href,
        },
        201,
      );
    },
  );

  app.post<{ Params: { slug: string; id: string } }>(
    '/groups/:slug/invitations/:id/revoke',
    staff,
    async (request, reply) => {
      const actor = personOf(request);
      const slug = request.params.slug;
      const id = readInvitationId(request.params.id);
      const revoked = await db.transaction().execute(async (trx) => {
        const group = await requireGroup(trx, actor, slug, 'group.manage');
        return revokeInvitation(trx, group.id, id);
      });
      if (!revoked) {
        throw invitationNotFound();
      }
      request.log.info({ invitationId: id }, 'group invitation revoked');
      return reply.redirect(`${groupPath(slug)}/invitations?done=revoked`, 303);
    },
  );

  app.get('/groups/invitations', signedIn, async (request, reply) => {
    const actor = personOf(request);
    const page = readPageRequest(queryOf(request));
    const result = await listInvitationsFor(db, actor.id, page);
    pageOrNotFound(page, result.total);
    return reply.render('groups/views/invitations/mine.njk', {
      invitations: result.items.map((invitation) => ({
        ...invitation,
        summary: firstLine(invitation.group.description),
      })),
      total: result.total,
      notice: noticeOf(request),
      pagination: paginationParams(
        page.page,
        result.total,
        page.pageSize,
        (n) => withQuery('/groups/invitations', { page: n === 1 ? null : n }),
      ),
    });
  });

  app.post<{ Params: { id: string } }>(
    '/groups/invitations/:id/accept',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readInvitationId(request.params.id);
      const invitation = await db.transaction().execute(async (trx) => {
        const found = await findInvitationFor(trx, actor.id, id);
        if (!found) {
          throw invitationNotFound();
        }
        await acceptInvitation(trx, found);
        return found;
      });
      request.log.info(
        { groupId: invitation.group.id, personId: actor.id },
        'group invitation accepted',
      );
      return reply.redirect(
        `${groupPath(invitation.group.slug)}?done=joined`,
        303,
      );
    },
  );

  app.post<{ Params: { id: string } }>(
    '/groups/invitations/:id/decline',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readInvitationId(request.params.id);
      const declined = await db
        .transaction()
        .execute((trx) => declineInvitation(trx, actor.id, id));
      if (!declined) {
        throw invitationNotFound();
      }
      request.log.info(
        { invitationId: id, personId: actor.id },
        'group invitation declined',
      );
      return reply.redirect('/groups/invitations?done=declined', 303);
    },
  );

  await app.register(invitationLinkRoutes, options);
  await app.register(invitationApi, options);
};
