import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import type { Config } from '../../platform/config.ts';
import { UnauthenticatedError } from '../../platform/errors.ts';
import { safeReturnPath } from '../../platform/redirects.ts';
import { FieldValidator } from '../../platform/validation.ts';
import { getSetting } from '../admin/settings.ts';
import { recordAudit } from '../audit/audit.ts';
import { findAccountByEmail } from '../people/accounts.ts';
import { verifyPassword } from './passwords.ts';
import { deleteSessionsOf } from './sessions.ts';
import { attemptKeys, attemptSucceeded, beginAttempt } from './throttle.ts';

// The same words whether or not the account exists, so the form cannot be
// used to find out who has one.
const SIGN_IN_FAILED = 'Enter a correct e-mail address and password';
const LOCKED = 'Too many attempts to sign in. Wait 15 minutes, then try again.';

/** The sign-in page, local sign-in, and signing out. */
export const localSignIn: FastifyPluginAsync<{
  config: Config;
  db: Kysely<Database>;
}> = async (app, { config, db }) => {
  async function renderSignIn(
    reply: FastifyReply,
    context: Record<string, unknown>,
    status = 200,
  ) {
    const returnTo = String(context.returnTo ?? '/');
    return reply.render(
      'auth/views/sign-in.njk',
      {
        values: {},
        ...context,
        localSignIn: await getSetting(db, 'localSignIn'),
        providers: config.oidcProviders.map((provider) => ({
          name: provider.name,
          href: `${provider.startPath}?returnTo=${encodeURIComponent(returnTo)}`,
        })),
      },
      status,
    );
  }

  app.get(
    '/sign-in',
    { config: { access: 'public' } },
    async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const returnTo = safeReturnPath(query.returnTo);
      if (request.actor.kind === 'person') {
        return reply.redirect(returnTo, 303);
      }
      return renderSignIn(reply, {
        returnTo,
        signedOut: query.signedOut === '1',
      });
    },
  );

  app.post(
    '/sign-in',
    {
      config: {
        access: 'public',
        rateLimit: { max: config.signInRateLimit, timeWindow: '1 minute' },
      },
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const returnTo = safeReturnPath(body.returnTo);
      const values = {
        email: typeof body.email === 'string' ? body.email : '',
      };
      if (!(await getSetting(db, 'localSignIn'))) {
        return renderSignIn(reply, { returnTo, values }, 403);
      }
      const form = new FieldValidator(body);
      const email = form.text('email', {
        label: 'E-mail address',
        max: 254,
        required: true,
      });
      const password =
        typeof body.password === 'string' && body.password.length <= 1000
          ? body.password
          : '';
      if (!password) {
        form.fail('password', 'Enter your password');
      }
      if (form.failed || !email) {
        return renderSignIn(
          reply,
          { returnTo, values, errors: form.errors },
          400,
        );
      }

      const keys = attemptKeys(email, request.ip);
      const account = await findAccountByEmail(db, email);
      const who = account
        ? { personId: account.id, label: account.displayName }
        : { personId: null, label: 'unknown account' };
      const failed = async (reason: string) =>
        recordAudit(db, {
          action: 'sign-in.failed',
          actor: who,
          subject: account ? { type: 'person', id: account.id } : undefined,
          clientAddress: request.ip,
          details: { method: 'password', reason },
        });
      if (!(await beginAttempt(db, keys))) {
        await failed('locked');
        return renderSignIn(
          reply,
          { returnTo, values, errors: { email: LOCKED } },
          429,
        );
      }
      const usable = account?.active ? account.passwordHash : null;
      const valid = await verifyPassword(usable, password);
      if (!account || !valid) {
        await failed('wrong password');
        request.log.info({ outcome: 'failed' }, 'sign-in attempt');
        return renderSignIn(
          reply,
          { returnTo, values, errors: { email: SIGN_IN_FAILED } },
          400,
        );
      }

      await attemptSucceeded(db, keys);
      await app.sessions.begin(request, reply, account, 'password');
      return reply.redirect(returnTo, 303);
    },
  );

  app.post(
    '/sign-out',
    { config: { access: 'public' } },
    async (request, reply) => {
      const actor = request.actor;
      await app.sessions.end(request, reply);
      if (actor.kind === 'person') {
        await recordAudit(db, {
          action: 'sign-out',
          actor: { personId: actor.id, label: actor.displayName },
          subject: { type: 'person', id: actor.id },
          clientAddress: request.ip,
        });
      }
      return reply.redirect('/sign-in?signedOut=1', 303);
    },
  );

  app.post(
    '/sign-out/everywhere',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const actor = request.actor;
      if (actor.kind !== 'person') {
        throw new UnauthenticatedError();
      }
      const ended = await db.transaction().execute(async (trx) => {
        const count = await deleteSessionsOf(trx, actor.id);
        await recordAudit(trx, {
          action: 'sign-out.everywhere',
          actor: { personId: actor.id, label: actor.displayName },
          subject: { type: 'person', id: actor.id },
          clientAddress: request.ip,
          details: { sessionsEnded: count },
        });
        return count;
      });
      app.sessions.clear(reply);
      request.log.info({ personId: actor.id, ended }, 'signed out everywhere');
      return reply.redirect('/sign-in?signedOut=1', 303);
    },
  );
};
