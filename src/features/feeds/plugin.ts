import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../../database.ts';
import { feedTokenRoutes } from './account-routes.ts';

export interface FeedsOptions {
  db: Db;
  publicUrl: URL;
}

/**
 * Personal feed addresses: their owners' pages and API. The feeds read
 * through them are served by personalFeeds (./personal.ts), which the app
 * gives every feature's feed routes.
 */
export const feedsPlugin: FastifyPluginAsync<FeedsOptions> = async (
  app,
  options,
) => {
  await app.register(feedTokenRoutes, options);
};
