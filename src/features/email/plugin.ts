import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import { emailPreferenceRoutes } from './routes.ts';
import { unsubscribeRoutes } from './unsubscribe-routes.ts';

export interface EmailOptions {
  db: Kysely<Database>;
  /** Signs and checks unsubscribe links: the app's cookie secret. */
  secret: string;
}

/** E-mail choices, and the one-click unsubscribe every e-mail links to. */
export const emailPlugin: FastifyPluginAsync<EmailOptions> = async (
  app,
  options,
) => {
  await app.register(emailPreferenceRoutes, { db: options.db });
  await app.register(unsubscribeRoutes, options);
};
