import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import { talkApi } from './api.ts';
import { talkPages } from './page-routes.ts';
import { talkFeeds } from './feeds-routes.ts';
import { talkModeration } from './moderation/plugin.ts';
import { statusApi } from './status/api.ts';

export interface TalkOptions {
  db: Kysely<Database>;
  publicUrl: URL;
}

/** Talk: discussions in categories and groups, and status posts. */
export const talkPlugin: FastifyPluginAsync<TalkOptions> = async (
  app,
  options,
) => {
  await app.register(talkApi, { db: options.db });
  await app.register(statusApi, { db: options.db });
  await app.register(talkPages, { db: options.db });
  await app.register(talkFeeds, options);
  await app.register(talkModeration, { db: options.db });
};
