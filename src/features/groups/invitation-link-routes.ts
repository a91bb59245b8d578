import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageContext } from '../../platform/views.ts';
import { getSetting } from '../admin/settings.ts';
import { passwordProblem } from '../auth/password-policy.ts';
import { hashPassword } from '../auth/passwords.ts';
import { findInvitationByToken } from './invitation-queries.ts';
import type { Invitation } from './invitation-queries.ts';
import { acceptInvitation, acceptWithNewPassword } from './invitations.ts';
import { formOf, personOf } from './page-support.ts';

// The link in a guest's invitation, /invitations/TOKEN. It is open to
// anyone, since a new guest has no way to sign in yet; what it shows
// depends on who opens it:
//
// - signed out, local sign-in on, no password yet: a form to set one,
//   which accepts the invitation and signs them in;
// - signed out otherwise: a link to sign in and come back here;
// - signed in as the invitee: one button to accept (never on GET, so a
//   link preview or prefetch cannot accept for them);
// - signed in as someone else: a refusal that names nothing of the group.
//
// An unknown, used or expired token gets one answer, which says nothing
// about why, so the page cannot be used to learn about other links.

type TokenRequest = FastifyRequest<{ Params: { token: string } }>;

// Tokens are 256 bits, so the limit is not what stops guessing; it stops
// one client making the server hash passwords (argon2, deliberately slow)
// in a loop. The same order as the sign-in form's own limit.
const LINK_RATE_LIMIT = { max: 60, timeWindow: '1 minute' };

type LinkState = 'set-password' | 'sign-in' | 'accept' | 'other';

export const invitationLinkRoutes: FastifyPluginAsync<{
  db: Kysely<Database>;
}> = async (app, { db }) => {
  const anyone = {
    config: { access: 'public', rateLimit: LINK_RATE_LIMIT },
  } as const;
  const signedIn = {
    config: { access: 'signed-in', rateLimit: LINK_RATE_LIMIT },
  } as const;

  async function stateOf(
    request: FastifyRequest,
    invitation: Invitation,
  ): Promise<LinkState> {
    const actor = request.actor;
    if (actor.kind === 'person') {
      return actor.id === invitation.invitee.id ? 'accept' : 'other';
    }
    const passwordsOn = await getSetting(db, 'localSignIn');
    return passwordsOn && !invitation.invitee.hasPassword
      ? 'set-password'
      : 'sign-in';
  }

  async function renderLink(
    request: TokenRequest,
    reply: FastifyReply,
    invitation: Invitation,
    context: PageContext = {},
    status?: number,
  ) {
    const state = await stateOf(request, invitation);
    const path = `/invitations/${request.params.token}`;
    reply.header('cache-control', 'no-store');
    return reply.render(
      'groups/views/invitations/link.njk',
      {
        state,
        // Someone else holding the link learns nothing about the group.
        invitation: state === 'other' ? null : invitation,
        path,
        signInHref: `/sign-in?returnTo=${encodeURIComponent(path)}`,
        ...context,
      },
      status ?? (state === 'other' ? 403 : 200),
    );
  }

  function renderInvalid(reply: FastifyReply) {
    reply.header('cache-control', 'no-store');
    return reply.render('groups/views/invitations/invalid.njk', {}, 404);
  }

  app.get<{ Params: { token: string } }>(
    '/invitations/:token',
    anyone,
    async (request, reply) => {
      const invitation = await findInvitationByToken(db, request.params.token);
      if (!invitation) {
        return renderInvalid(reply);
      }
      return renderLink(request, reply, invitation);
    },
  );

  app.post<{ Params: { token: string } }>(
    '/invitations/:token',
    anyone,
    async (request, reply) => {
      const token = request.params.token;
      const invitation = await findInvitationByToken(db, token);
      if (!invitation) {
        return renderInvalid(reply);
      }
      if ((await stateOf(request, invitation)) !== 'set-password') {
        // Signed in meanwhile, or a password was set: the page says what
        // to do now.
        return reply.redirect(`/invitations/${token}`, 303);
      }
      const form = formOf(request);
      const text = (field: string) =>
        typeof form[field] === 'string' && form[field].length <= 1000
          ? form[field]
          : '';
      const password = text('password');
      const problem = passwordProblem(password, {
        name: invitation.invitee.displayName,
        email: invitation.invitee.email,
      });
      const errors: Record<string, string> = {};
      if (problem) {
        errors.password = problem;
      } else if (password !== text('confirm')) {
        errors.confirm = 'Enter the same password twice';
      }
      if (Object.keys(errors).length > 0) {
        return renderLink(request, reply, invitation, { errors }, 400);
      }

      const hash = await hashPassword(password);
      try {
        await db
          .transaction()
          .execute((trx) =>
            acceptWithNewPassword(trx, invitation, hash, request.ip),
          );
      } catch (error) {
        if (isGone(error)) {
          return renderInvalid(reply);
        }
        throw error;
      }
      // The session starts in its own transaction, as every sign-in's
      // does. Should that fail, the password and the membership stand,
      // and the guest signs in with the form.
      const { id, displayName } = invitation.invitee;
      await app.sessions.begin(request, reply, { id, displayName }, 'password');
      request.log.info(
        { groupId: invitation.group.id, personId: id },
        'group invitation accepted',
      );
      return redirectToGroup(reply, invitation);
    },
  );

  app.post<{ Params: { token: string } }>(
    '/invitations/:token/accept',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const invitation = await findInvitationByToken(db, request.params.token);
      if (!invitation) {
        return renderInvalid(reply);
      }
      if (invitation.invitee.id !== actor.id) {
        return renderLink(request, reply, invitation);
      }
      try {
        await db
          .transaction()
          .execute((trx) => acceptInvitation(trx, invitation));
      } catch (error) {
        if (isGone(error)) {
          return renderInvalid(reply);
        }
        throw error;
      }
      request.log.info(
        { groupId: invitation.group.id, personId: actor.id },
        'group invitation accepted',
      );
      return redirectToGroup(reply, invitation);
    },
  );
};

function isGone(error: unknown): boolean {
  return error instanceof AppError && error.code === 'INVITATION_NOT_FOUND';
}

function redirectToGroup(reply: FastifyReply, invitation: Invitation) {
  const slug = encodeURIComponent(invitation.group.slug);
  return reply.redirect(`/groups/${slug}?done=joined`, 303);
}
