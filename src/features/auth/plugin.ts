import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import { ANONYMOUS } from '../../access/actor.ts';
import type { Actor } from '../../access/actor.ts';
import type { Database } from '../../database.ts';
import type { Config } from '../../platform/config.ts';
import { AppError } from '../../platform/errors.ts';
import { findAccountById } from '../people/accounts.ts';
import type { Account } from '../people/accounts.ts';
import { accountPages } from './account.ts';
import { localSignIn } from './local.ts';
import { SessionCookies } from './session-cookies.ts';
import { findTokenPerson } from './tokens.ts';

export interface AuthOptions {
  config: Config;
  db: Kysely<Database>;
}

/**
 * Works out who every request comes from (a session cookie or an API
 * token), shares the session cookies with every sign-in method, and serves
 * local sign-in and sign-out.
 */
export const authPlugin = fp<AuthOptions>(
  async (app, { config, db }) => {
    const sessions = new SessionCookies(db, config);
    app.decorate('sessions', sessions);

    // Fastify wants reference-type decorations to start empty; the hook
    // below gives every request its own actor before anything reads it.
    app.decorateRequest('actor');

    app.addHook('onRequest', async (request) => {
      request.actor = ANONYMOUS;
      if (request.routeOptions.config.access !== 'credentials') {
        request.actor = await resolveActor(request);
      }
    });

    async function resolveActor(request: FastifyRequest): Promise<Actor> {
      // Only the Bearer scheme is ours. Another (Basic, from a proxy in
      // front of a staging site, say) is none of our business and is left
      // alone rather than refused.
      const header = request.headers.authorization;
      if (header && /^Bearer\b/i.test(header)) {
        const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
        const personId = token ? await findTokenPerson(db, token) : null;
        const account =
          personId === null ? undefined : await findAccountById(db, personId);
        const actor = account ? activeActor(account, 'token') : null;
        if (!actor) {
          throw new AppError(
            401,
            'INVALID_TOKEN',
            'The API token is not valid',
          );
        }
        return actor;
      }
      const account = await sessions.accountOf(request);
      return (account && activeActor(account, 'session')) ?? ANONYMOUS;
    }

    // Checked on every request, so deactivating someone takes effect on
    // their very next one, whatever they hold (BUG-15).
    function activeActor(
      account: Account,
      via: 'session' | 'token',
    ): Actor | null {
      if (!account.active) {
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

    await app.register(localSignIn, { config, db });
    await app.register(accountPages, { db });
  },
  { name: 'auth' },
);
