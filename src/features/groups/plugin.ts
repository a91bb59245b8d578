import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import { groupsApi } from './api.ts';
import { groupPages } from './routes.ts';
import { invitationRoutes } from './invitation-routes.ts';

export interface GroupsOptions {
  db: Kysely<Database>;
  publicUrl: URL;
}

/** Groups: the directory, each group's pages, membership and the API. */
export const groupsPlugin: FastifyPluginAsync<GroupsOptions> = async (
  app,
  options,
) => {
  await app.register(groupsApi, { db: options.db });
  await app.register(groupPages, { db: options.db });
  await app.register(invitationRoutes, options);
  void app;
  void options;
};
