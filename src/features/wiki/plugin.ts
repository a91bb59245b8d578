import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import { wikiApi } from './api.ts';

export interface WikiOptions {
  db: Kysely<Database>;
}

/** The wiki: its JSON API, and its pages as they are added. */
export const wikiPlugin: FastifyPluginAsync<WikiOptions> = async (
  app,
  options,
) => {
  await app.register(wikiApi, { db: options.db });
};
