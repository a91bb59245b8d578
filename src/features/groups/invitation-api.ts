import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import { ValidationError } from '../../platform/errors.ts';
import { pageOf, readPageRequest } from '../../platform/pagination.ts';
import { jsonBodyOf, signedIn, staff } from './api-support.ts';
import type { SlugParams } from './api-support.ts';
import { requireGroup } from './groups.ts';
import { readInvitation, readInvitationId } from './invitation-input.ts';
import {
  findInvitationFor,
  invitationNotFound,
  listGroupInvitations,
  listInvitationsFor,
} from './invitation-queries.ts';
import type { Invitation } from './invitation-queries.ts';
import {
  acceptInvitation,
  declineInvitation,
  invite,
  revokeInvitation,
} from './invitations.ts';
import { personOf } from './page-support.ts';
import { groupApiPath } from './representations.ts';

// Invitations in the API: a group's managers send and withdraw them under
// /api/v1/groups/:slug/invitations; the invitee answers under
// /api/v1/invitations. Managing invitations is for staff only (see
// invitation-routes.ts); answering one is for guests too.

type IdParams = { Params: { id: string } };
type GroupInvitationParams = { Params: { slug: string; id: string } };

/** An invitation as the API shows it; never its link's token. */
export function invitationJson(invitation: Invitation) {
  const { group, invitee, invitedBy } = invitation;
  return {
    id: invitation.id,
    // The invitee is told the group's name and description even when it
    // is secret: they have been asked to join it.
    group: {
      slug: group.slug,
      name: group.name,
      description: group.description,
      visibility: group.visibility,
    },
    person: {
      id: invitee.id,
      name: invitee.displayName,
      email: invitee.email,
      guest: invitee.guest,
    },
    role: invitation.role,
    guest: invitation.asGuest,
    invitedBy: invitedBy && { id: invitedBy.id, name: invitedBy.displayName },
    createdAt: invitation.createdAt,
    expiresAt: invitation.expiresAt,
    links: {
      accept: `/api/v1/invitations/${invitation.id}/accept`,
      decline: `/api/v1/invitations/${invitation.id}/decline`,
    },
  };
}

export const invitationApi: FastifyPluginAsync<{
  db: Kysely<Database>;
  publicUrl: URL;
}> = async (app, { db, publicUrl }) => {
  app.get<SlugParams>(
    '/api/v1/groups/:slug/invitations',
    staff,
    async (request) => {
      const actor = personOf(request);
      const page = readPageRequest(request.query as Record<string, unknown>);
      const slug = request.params.slug;
      const group = await requireGroup(db, actor, slug, 'group.manage');
      const result = await listGroupInvitations(db, group.id, page);
      return pageOf(result, page, invitationJson);
    },
  );

  app.post<SlugParams>(
    '/api/v1/groups/:slug/invitations',
    staff,
    async (request, reply) => {
      const actor = personOf(request);
      const body = jsonBodyOf(request);
      if (body.guest !== undefined && typeof body.guest !== 'boolean') {
        throw new ValidationError({ guest: 'guest must be true or false' });
      }
      const guest = body.guest === true;
      const invitee = readInvitation(body, guest);
      const sent = await db.transaction().execute(async (trx) => {
        const group = await requireGroup(
          trx,
          actor,
          request.params.slug,
          guest ? 'group.inviteGuests' : 'group.manage',
        );
        return invite(trx, actor, group, invitee);
      });
      request.log.info(
        { groupId: sent.invitation.group.id, invitationId: sent.invitation.id },
        'group invitation sent',
      );
      const link =
        sent.token === null
          ? {}
          : { link: new URL(`/invitations/${sent.token}`, publicUrl).href };
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .header(
          'location',
          `${groupApiPath(sent.invitation.group.slug)}/invitations`,
        )
        .send({ ...invitationJson(sent.invitation), ...link });
    },
  );

  app.delete<GroupInvitationParams>(
    '/api/v1/groups/:slug/invitations/:id',
    staff,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readInvitationId(request.params.id);
      const revoked = await db.transaction().execute(async (trx) => {
        const slug = request.params.slug;
        const group = await requireGroup(trx, actor, slug, 'group.manage');
        return revokeInvitation(trx, group.id, id);
      });
      if (!revoked) {
        throw invitationNotFound();
      }
      request.log.info({ invitationId: id }, 'group invitation revoked');
      return reply.code(204).send();
    },
  );

  app.get('/api/v1/invitations', signedIn, async (request) => {
    const actor = personOf(request);
    const page = readPageRequest(request.query as Record<string, unknown>);
    const result = await listInvitationsFor(db, actor.id, page);
    return pageOf(result, page, invitationJson);
  });

  app.post<IdParams>(
    '/api/v1/invitations/:id/accept',
    signedIn,
    async (request) => {
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
      return {
        group: {
          slug: invitation.group.slug,
          name: invitation.group.name,
          links: { self: groupApiPath(invitation.group.slug) },
        },
        role: invitation.role,
      };
    },
  );

  app.post<IdParams>(
    '/api/v1/invitations/:id/decline',
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
      return reply.code(204).send();
    },
  );
};
