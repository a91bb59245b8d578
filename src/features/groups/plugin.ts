import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';

export interface GroupsOptions {
  db: Kysely<Database>;
  publicUrl: URL;
}

/** Groups: the directory, each group's pages, membership and the API. */
export const groupsPlugin: FastifyPluginAsync<GroupsOptions> = async (
  app,
  options,
) => {
  void app;
  void options;
};
