import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../../../database.ts';
import { moderationApi } from './api.ts';
import { moderationPages } from './page-routes.ts';

/** Moderation of Talk's discussions: its API and its pages. */
export const talkModeration: FastifyPluginAsync<{ db: Db }> = async (
  app,
  { db },
) => {
  await app.register(moderationApi, { db });
  await app.register(moderationPages, { db });
};
