import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import { peopleApi } from './api.ts';
import { orgPages } from './org-routes.ts';
import { peoplePages } from './routes.ts';

/** The people directory: pages, org charts and the API. */
export const peoplePlugin: FastifyPluginAsync<{
  db: Kysely<Database>;
  publicUrl: URL;
}> = async (app, options) => {
  await app.register(peoplePages, options);
  await app.register(orgPages, { db: options.db });
  await app.register(peopleApi, { db: options.db });
};
