import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { PersonActor } from '../../access/actor.ts';
import type { Database } from '../../database.ts';
import {
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
} from '../../platform/errors.ts';
import { FieldValidator } from '../../platform/validation.ts';
import { getSetting } from '../admin/settings.ts';
import { recordAudit } from '../audit/audit.ts';
import { findAccountById, setPasswordHash } from '../people/accounts.ts';
import { passwordProblem } from './password-policy.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { deleteSessionsOf } from './sessions.ts';
import { attemptKeys, attemptSucceeded, beginAttempt } from './throttle.ts';
import { createApiToken, listApiTokens, revokeApiToken } from './tokens.ts';

function signedIn(request: FastifyRequest): PersonActor {
  if (request.actor.kind !== 'person') {
    throw new UnauthenticatedError();
  }
  return request.actor;
}

function auditActor(actor: PersonActor) {
  return { personId: actor.id, label: actor.displayName };
}

/**
 * Your own account: the password you sign in with, your personal API
 * tokens, and signing out of every device at once.
 */
export const accountPages: FastifyPluginAsync<{
  db: Kysely<Database>;
}> = async (app, { db }) => {
  // Everyone who can sign in, guests included, manages their own account.
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: 'signed-in' };
  });

  async function renderAccount(
    reply: FastifyReply,
    actor: PersonActor,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const account = await findAccountById(db, actor.id);
    return reply.render(
      'auth/views/account.njk',
      {
        hasPassword: Boolean(account?.passwordHash),
        localSignIn: await getSetting(db, 'localSignIn'),
        tokens: await listApiTokens(db, actor.id),
        values: {},
        ...extra,
      },
      status,
    );
  }

  app.get('/account', async (request, reply) =>
    renderAccount(reply, signedIn(request), {
      saved: (request.query as Record<string, unknown>).saved,
    }),
  );

  app.get('/account/password', async (request, reply) => {
    signedIn(request);
    return reply.render('auth/views/password.njk', { values: {} });
  });

  app.post('/account/password', async (request, reply) => {
    const actor = signedIn(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const account = await findAccountById(db, actor.id);
    if (!account) {
      throw new NotFoundError();
    }
    if (!account.passwordHash || !(await getSetting(db, 'localSignIn'))) {
      throw new ForbiddenError(
        'PASSWORD_NOT_USED',
        'This account does not sign in with a password here',
      );
    }
    const text = (field: string) =>
      typeof body[field] === 'string' && body[field].length <= 1000
        ? body[field]
        : '';
    const current = text('current');
    const password = text('password');
    const errors: Record<string, string> = {};
    const keys = attemptKeys(`person:${actor.id}`, request.ip);
    if (!(await beginAttempt(db, keys))) {
      errors.current =
        'Too many wrong passwords. Wait 15 minutes, then try again.';
    } else if (!(await verifyPassword(account.passwordHash, current))) {
      errors.current = 'Enter your current password correctly';
    } else {
      await attemptSucceeded(db, keys);
    }
    const problem = passwordProblem(password, {
      name: account.displayName,
      email: await emailOf(db, actor.id),
    });
    if (problem) {
      errors.password = problem;
    } else if (password !== text('confirm')) {
      errors.confirm = 'Enter the same new password twice';
    }
    if (Object.keys(errors).length > 0) {
      return reply.render(
        'auth/views/password.njk',
        { values: {}, errors },
        400,
      );
    }

    const hash = await hashPassword(password);
    await db.transaction().execute(async (trx) => {
      await setPasswordHash(trx, actor.id, hash);
      // A new password should lock out whoever knew the old one.
      await deleteSessionsOf(trx, actor.id);
      await recordAudit(trx, {
        action: 'password.set',
        actor: auditActor(actor),
        subject: { type: 'person', id: actor.id },
        clientAddress: request.ip,
        details: { via: 'account page' },
      });
    });
    await app.sessions.begin(request, reply, account, 'password');
    return reply.redirect('/account?saved=password', 303);
  });

  app.post('/account/tokens', async (request, reply) => {
    const actor = signedIn(request);
    const form = new FieldValidator(
      (request.body ?? {}) as Record<string, unknown>,
    );
    const name = form.text('name', {
      label: 'Token name',
      max: 100,
      required: true,
    });
    if (form.failed || !name) {
      return renderAccount(reply, actor, { errors: form.errors }, 400);
    }
    const created = await db.transaction().execute(async (trx) => {
      const token = await createApiToken(trx, actor.id, name);
      await recordAudit(trx, {
        action: 'token.created',
        actor: auditActor(actor),
        subject: { type: 'token', id: token.id },
        clientAddress: request.ip,
        details: { name, via: 'account page' },
      });
      return token;
    });
    reply.header('cache-control', 'no-store');
    return renderAccount(
      reply,
      actor,
      { newToken: { name, token: created.token } },
      201,
    );
  });

  app.post<{ Params: { id: string } }>(
    '/account/tokens/:id/revoke',
    async (request, reply) => {
      const actor = signedIn(request);
      const id = /^\d{1,9}$/.test(request.params.id)
        ? Number(request.params.id)
        : 0;
      const revoked = await db.transaction().execute(async (trx) => {
        const done = await revokeApiToken(trx, id, actor.id);
        if (done) {
          await recordAudit(trx, {
            action: 'token.revoked',
            actor: auditActor(actor),
            subject: { type: 'token', id },
            clientAddress: request.ip,
            details: { via: 'account page' },
          });
        }
        return done;
      });
      if (!revoked) {
        throw new NotFoundError('TOKEN_NOT_FOUND', 'Token not found');
      }
      return reply.redirect('/account?saved=revoked', 303);
    },
  );
};

async function emailOf(
  db: Kysely<Database>,
  personId: number,
): Promise<string | null> {
  const row = await db
    .selectFrom('people')
    .select('email')
    .where('id', '=', personId)
    .executeTakeFirst();
  return row?.email ?? null;
}
