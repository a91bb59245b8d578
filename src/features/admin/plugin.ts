import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { PersonActor } from '../../access/actor.ts';
import { can } from '../../access/policy.ts';
import type { Database } from '../../database.ts';
import type { Config } from '../../platform/config.ts';
import { ForbiddenError } from '../../platform/errors.ts';
import { adminAccounts } from './accounts-routes.ts';
import { adminApi } from './api.ts';
import { adminAudit } from './audit-routes.ts';
import { adminScimTokens } from './scim-token-routes.ts';
import { adminSettings } from './settings-routes.ts';

export interface AdminOptions {
  db: Kysely<Database>;
  config: Config;
}

/** The signed-in administrator making a request; anyone else is refused. */
export function administrator(request: FastifyRequest): PersonActor {
  const actor = request.actor;
  if (actor.kind !== 'person' || !can(actor, { name: 'admin.access' })) {
    throw new ForbiddenError(
      'ADMIN_ONLY',
      'Only site administrators can do that',
    );
  }
  return actor;
}

/** The audit log's name for an administrator. */
export function adminActor(actor: PersonActor) {
  return { personId: actor.id, label: actor.displayName };
}

/**
 * The administrators' pages and API: accounts and roles, the audit log,
 * site settings and partner organisations. Every route here is declared
 * for administrators only, so the access gate refuses anyone else, and
 * checks again for an administrator before it does anything.
 */
export const adminPlugin: FastifyPluginAsync<AdminOptions> = async (
  app,
  options,
) => {
  // Set, not defaulted: no route in here may be opened to anyone else.
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: 'admin' };
  });
  app.addHook('preHandler', async (request) => {
    administrator(request);
  });

  app.get('/admin', async (_request, reply) =>
    reply.render('admin/views/index.njk'),
  );

  await app.register(adminAccounts, options);
  await app.register(adminAudit, options);
  await app.register(adminSettings, options);
  await app.register(adminScimTokens, options);
  await app.register(adminApi, options);
};
