import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import { wikiApi } from './api.ts';
import { wikiPages } from './page-routes.ts';

export interface WikiOptions {
  db: Kysely<Database>;
}

/** The wiki: its JSON API and its pages. */
export const wikiPlugin: FastifyPluginAsync<WikiOptions> = async (
  app,
  options,
) => {
  await app.register(wikiApi, { db: options.db });
  await app.register(wikiPages, { db: options.db });
};
