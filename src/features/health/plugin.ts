import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import { isReachable } from '../../platform/db/database.ts';
import '../../platform/route-config.ts';

/**
 * `GET /healthz` for load balancers and monitoring: 200 when the database
 * answers, 503 when it does not. It says nothing else about the site.
 */
export const healthPlugin: FastifyPluginAsync<{
  db: Kysely<Database>;
}> = async (app, { db }) => {
  app.get(
    '/healthz',
    { config: { access: 'public' } },
    async (_request, reply) => {
      const database = (await isReachable(db)) ? 'reachable' : 'unreachable';
      reply.header('cache-control', 'no-store');
      return reply.code(database === 'reachable' ? 200 : 503).send({
        status: database === 'reachable' ? 'ok' : 'unavailable',
        database,
      });
    },
  );
};
