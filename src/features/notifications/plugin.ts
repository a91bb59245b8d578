import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import { activityRoutes } from '../activity/routes.ts';
import { notificationRoutes } from './routes.ts';

export { unreadCount } from './routes.ts';

/**
 * Activity streams, following and watching, and notifications: the
 * pages and the API. The header's unread count (`unreadCount`) is
 * registered on the whole app.
 */
export const notificationsPlugin: FastifyPluginAsync<{
  db: Kysely<Database>;
}> = async (app, options) => {
  await app.register(activityRoutes, options);
  await app.register(notificationRoutes, options);
};
