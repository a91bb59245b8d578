import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import { ANONYMOUS } from '../../access/actor.ts';
import type { Actor } from '../../access/actor.ts';
import type { Database } from '../../database.ts';
import type { Config } from '../../platform/config.ts';
import { AppError } from '../../platform/errors.ts';
import { safeReturnPath } from '../../platform/redirects.ts';
import { FieldValidator } from '../../platform/validation.ts';
import { findAccountByEmail, findAccountById } from '../people/accounts.ts';
import { verifyPassword } from './passwords.ts';
import { createSession, deleteSession, findSessionPerson } from './sessions.ts';
import type { SessionTimeouts } from './sessions.ts';
import { findTokenPerson } from './tokens.ts';

export interface AuthOptions {
  config: Config;
  db: Kysely<Database>;
}

// The same words whether or not the account exists, so the form cannot be
// used to find out who has one.
const SIGN_IN_FAILED = 'Enter a correct e-mail address and password';

/**
 * Works out who every request comes from (a session cookie or an API
 * token) and serves the local sign-in and sign-out pages.
 */
export const authPlugin = fp<AuthOptions>(
  async (app, { config, db }) => {
    const secure = config.publicUrl.protocol === 'https:';
    // __Host- cookies are bound to this exact host and path, and refused
    // by browsers unless Secure, so they are used whenever HTTPS is.
    const cookieName = secure ? '__Host-cm_session' : 'cm_session';
    const timeouts: SessionTimeouts = {
      idleMs: config.sessionIdleTimeoutMs,
      absoluteMs: config.sessionAbsoluteTimeoutMs,
    };

    // Fastify wants reference-type decorations to start empty; the hook
    // below gives every request its own actor before anything reads it.
    app.decorateRequest('actor');

    app.addHook('onRequest', async (request) => {
      request.actor = ANONYMOUS;
      request.actor = await resolveActor(request);
    });

    async function resolveActor(request: FastifyRequest): Promise<Actor> {
      // Only the Bearer scheme is ours. Another (Basic, from a proxy in
      // front of a staging site, say) is none of our business and is left
      // alone rather than refused.
      const header = request.headers.authorization;
      const bearer = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
      if (header && /^Bearer\b/i.test(header)) {
        const token = bearer?.[1];
        const personId = token ? await findTokenPerson(db, token) : null;
        const actor =
          personId === null ? null : await personActor(personId, 'token');
        if (!actor) {
          throw new AppError(
            401,
            'INVALID_TOKEN',
            'The API token is not valid',
          );
        }
        return actor;
      }
      const secret = request.cookies[cookieName];
      if (!secret) {
        return ANONYMOUS;
      }
      const personId = await findSessionPerson(db, secret, timeouts);
      return (
        (personId !== null && (await personActor(personId, 'session'))) ||
        ANONYMOUS
      );
    }

    async function personActor(
      personId: number,
      via: 'session' | 'token',
    ): Promise<Actor | null> {
      const account = await findAccountById(db, personId);
      if (!account?.active) {
        return null;
      }
      return {
        kind: 'person',
        id: account.id,
        role: account.role,
        displayName: account.displayName,
        via,
      };
    }

    function setSessionCookie(reply: FastifyReply, secret: string) {
      reply.setCookie(cookieName, secret, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure,
        maxAge: Math.floor(timeouts.absoluteMs / 1000),
      });
    }

    app.get(
      '/sign-in',
      { config: { public: true } },
      async (request, reply) => {
        const query = request.query as Record<string, unknown>;
        const returnTo = safeReturnPath(query.returnTo);
        if (request.actor.kind === 'person') {
          return reply.redirect(returnTo, 303);
        }
        return reply.render('auth/views/sign-in.njk', {
          returnTo,
          values: {},
          signedOut: query.signedOut === '1',
        });
      },
    );

    app.post(
      '/sign-in',
      {
        config: {
          public: true,
          rateLimit: { max: config.signInRateLimit, timeWindow: '1 minute' },
        },
      },
      async (request, reply) => {
        const body = (request.body ?? {}) as Record<string, unknown>;
        const returnTo = safeReturnPath(body.returnTo);
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
        const values = {
          email: typeof body.email === 'string' ? body.email : '',
        };
        if (form.failed || !email) {
          return reply.render(
            'auth/views/sign-in.njk',
            { returnTo, values, errors: form.errors },
            400,
          );
        }

        const account = await findAccountByEmail(db, email);
        const usable = account?.active ? account.passwordHash : null;
        const valid = await verifyPassword(usable, password);
        if (!account || !valid) {
          request.log.info({ outcome: 'failed' }, 'sign-in attempt');
          return reply.render(
            'auth/views/sign-in.njk',
            { returnTo, values, errors: { email: SIGN_IN_FAILED } },
            400,
          );
        }

        const previous = request.cookies[cookieName];
        if (previous) {
          await deleteSession(db, previous);
        }
        const secret = await createSession(
          db,
          account.id,
          request.headers['user-agent'],
          timeouts,
        );
        setSessionCookie(reply, secret);
        request.log.info({ personId: account.id }, 'signed in');
        return reply.redirect(returnTo, 303);
      },
    );

    app.post(
      '/sign-out',
      { config: { public: true } },
      async (request, reply) => {
        const secret = request.cookies[cookieName];
        if (secret) {
          await deleteSession(db, secret);
        }
        reply.clearCookie(cookieName, {
          path: '/',
          secure,
          httpOnly: true,
          sameSite: 'lax',
        });
        return reply.redirect('/sign-in?signedOut=1', 303);
      },
    );
  },
  { name: 'auth' },
);
